#!/bin/sh
# The quality goal of issue 20, measured over seeds with the tools alone: each recipe trained at
# the notebook's budget (4000 epochs of 10,000 points) with `ddpm train`, then scored by
# `ddpm eval --model` (3000 samples against a fresh true sample and its noise floor).
#   tools/quality-seeds.sh BUILD_DIR [SEEDS]      (default seeds: 1 2 3 4)
#   EPOCHS=N for a shorter run; RECIPES="..." for some of them. Prints one line per run and a
#   Markdown table of all of them.
# Recipes: the notebook's eps model sampled by the improved recipe (EMA, Algorithm 2); the same
# for the v objective; and flow matching sampled by Heun's method at the same 100 network
# evaluations (EMA); and the best found: the eps model with 300 steps and the fixed sinusoidal
# step embedding (lesson 10's), sampled by the improved recipe.
set -eu
build=$1
seeds=${2:-1 2 3 4}
ddpm="$(pwd)/$build/ddpm"
epochs=${EPOCHS:-4000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
table="| recipe | seed | SWD / floor | precision | recall |\n|---|---|---|---|---|\n"
for recipe in ${RECIPES:-eps-improved v-improved flow-heun t300-sinusoidal}; do
    for seed in $seeds; do
        case $recipe in
            eps-improved) flags="--recipe improved" ;;
            v-improved) flags="--objective v --recipe improved" ;;
            flow-heun) flags="--objective flow --recipe improved" ;;
            t300-sinusoidal) flags="--recipe improved --steps 300 --embedding sinusoidal" ;;
            *) echo "unknown recipe $recipe (eps-improved, v-improved, flow-heun, t300-sinusoidal)" >&2
               exit 2 ;;
        esac
        # shellcheck disable=SC2086
        "$ddpm" train $flags --epochs "$epochs" --seed "$seed" --out "$work/m.ckpt" > /dev/null 2>&1
        line=$("$ddpm" eval --model "$work/m.ckpt" --n 3000 | tail -n 1)
        field() { echo "$line" | sed "s/.*\"$1\": \([0-9.e+-]*\).*/\1/"; }
        row=$(awk -v s="$(field swd)" -v f="$(field swd_floor)" -v p="$(field precision)" \
                  -v r="$(field recall)" 'BEGIN { printf "%.2f | %.3f | %.3f", s / f, p, r }')
        echo "$recipe seed $seed ($epochs epochs): SWD/floor | precision | recall = $row"
        table="$table| $recipe | $seed | $row |\n"
    done
done
printf "\n%b" "$table"
