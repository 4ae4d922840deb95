#!/bin/sh
# `make demo`: the course's main job. Trains the notebook's model on the S-curve and writes the
# pictures into out/:
#   schedules.svg  s_curve.png  forward.png   (lessons 01 and 02)
#   loss.png  loss.csv  model.ckpt            (ddpm train)
#   reverse.png  samples.csv  trajectory.npy  (ddpm sample)
#   quality.txt                               (ddpm eval: the samples against the noise floor)
#   diffusion.gif                             (ddpm animate: forward, then reverse, looping)
# The notebook's training, 4000 epochs (under 3 minutes on 2 cores). FULL=1 adds its sampling every
# 100 epochs (40 panels in out/panels/). EPOCHS=N for a shorter run.  Usage: tools/demo.sh BUILD_DIR
set -eu
build=$1
root=$(pwd)
ddpm="$root/$build/ddpm"
mkdir -p out
for lesson in 01_beta_schedule 02_forward_process; do
    echo "== lesson $lesson"
    mkdir -p "out/$lesson"
    (cd "out/$lesson" && "$root/$build/lessons/$lesson" > output.txt) || { cat "out/$lesson/output.txt"; exit 1; }
    grep -E '^(OK|NOT OK|wrote)' "out/$lesson/output.txt" | tail -n 4
done
cp out/01_beta_schedule/schedules.svg out/02_forward_process/s_curve.png \
   out/02_forward_process/forward.png out/

epochs=${EPOCHS:-4000}
extra=""
if [ "${FULL:-0}" = 1 ]; then
    mkdir -p out/panels
    extra="--sample-every 100 --panels-dir out/panels"
fi
echo "== ddpm train: the notebook's model, $epochs epochs"
# shellcheck disable=SC2086
"$ddpm" train --epochs "$epochs" --seed 1234 --out out/model.ckpt --log out/loss.csv \
    --loss-plot out/loss.png $extra
echo "== ddpm sample: 10,000 points from the raw weights, as the notebook"
"$ddpm" sample --model out/model.ckpt --n 10000 --seed 1 --out out/samples.csv \
    --trajectory out/trajectory.npy --panels out/reverse.png
echo "== ddpm eval"
"$ddpm" eval out/samples.csv | tee out/quality.txt
echo "== ddpm animate"
"$ddpm" animate --model out/model.ckpt --out out/diffusion.gif
echo "== done: $(cd out && ls -- *.png *.svg *.gif *.csv *.npy *.ckpt *.txt | tr '\n' ' ')"
