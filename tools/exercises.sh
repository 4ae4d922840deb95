#!/bin/sh
# The exercises' tooling, called by the Makefile's exercise targets (docs/exercises.md):
#
#   exercises.sh pristine NN_name OUT    write the untouched exercise.cpp of NN_name to OUT
#   exercises.sh ids                     rewrite lessons/pristine-exercises.txt (maintainers)
#   exercises.sh check-ids               fail if that file does not match the exercises as they are
#   exercises.sh status BUILD EX...      make exercises: which are solved, and what next
#   exercises.sh hint BUILD NN_name [L]  make hint: the next level of the hint (or level L)
#   exercises.sh grade BUILD EX...       make grade: a table and BUILD/grade.json
#   exercises.sh reset NN_name           make reset: the untouched exercise back, yours kept beside it
#   exercises.sh watch BUILD NN_name     make watch: re-check whenever exercise.cpp is saved
#
# The untouched exercise is named by its git blob id in lessons/pristine-exercises.txt, so it can
# be had from the working file (when unchanged) or from git's history (when the learner edited or
# even committed it), never confused with the learner's version.
set -u
ids_file=lessons/pristine-exercises.txt
levels=3

blob_id() {  # git's id of a file's content, computed without git
    { printf 'blob %d\0' "$(wc -c < "$1")"; cat "$1"; } | sha1sum | cut -c1-40
}

recorded_id() {
    sed -n "s/^$1 \([0-9a-f]\{40\}\)\$/\1/p" "$ids_file"
}

exercise_file() {
    echo "lessons/$1/exercise/exercise.cpp"
}

# pristine NN_name OUT: OUT gets the untouched exercise; OUT.unavailable marks that it could not
# be had (no git history holding it), and OUT is then the learner's file, so it still compiles.
pristine() {
    ex=$1; out=$2; file=$(exercise_file "$ex"); id=$(recorded_id "$ex")
    mkdir -p "$(dirname "$out")"
    rm -f "$out.unavailable"
    if [ -n "$id" ] && [ "$(blob_id "$file")" = "$id" ]; then
        cp "$file" "$out"
    elif [ -n "$id" ] && git cat-file blob "$id" > "$out.tmp" 2>/dev/null; then
        mv "$out.tmp" "$out"
    else
        rm -f "$out.tmp"
        cp "$file" "$out"
        echo "$file is edited and its untouched version ($id) is not in git's history" \
            > "$out.unavailable"
    fi
}

ids() {
    {
        echo "# The git blob id of each exercise's untouched exercise.cpp (tools/exercises.sh)."
        echo "# After changing an exercise, run 'make pristine-ids'; .ci/run fails until it matches."
        for check in lessons/*/exercise/check.cpp; do
            ex=$(basename "$(dirname "$(dirname "$check")")")
            echo "$ex $(blob_id "$(exercise_file "$ex")")"
        done
    } > "$ids_file.tmp" && mv "$ids_file.tmp" "$ids_file"
    echo "wrote $ids_file"
}

check_ids() {
    bad=0
    for check in lessons/*/exercise/check.cpp; do
        ex=$(basename "$(dirname "$(dirname "$check")")")
        if [ "$(recorded_id "$ex")" != "$(blob_id "$(exercise_file "$ex")")" ]; then
            echo "$ids_file: $ex's id does not match $(exercise_file "$ex"); run 'make pristine-ids'"
            bad=1
        fi
    done
    return $bad
}

# Runs one exercise's checks; sets passed and checks from its closing line "P of T checks pass"
# (0 and 0 when it never got there).
run_checks() {
    "$1/exercises/$2" > "$1/exercises/$2.log" 2>&1
    result=$(sed -n 's/^\([0-9]*\) of \([0-9]*\) checks pass$/\1 \2/p' "$1/exercises/$2.log" |
             tail -n 1)
    passed=${result%% *}; checks=${result##* }
    [ -n "$result" ] || { passed=0; checks=0; }
}

is_solved() {
    [ "$checks" -gt 0 ] && [ "$passed" = "$checks" ]
}

status() {
    build=$1; shift
    solved=""; next=""; count=0; total=0
    for ex in "$@"; do
        total=$((total + 1))
        run_checks "$build" "$ex"
        if is_solved; then
            count=$((count + 1)); solved="$solved ${ex%%_*}"
            printf 'solved    %s (%s checks)\n' "$ex" "$checks"
        else
            [ -z "$next" ] && next=$ex
            printf 'unsolved  %s (%s of %s checks pass)\n' "$ex" "$passed" "$checks"
        fi
    done
    if [ -z "$next" ]; then
        echo "$count/$total solved. Well done."
    else
        echo "$count/$total solved${solved:+ (${solved# })}; next: ${next%%_*}  make exercise N=${next%%_*}"
    fi
}

hint() {
    build=$1; ex=$2; asked=${3:-}
    dir=lessons/$ex/exercise/hints; state=$build/hints/$ex.level
    mkdir -p "$build/hints"
    if [ -n "$asked" ]; then
        level=$asked
    else
        level=$(( $(cat "$state" 2>/dev/null || echo 0) + 1 ))
        [ "$level" -gt $levels ] && level=$levels
    fi
    case $level in [1-9]) ;; *) echo "LEVEL must be 1 to $levels, got '$level'" >&2; exit 2 ;; esac
    [ -f "$dir/$level.md" ] || { echo "no hint $dir/$level.md" >&2; exit 2; }
    echo "$level" > "$state"
    echo "---- hint $level of $levels for exercise ${ex%%_*} ($dir/$level.md) ----"
    cat "$dir/$level.md"
    echo "----"
    if [ "$level" -lt $levels ]; then
        echo "Ask again for the next level: make hint N=${ex%%_*}"
    else
        echo "That was the last level. Any level again: make hint N=${ex%%_*} LEVEL=1"
    fi
}

grade() {
    build=$1; shift
    json="["; sep=""; solved=0; total=0
    printf '%-22s %8s %8s  %s\n' exercise passed checks solved
    for ex in "$@"; do
        total=$((total + 1))
        run_checks "$build" "$ex"
        ok=false
        if is_solved; then ok=true; solved=$((solved + 1)); fi
        printf '%-22s %8s %8s  %s\n' "$ex" "$passed" "$checks" "$($ok && echo yes || echo no)"
        json="$json$sep{\"exercise\": \"$ex\", \"passed\": $passed, \"checks\": $checks, \"solved\": $ok}"
        sep=", "
    done
    echo "$json]" > "$build/grade.json.tmp" && mv "$build/grade.json.tmp" "$build/grade.json"
    echo "$solved/$total solved; wrote $build/grade.json"
}

reset() {
    ex=$1; file=$(exercise_file "$ex")
    [ -f "$file" ] || { echo "no exercise $ex" >&2; exit 2; }
    tmp=$(mktemp "${TMPDIR:-/tmp}/pristine.XXXXXX")
    pristine "$ex" "$tmp"
    if [ -f "$tmp.unavailable" ]; then
        cat "$tmp.unavailable" >&2; rm -f "$tmp" "$tmp.unavailable"; exit 1
    fi
    if cmp -s "$tmp" "$file"; then
        rm -f "$tmp"; echo "$file is already untouched"; return 0
    fi
    backup="$file.$(date +%Y%m%d-%H%M%S).bak"
    cp "$file" "$backup" && mv "$tmp" "$file"
    echo "restored $file to its untouched version; yours is kept as $backup"
}

watch() {
    build=$1; ex=$2; file=$(exercise_file "$ex"); n=${ex%%_*}
    echo "watching $file: it is checked each time you save it (Ctrl-C to stop)"
    last=""
    while :; do
        now=$(stat -c %Y "$file" 2>/dev/null || echo gone)
        if [ "$now" != "$last" ]; then
            last=$now
            clear 2>/dev/null || true
            make --no-print-directory -s "$build/exercises/$ex" && "$build/exercises/$ex"
            echo; echo "[watching $file: save it to check again; make hint N=$n for a hint]"
        fi
        sleep 1
    done
}

command=${1:-}; [ $# -gt 0 ] && shift
case $command in
    pristine) pristine "$@" ;;
    ids) ids ;;
    check-ids) check_ids ;;
    status) status "$@" ;;
    hint) hint "$@" ;;
    grade) grade "$@" ;;
    reset) reset "$@" ;;
    watch) watch "$@" ;;
    *) echo "usage: see the top of tools/exercises.sh" >&2; exit 2 ;;
esac
