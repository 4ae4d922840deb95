#!/bin/sh
# `make demo`: the course end to end. Runs each lesson in out/NN_name/ and gathers the pictures
# into out/. Usage: tools/demo.sh BUILD_DIR
set -eu
build=$1
root=$(pwd)
mkdir -p out
for bin in "$build"/lessons/*; do
    lesson=$(basename "$bin")
    echo "== lesson $lesson"
    mkdir -p "out/$lesson"
    (cd "out/$lesson" && "$root/$bin") | tail -n 3
done
cp out/01_beta_schedule/schedules.png out/02_forward_process/s_curve.png \
   out/02_forward_process/forward.png out/
echo "== done: pictures in out/ ($(cd out && ls *.png | tr '\n' ' '))"
