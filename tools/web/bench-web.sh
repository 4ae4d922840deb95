#!/bin/sh
# make bench-web: the page's training speed against the native build's, in one run. The same
# training (the notebook's model, 20 epochs of 10,000 points, seed 1) by Node on build/wasm/ddpm.js
# (the wasm the page embeds) and by the native `ddpm train` on one thread. Prints steps/s of each.
# (Chromium's newer V8 runs the page faster than Debian's Node: tests/test_web.py prints its figure.)
set -eu
build=$1
epochs=${EPOCHS:-20}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
NODE_PATH=/usr/share/nodejs node -e '
const createDdpm = require(process.argv[1]);
const epochs = Number(process.argv[2]);
createDdpm().then((m) => {
  const start = m.cwrap("ddpm_web_start", "number", ["string", "number", "number", "string", "number", "number"]);
  const train = m.cwrap("ddpm_web_train", "number", ["number"]);
  if (start("s_curve", 10000, epochs, "sigmoid", 1, 0) < 0) throw new Error("start failed");
  const t0 = process.hrtime.bigint();
  train(epochs);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const steps = m.ccall("ddpm_web_steps", "number", [], []);
  console.log("wasm (Node " + process.version + "): " + (steps / s).toFixed(0) + " steps/s, " +
              (316000 / (steps / s) / 60).toFixed(1) + " min for 4000 epochs");
});' "$(pwd)/build/wasm/ddpm.js" "$epochs"
t0=$(date +%s.%N)
"$build/ddpm" train --epochs "$epochs" --seed 1 --threads 1 --out "$work/n.ckpt" > /dev/null 2>&1
t1=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" -v e="$epochs" 'BEGIN { r = e * 79 / (b - a);
    printf "native (%s): %.0f steps/s, %.1f min for 4000 epochs\n", "ddpm train, 1 thread", r, 316000 / r / 60 }'
