#!/bin/sh
# CI's check of another architecture (docs/architecture.md, "Numbers across machines"): runs the
# doctest suite of a cross build under an emulator, then the same short train/sample/eval job with
# the native build and the cross build, and compares what they print. The figures must agree to
# 1e-3 of their size; the bits need not (fused multiply-adds and libm differ between processors).
# Usage: tests/cross_check.sh NATIVE_BUILD CROSS_BUILD RUNNER...   (RUNNER: qemu-aarch64 -L ...)
set -u
native=$1; cross=$2; shift 2
root=$(pwd)
passed=0; failed=0
ok() { passed=$((passed + 1)); echo "OK      $*"; }
not_ok() { failed=$((failed + 1)); echo "NOT OK  $*"; }

# The suite, less its two slowest cases (metrics and a long training run, no code of their own
# for the processor), which take minutes under emulation.
echo "== the doctest suite under $1"
if "$@" "$cross/tests/run_tests" -tce="the quality measure*,2000 training steps*" \
       > "$cross/cross-tests.log" 2>&1; then
    ok "$(grep 'test cases:' "$cross/cross-tests.log")"
else
    not_ok "the suite under emulation:"; grep -E 'ERROR|test cases:' "$cross/cross-tests.log" | head -n 20
fi

# job BUILD DIR [RUNNER...]: train 10 epochs on 2000 points, sample 2000, evaluate; the figures.
job() {
    b=$1; d=$2; shift 2
    mkdir -p "$d"
    (cd "$d" &&
     "$@" "$root/$b/ddpm" train --epochs 10 --n 2000 --out m.ckpt 2>/dev/null | tail -n 1 &&
     "$@" "$root/$b/ddpm" sample --model m.ckpt --n 2000 --out s.npy >/dev/null &&
     "$@" "$root/$b/ddpm" eval s.npy | tail -n 1) > "$d/figures.txt"
}
echo "== a short train, sample and eval, native and under $1"
job "$native" "$native/cross-job" || not_ok "the native job failed"
job "$cross" "$cross/cross-job" "$@" || not_ok "the job under emulation failed"
# Every number of both outputs, in order, must agree to 1e-3 of its size (the README's digits).
numbers() { grep -oE '[0-9]+\.[0-9]+(e-?[0-9]+)?' "$1"; }
if [ -s "$native/cross-job/figures.txt" ] && [ -s "$cross/cross-job/figures.txt" ]; then
    numbers "$native/cross-job/figures.txt" > "$native/cross-job/numbers"
    numbers "$cross/cross-job/figures.txt" > "$cross/cross-job/numbers"
    if paste "$native/cross-job/numbers" "$cross/cross-job/numbers" | awk '
        { n++; a = $1 + 0; b = $2 + 0; d = a > b ? a - b : b - a; m = a > b ? a : b
          if ($2 == "" || d > 1e-3 * m + 1e-9) bad++ }
        END { exit !(n > 0 && bad == 0) }'; then
        ok "the job's $(wc -l < "$native/cross-job/numbers") printed figures agree to 1e-3 of their size"
    else
        not_ok "the job's figures differ:"; diff "$native/cross-job/figures.txt" "$cross/cross-job/figures.txt"
    fi
else
    not_ok "a job printed nothing"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
