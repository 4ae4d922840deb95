#!/bin/sh
# `make test`: the doctest suite, then each lesson's quick self-check (each in its own scratch
# folder under BUILD/check/), then one closing line "N passed, N failed".
# Usage: tests/run_all.sh BUILD_DIR LESSON...
set -u
unset EPOCHS  # the lessons' self-checks use their own quick lengths
build=$1; shift
root=$(pwd)
passed=0; failed=0; failures=""

# count_checks LOG STATUS: p and f from a script's "OK" and "NOT OK" lines; a script that failed
# without a NOT OK line (it crashed) counts as one failure.
count_checks() {
    p=$(grep -c '^OK' "$1"); f=$(grep -c '^NOT OK' "$1")
    if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; tail -n 3 "$1"; fi
}

# chromium_test NAME SCRIPT ARG...: `make NAME` (the page or the site), then the Python script that
# reads it in headless Chromium, into BUILD/tests/NAME.log; its checks counted, its summary shown.
chromium_test() {
    name=$1; shift
    log="$build/tests/$name.log"
    if make --no-print-directory -s "$name" > "$build/tests/$name-build.log" 2>&1; then
        python3 "$@" > "$log" 2>&1
        count_checks "$log" $?
        grep -h -E '^(page|site|screenshots):' "$build/tests/$name-build.log" "$log"
    else
        p=0; f=1; tail -n 5 "$build/tests/$name-build.log"
    fi
    passed=$((passed + p)); failed=$((failed + f))
    if [ "$f" -gt 0 ]; then failures="$failures $name"; grep 'NOT OK' "$log" 2>/dev/null; fi
    echo "$p passed, $f failed"
}

echo "== unit tests (doctest)"
log="$build/tests/doctest.log"
"$build/tests/run_tests" 2>&1 | tee "$log"
summary=$(grep 'test cases:' "$log" | tail -n 1)
p=$(echo "$summary" | sed -n 's/.*| *\([0-9]*\) passed.*/\1/p')
f=$(echo "$summary" | sed -n 's/.*| *\([0-9]*\) failed.*/\1/p')
if [ -z "$p" ] || [ -z "$f" ]; then
    failed=$((failed + 1)); failures="$failures doctest(crashed)"
else
    passed=$((passed + p)); failed=$((failed + f))
    [ "$f" -gt 0 ] && failures="$failures doctest"
fi

echo "== the command-line tools"
log="$build/tests/tools.log"
sh tests/test_tools.sh "$build" > "$log" 2>&1
p=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$log" | tail -n 1)
f=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$log" | tail -n 1)
if [ -z "$p" ]; then
    failed=$((failed + 1)); failures="$failures tools(crashed)"; tail -n 5 "$log"
else
    passed=$((passed + p)); failed=$((failed + f))
    [ "$f" -gt 0 ] && { failures="$failures tools"; grep 'NOT OK' "$log"; }
    tail -n 1 "$log"
fi

echo "== the round trip with the notebook's PyTorch code (tests/fixtures/check_round_trip.py)"
# Optional: it needs python3-torch, which CI does not install (the oracle test above needs no
# Python). Skipped is said, and counted as neither passed nor failed.
if /usr/bin/python3 -c 'import torch, numpy' > /dev/null 2>&1; then
    log="$build/tests/round_trip.log"
    /usr/bin/python3 tests/fixtures/check_round_trip.py > "$log" 2>&1
    count_checks "$log" $?
    passed=$((passed + p)); failed=$((failed + f))
    if [ "$f" -gt 0 ]; then failures="$failures round-trip"; grep 'NOT OK' "$log"; fi
    echo "$p passed, $f failed"
else
    echo "skipped: the PyTorch round trip (install python3-torch to run it)"
fi

echo "== the browser page in headless Chromium (tests/test_web.py)"
# Needs emscripten (make web) and Debian's chromium, which .ci/run installs. Without them it is
# skipped, said, and counted as neither passed nor failed. Run once, by the default build's test.
if [ "${WEB_TEST:-1}" = 0 ]; then
    echo "skipped: web (run by the default build's make test)"
elif command -v em++ > /dev/null 2>&1 && command -v chromium > /dev/null 2>&1; then
    chromium_test web tests/test_web.py "$build"
else
    echo "skipped: web (install emscripten and chromium)"
fi

echo "== the course's website in headless Chromium (tests/test_site.py)"
# Needs pandoc (make site), emscripten (the browser page inside it) and Debian's chromium, which
# .ci/run installs. Without them it is skipped, said, and counted as neither passed nor failed.
# Run once, by the default build's test.
if [ "${WEB_TEST:-1}" = 0 ]; then
    echo "skipped: site (run by the default build's make test)"
elif command -v pandoc > /dev/null 2>&1 && command -v em++ > /dev/null 2>&1 &&
     command -v chromium > /dev/null 2>&1; then
    chromium_test site tests/test_site.py build/site "$build/site-test"
else
    echo "skipped: site (install pandoc, emscripten and chromium)"
fi

echo "== exercises: every untouched exercise fails its checks, every solution passes them"
# The untouched exercise is the one recorded in lessons/pristine-exercises.txt (tools/exercises.sh),
# not the learner's file, so solving exercises never fails this suite. (.ci/run checks that the
# record matches the exercises as committed.)
for ex in ${EXERCISES:-}; do
    # The untouched exercise: it must fail (said once, in the exercise's one line below).
    untouched="$build/pristine/$ex/exercise.cpp"
    log="$build/exercises/$ex.untouched.log"
    if [ -f "$untouched.unavailable" ]; then
        said="untouched not checked ($(cat "$untouched.unavailable"))"
        bad=""
    elif "$build/exercises/$ex.pristine" > "$log" 2>&1; then
        said="the untouched exercise PASSES its checks (they test nothing?)"
        bad=untouched-passes
    else
        said="untouched fails ($(grep -c '^FAIL' "$log") checks)"
        bad=""
        passed=$((passed + 1))
    fi
    [ -n "$bad" ] && failed=$((failed + 1))
    # The solution: it must pass.
    if "$build/exercises/$ex.solution" > "$build/exercises/$ex.solution.log" 2>&1; then
        said="$said, solution passes ($(tail -n 2 "$build/exercises/$ex.solution.log" | head -n 1))"
        passed=$((passed + 1))
    else
        said="$said, the solution FAILS:"
        bad="$bad${bad:+,}solution-fails"
        failed=$((failed + 1))
    fi
    if [ -z "$bad" ]; then
        echo "OK      $ex: $said"
    else
        failures="$failures $ex($bad)"; echo "NOT OK  $ex: $said"
        case $bad in *solution-fails*) grep '^FAIL' "$build/exercises/$ex.solution.log" ;; esac
    fi
done

# The lessons on pictures (15 and on) need Fashion-MNIST, which `make test` installs when it can
# (make data); without it they are skipped, said, and counted as neither passed nor failed.
fashion="${DDPM_FASHION_MNIST:-/usr/share/datasets/fashion-mnist}/train-images-idx3-ubyte.gz"
for lesson in "$@"; do
    echo "== lesson $lesson --check"
    case $lesson in
    1[5-9]_*) if [ ! -f "$fashion" ]; then
                  echo "skipped: $lesson (install dataset-fashion-mnist)"; continue
              fi
              # Under the sanitizers their training runs take many minutes; their code is
              # checked there by the unit tests (test_pictures, the oracle, the IDX corpus).
              if [ "${SANITIZED:-0}" = 1 ]; then
                  echo "skipped: $lesson (too slow under the sanitizers; its code is in the unit tests)"
                  continue
              fi ;;
    esac
    dir="$build/check/$lesson"
    mkdir -p "$dir"
    if (cd "$dir" && "$root/$build/lessons/$lesson" --check > output.txt 2>&1); then
        passed=$((passed + 1)); tail -n 1 "$dir/output.txt"
    else
        failed=$((failed + 1)); failures="$failures $lesson"
        grep 'NOT OK' "$dir/output.txt"; tail -n 5 "$dir/output.txt"
    fi
done

[ -n "$failures" ] && echo "failed:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
