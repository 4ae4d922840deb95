#!/bin/sh
# The command-line tools, as a learner runs them: exit statuses, one-line errors, and a short
# end-to-end run whose samples must score clearly better than an untrained model's.
# Usage: tests/test_tools.sh BUILD_DIR   (prints OK / NOT OK lines, then "N passed, N failed")
set -u
root=$(pwd)
ddpm="$root/$1/ddpm"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
passed=0; failed=0
ok()     { echo "OK      $1"; passed=$((passed + 1)); }
not_ok() { echo "NOT OK  $1"; failed=$((failed + 1)); }

# expect STATUS MESSAGE_PART ARGS...: the exit status and one line on stderr containing the part.
expect() {
    want=$1; part=$2; shift 2
    "$ddpm" "$@" > out.txt 2> err.txt; got=$?
    lines=$(wc -l < err.txt)
    if [ "$got" = "$want" ] && grep -qF -- "$part" err.txt && [ "$lines" -le 1 ]; then
        ok "ddpm $* -> exit $got: $(cat err.txt)"
    else
        not_ok "ddpm $*: want exit $want and '$part', got exit $got: $(cat err.txt)"
    fi
}

"$ddpm" > /dev/null 2> err.txt
[ $? = 2 ] && grep -q "usage: ddpm COMMAND" err.txt && ok "ddpm with no command prints its usage on stderr, exit 2" || not_ok "ddpm with no command"
expect 2 "unknown command 'fly'" fly
expect 2 "animate needs --model" animate
expect 2 "--epochs: expected a whole number, got 'ten'" train --epochs ten
expect 2 "--epochs: must be in [0, 10000000], got -3" train --epochs -3
expect 2 "--lr: expected a finite number, got 'inf'" train --lr inf
expect 2 "--lr: expected a number, got '1e-3x'" train --lr 1e-3x
expect 2 "--epochs: must be in [0, 10000000], got 99999999999999999999" train --epochs 99999999999999999999
expect 2 "unknown option --learning-rate" train --learning-rate 0.1
expect 2 "--sampler does not apply here" eval s.csv --sampler ddim
# Each command's --help is printed from its flag table, which the parser reads too: every flag the
# help lists is one the parser knows (given without its value, it is refused for that, never as
# unknown), and the help fits 92 columns.
help_ok=1
for c in train sample eval animate export predict encode; do
    "$ddpm" $c --help > help.txt 2> help.err || { help_ok=0; echo "  ddpm $c --help failed: $(cat help.err)"; }
    [ "$(awk '{ if (length($0) > 92) print }' help.txt)" = "" ] || { help_ok=0; echo "  ddpm $c --help is wider than 92 columns"; }
    for flag in $(grep -o '^  --[a-z0-9-]*' help.txt); do
        "$ddpm" $c $flag > /dev/null 2> flag.err
        if grep -q "unknown option" flag.err; then help_ok=0; echo "  ddpm $c --help lists $flag, which its parser refuses"; fi
    done
done
[ $help_ok = 1 ] && ok "every command's --help fits 92 columns and lists only flags its parser takes" ||
    not_ok "a --help and its parser disagree"
expect 2 "--batch needs a value" train --batch
expect 2 "unknown schedule 'cosin'" train --schedule cosin
expect 2 "--embedding: expected learned or sinusoidal" train --embedding fourier
expect 2 "--depth: must be in [1, 16], got 0" train --depth 0
expect 2 "unknown dataset 'spirals'" train --dataset spirals --epochs 1
expect 2 "sample needs --model" sample --out s.csv
expect 2 '--sampler "rk4": use notebook, algorithm2, ddpm, ddim, ode, euler or heun' sample --model m.ckpt --out s.csv --sampler rk4
expect 1 "cannot read nothere.ckpt" sample --model nothere.ckpt --out s.csv
printf 'a file, not a folder\n' > plain.txt
expect 1 "cannot make the folder plain.txt/sub" train --epochs 0 --out plain.txt/sub/m.ckpt
expect 1 "cannot read missing.csv" eval missing.csv

# --sample-every draws its panels on a second thread while training goes on: the panels must be
# the same bytes as with one thread, and the checkpoint the same as without panels. The panels'
# folders do not exist yet: the tool makes them (the README's command relies on it).
"$ddpm" train --epochs 6 --n 500 --sample-every 3 --panels-dir p1 --threads 1 --out s1.ckpt > /dev/null 2>&1 &&
"$ddpm" train --epochs 6 --n 500 --sample-every 3 --panels-dir p2 --threads 2 --out s2.ckpt > /dev/null 2>&1 &&
"$ddpm" train --epochs 6 --n 500 --out s0.ckpt > /dev/null 2>&1
if [ $? = 0 ] && [ -s p1/reverse_3.png ] && [ -s p1/reverse_6.png ] && cmp -s p1/reverse_3.png p2/reverse_3.png &&
   cmp -s p1/reverse_6.png p2/reverse_6.png && cmp -s s1.ckpt s2.ckpt && cmp -s s0.ckpt s1.ckpt; then
    ok "--sample-every 3: reverse_3.png and reverse_6.png, identical for 1 and 2 threads; training unchanged by them"
else
    not_ok "--sample-every: $(ls p1 p2 | tr '\n' ' '), $(cmp p1/reverse_6.png p2/reverse_6.png 2>&1), $(cmp s0.ckpt s1.ckpt 2>&1)"
fi
"$ddpm" train --epochs 3 --n 500 --sample-every 3 --panels-dir p3 --panels-format svg \
    --loss-plot p3/loss.svg --out p3/s3.ckpt > /dev/null 2>&1 &&
    xmllint --noout p3/reverse_3.svg p3/loss.svg && grep -q 'log scale' p3/loss.svg &&
    ok "--panels-format svg and --loss-plot loss.svg: valid SVG, the log axis marked" ||
    not_ok "SVG panels and loss plot: $(ls p3 2>&1 | tr '\n' ' ')"

# A short end-to-end run: untrained (0 epochs) vs 60 epochs, same seed and sampler.
"$ddpm" train --epochs 0 --out untrained.ckpt > /dev/null 2>&1 &&
"$ddpm" train --epochs 60 --out model.ckpt --log loss.csv --loss-plot loss.png > /dev/null 2>&1 &&
"$ddpm" sample --model untrained.ckpt --n 2000 --out untrained.csv > /dev/null 2>&1 &&
"$ddpm" sample --model model.ckpt --n 2000 --out samples.npy --trajectory traj.npy > /dev/null 2>&1 &&
"$ddpm" sample --model model.ckpt --n 2000 --sampler ddim --sample-steps 20 --weights ema --out ddim.csv > /dev/null 2>&1
[ $? = 0 ] && ok "train, sample (ddpm, ddim, raw, ema) ran" || not_ok "train or sample failed"
for f in model.ckpt loss.csv loss.png samples.npy traj.npy ddim.csv; do
    [ -s "$f" ] && ok "wrote $f" || not_ok "missing $f"
done
ls ./.*.ddpm-tmp-* > /dev/null 2>&1 && not_ok "temporary files left behind" || ok "no temporary files left behind"
[ "$(head -n 1 ddim.csv)" = "x,y" ] && [ "$(wc -l < ddim.csv)" = 2001 ] && ok "ddim.csv: header x,y and 2000 points" || not_ok "ddim.csv malformed"
swd() { "$ddpm" eval "$1" | tail -n 1 | sed 's/.*"swd": \([0-9.e-]*\),.*/\1/'; }
trained=$(swd samples.npy); untrained=$(swd untrained.csv)
if awk "BEGIN { exit !($trained < 0.2 * $untrained) }"; then
    ok "trained samples score clearly better: sliced Wasserstein $trained vs untrained $untrained"
else
    not_ok "trained samples should score much better: $trained vs untrained $untrained"
fi
# A corrupt checkpoint is refused and the earlier good one is not touched by a failed run.
cp model.ckpt bad.ckpt && printf 'XXXX' | dd of=bad.ckpt bs=1 seek=100 conv=notrunc 2>/dev/null
expect 1 "checksum mismatch" sample --model bad.ckpt --out s.csv
before=$(cksum < model.ckpt)
"$ddpm" train --epochs 1 --out model.ckpt --lr nan > /dev/null 2>&1
[ "$(cksum < model.ckpt)" = "$before" ] && ok "a refused run leaves the earlier checkpoint intact" || not_ok "checkpoint changed"

# --data: a learner's own points (a ring around (300, -20), radius 50), trained on, sampled back
# in the same units.
awk 'BEGIN { srand(7); print "x,y"; for (i = 0; i < 600; i++) { a = 6.2832 * rand(); r = 50 + 4 * (rand() - 0.5);
             printf "%f,%f\n", 300 + r * cos(a), -20 + r * sin(a) } }' > ring.csv
"$ddpm" train --data ring.csv --epochs 40 --out ring.ckpt > /dev/null 2>&1 &&
"$ddpm" sample --model ring.ckpt --n 1000 --out ring_samples.csv > /dev/null 2>&1 &&
"$ddpm" eval ring_samples.csv --data ring.csv > ring_eval.txt 2>&1
if [ $? = 0 ] && awk -F, 'NR > 1 { x += $1; y += $2; n++ } END { exit !(n == 1000 && x / n > 280 && x / n < 320 && y / n > -40 && y / n < 0) }' ring_samples.csv; then
    ok "--data ring.csv: trained, and samples come back in the ring's units (mean near (300, -20))"
else
    not_ok "--data ring.csv: train, sample or eval failed, or the samples are not in the ring's units"
fi
"$ddpm" train --embedding sinusoidal --depth 2 --fourier 2 --epochs 30 --n 2000 --out sin.ckpt > /dev/null 2>&1 &&
"$ddpm" sample --model sin.ckpt --n 1000 --out sin.csv > /dev/null 2>&1 &&
[ "$(wc -l < sin.csv)" = 1001 ] && ok "--embedding sinusoidal --depth 2 --fourier 2: trains and samples" || not_ok "--embedding sinusoidal --depth 2 --fourier 2"
"$ddpm" train --recipe improved --epochs 2 --n 500 --out improved.ckpt > /dev/null 2>&1 &&
"$ddpm" sample --model improved.ckpt --n 200 --out improved.csv > improved.log 2>&1 &&
grep -q "posterior variance, last-step noise off, 100 steps, ema weights; recipe improved" improved.log &&
"$ddpm" sample --model improved.ckpt --n 200 --weights raw --out raw.csv > raw.log 2>&1 && grep -q "raw weights" raw.log &&
    ok "--recipe improved: ddpm sample defaults to EMA weights and Algorithm 2; flags still override" ||
    not_ok "--recipe improved: $(cat improved.log)"
expect 2 "--recipe: expected notebook or improved" train --recipe best
expect 2 "--fourier: must be in [0, 16], got 17" train --fourier 17
expect 2 "--embedding cannot change when resuming" train --resume sin.ckpt --embedding learned
expect 2 "--data cannot change when resuming" train --resume sin.ckpt --data ring.csv
head -n 51 ring.csv > few.csv
expect 1 "few.csv: 50 points; at least 200 are needed" train --data few.csv --epochs 1
expect 2 "give --dataset or --data, not both" train --data ring.csv --dataset moons

# Ctrl-C (SIGINT) and SIGTERM (timeout, docker stop): the run stops after its current step with
# status 130 or 143 and a checkpoint; --resume ends byte-identical to the uninterrupted run.
"$ddpm" train --epochs 300 --n 2000 --out whole.ckpt > /dev/null 2>&1
stop_and_resume() {  # SIGNAL STATUS NAME
    sig=$1; want=$2; name=$3
    "$ddpm" train --epochs 300 --n 2000 --out "$name.ckpt" --threads 1 > "$name.log" 2>&1 &
    pid=$!
    # Stop once the run reports 10% done (its progress lines go to the log), not after a fixed
    # time: how long training takes depends on the machine.
    for _ in $(seq 1 400); do grep -q "^epoch 30/300" "$name.log" && break; sleep 0.02; done
    kill -"$sig" $pid
    wait $pid; status=$?
    "$ddpm" train --resume "$name.ckpt" --out "$name.ckpt" --epochs 300 > /dev/null 2>&1
    if [ "$status" = "$want" ] && grep -q "interrupted at epoch" "$name.log" &&
       cmp -s whole.ckpt "$name.ckpt"; then
        ok "SIG$sig: exit $want with a checkpoint ($(grep -o 'epoch [0-9]*, step [0-9]*' "$name.log")); resumed run byte-identical"
    else
        not_ok "SIG$sig and --resume: status $status, $(grep interrupted "$name.log"), identical: $(cmp whole.ckpt "$name.ckpt" 2>&1)"
    fi
}
stop_and_resume INT 130 part
stop_and_resume TERM 143 term
# A closed pipe on standard output costs nothing: the run ends, the checkpoint is written, and
# the lost output is said (exit 1), instead of a silent death by SIGPIPE.
"$ddpm" train --epochs 40 --n 500 --sample-every 1 --panels-dir pipe --out pipe.ckpt 2> pipe.err | true
[ -s pipe.ckpt ] && [ -s pipe/reverse_40.png ] && grep -q "could not write standard output" pipe.err &&
    ok "stdout closed (| true): every output written, the lost output said on stderr" ||
    not_ok "SIGPIPE: $(ls pipe 2>&1 | wc -l) panels, $(tail -c 200 pipe.err)"
"$ddpm" eval ring_samples.csv --data ring.csv > /dev/full 2> full.err; status=$?
[ "$status" = 1 ] && grep -q "could not write standard output" full.err &&
    ok "ddpm eval > /dev/full: exit 1, the lost result said" || not_ok "eval > /dev/full: exit $status"
expect 2 "--lr cannot change when resuming" train --resume part.ckpt --lr 0.1
expect 1 "not a ddpm checkpoint" train --resume part.log

# ddpm-render: the notebook's own np.save output renders as is; a bad input file exits 1 and a bad
# flag 2 (as ddpm does), with one line.
render="$(dirname "$ddpm")/ddpm-render"
fixture="$root/tests/fixtures/notebook_reverse_x_seq.npy"
"$render" "$fixture" --gif nb.gif --frames-dir . --title 'p(x_{r})' --hold-last 1000 > /dev/null 2>&1 &&
    [ -s nb.gif ] && [ -s frame_0100.png ] && ! [ -e frame_0101.png ] &&
    ok "ddpm-render: the notebook's x_seq.npy (101 frames) -> nb.gif and 101 PNGs" || not_ok "ddpm-render on the notebook's x_seq.npy"
"$render" traj.npy --png grid.png --grid 2x10 --every 5 --limits frame > /dev/null 2>&1 && [ -s grid.png ] &&
    ok "ddpm-render --grid 2x10 --every 5 --png grid.png" || not_ok "ddpm-render --grid"
printf 'frame,x,y\n0,0.1,0.2\n0,0.3,0.1\n1,0.0,0.0\n1,0.2,0.2\n' > two.csv
"$render" two.csv --gif two.gif --delay 10 > /dev/null 2> note.txt && grep -q "raised to 20 ms" note.txt &&
    ok "ddpm-render: CSV frames; a 10 ms delay is raised to 20 ms with a note" || not_ok "ddpm-render CSV / delay note"
# bench: a mistyped argument (it names other builds' bench programs) stops at once with one line
# and exit 2, before any of its figures.
bench="$(dirname "$ddpm")/bench"
"$bench" build/portabel/bench > out.txt 2> err.txt; s=$?
if [ "$s" = 2 ] && [ "$(wc -l < err.txt)" = 1 ] && grep -q "is not a program to run" err.txt &&
   ! [ -s out.txt ]; then
    ok "bench build/portabel/bench -> exit 2: $(cat err.txt)"
else
    not_ok "bench with a mistyped path: exit $s: $(cat err.txt)"
fi
# bench --peers: oneDNN's and libxsmm's 128-wide products where their packages are installed, each
# printed only when its result agrees with the register tiles' to float rounding (a library called
# wrongly prints "differs ... no figure"); for the others a line names the packages. Every line
# must be one of those two kinds. Times are printed, not checked.
"$bench" --peers > out.txt 2> err.txt; s=$?
other=$(grep -v "% of peak)$" out.txt | grep -vc "^  (apt-get install .* of the same size)$")
if [ "$s" = 0 ] && [ -s out.txt ] && ! [ -s err.txt ] && [ "$other" = 0 ]; then
    ok "bench --peers: $(grep -c "of peak)" out.txt) peer product(s) agree with the tiles$(grep -o "(apt-get install[^)]*)" out.txt | sed 's/^/ /')"
else
    not_ok "bench --peers: exit $s: $(cat out.txt err.txt | tr '\n' ' ')"
fi
# Standard output closed (>&-): each writer writes its files under their own names, leaves no
# temporary, and exits 1 saying the report is lost (a file opened first once took descriptor 1
# and was written as if it were standard output, exit 0).
mkdir -p closed && cd closed || exit 1
"$ddpm" train --epochs 2 --n 300 --out c.ckpt >&- 2> e1.txt; s1=$?
"$ddpm" sample --model c.ckpt --n 50 --out c.csv >&- 2> e2.txt; s2=$?
"$ddpm" export c.ckpt c.safetensors >&- 2> e3.txt; s3=$?
"$render" c.csv --png c.png --grid 1x1 >&- 2> e4.txt; s4=$?
left=$(ls -a | grep -c "ddpm-tmp")
if [ "$s1$s2$s3$s4" = 1111 ] && [ "$left" = 0 ] && [ -s c.ckpt ] && [ -s c.csv ] &&
   [ -s c.safetensors ] && [ -s c.png ] && grep -q "could not write standard output" e4.txt; then
    ok "stdout closed: train, sample, export and ddpm-render write their files, leave no temporary, exit 1"
else
    not_ok "stdout closed: exits $s1 $s2 $s3 $s4, $left temporaries left: $(cat e1.txt e2.txt e3.txt e4.txt | tail -n 4)"
fi
cd .. || exit 1
# A one-point frame far from 0 draws, or is refused in one line; never a blank picture with exit 0.
printf 'x,y\n10000,10000\n10000,10000\n' > far.csv
"$render" far.csv --png far.png --grid 1x1 > /dev/null 2>&1 && [ -s far.png ] &&
    ok "ddpm-render: a frame of one point at 1e4 draws" || not_ok "ddpm-render on one point at 1e4"
expect_render() {
    want=$1; part=$2; shift 2
    "$render" "$@" > out.txt 2> err.txt; got=$?
    if [ "$got" = "$want" ] && grep -qF -- "$part" err.txt && [ "$(wc -l < err.txt)" -le 1 ] && ! [ -e bad.gif ]; then
        ok "ddpm-render $* -> exit $want: $(cat err.txt)"
    else
        not_ok "ddpm-render $*: want exit $want, '$part' and no bad.gif; got exit $got: $(cat err.txt)"
    fi
}
expect_render 1 "cannot read missing.npy" missing.npy --gif bad.gif
head -c 60 traj.npy > truncated.npy
expect_render 1 "truncated" truncated.npy --gif bad.gif
printf '\223NUMPY\001\000\106\000{'"'"'descr'"'"': '"'"'<i4'"'"', '"'"'fortran_order'"'"': False, '"'"'shape'"'"': (2, 2), }        \n0000000000000000' > int.npy
expect_render 1 "unsupported dtype" int.npy --gif bad.gif
printf 'x,y\n1,2\n3\n' > ragged.csv
expect_render 1 "ragged" ragged.csv --gif bad.gif
printf 'x,y\n1,2\nnan,3\n' > nan.csv
expect_render 1 "NaN" nan.csv --gif bad.gif
printf 'x,y\n' > empty.csv
expect_render 1 "no points" empty.csv --gif bad.gif
printf 'x,y\n3e38,-3e38\n-3e38,3e38\n0,0\n' > huge.csv
expect_render 1 "more than a float can hold" huge.csv --png bad.png --grid 1x1
for _ in 1 2 3 4 5 6; do printf '3e38,-3e38\n-3e38,3e38\n' >> huge.csv; done
expect 1 "the measures are not finite" eval huge.csv
expect_render 2 "nothing to write" two.csv
expect_render 2 "--size: expected WxH" two.csv --gif bad.gif --size 480
expect_render 2 "unknown colour 'redd'" two.csv --gif bad.gif --color redd
expect_render 2 "--limits: need xmin < xmax" two.csv --gif bad.gif --limits 1,0,0,1
expect_render 2 "--png grid.txt: a figure's name must end in .png or .svg" two.csv --png grid.txt --grid 1x2
expect 2 "--loss-plot loss.jpg: a figure's name must end in .png or .svg" train --loss-plot loss.jpg
# Messages stay one short line, whatever a flag or file puts into them.
long_value=$(head -c 100000 /dev/zero | tr '\0' 'x')
"$ddpm" train --lr "$long_value" > /dev/null 2> err.txt
[ "$(wc -l < err.txt)" = 1 ] && [ "$(wc -c < err.txt)" -lt 400 ] && grep -q 'characters \.\.\.\]' err.txt &&
    ok "a 100 KB flag value comes back as one line of $(wc -c < err.txt) bytes, its middle cut" ||
    not_ok "long flag value: $(wc -l < err.txt) lines, $(wc -c < err.txt) bytes"
"$ddpm" "$(printf 'bad\033[31mcommand')" > /dev/null 2> err.txt
grep -q 'bad\\x1b\[31mcommand' err.txt && ! grep -q "$(printf '\033')" err.txt &&
    ok "control bytes in a message are escaped: $(cat err.txt)" || not_ok "escape: $(cat -v err.txt)"
# Outputs are checked together before any work, and a device or link is never replaced.
expect 2 "output /dev/null is a device, which an output never replaces" train --epochs 0 --out /dev/null
expect 2 "--out same.ckpt and --log same.ckpt are the same file" train --epochs 0 --out same.ckpt --log same.ckpt
printf 'kept\n' > keep.csv
ln -s keep.csv planted.csv
expect 2 "output planted.csv is a link" sample --model ring.ckpt --out planted.csv
[ "$(cat keep.csv)" = kept ] && ok "the link's target is untouched" || not_ok "a link's target was written"
"$ddpm" sample --model ring.ckpt --n 5 --out - 2> /dev/null | head -1 | grep -q '^x,y$' &&
    ok "ddpm sample --out -: CSV on standard output, the report on standard error" ||
    not_ok "sample --out -"

# Figures: the default limits frame the last frame (x_0), so a first frame's far-off noise is left
# out; --limits all shows it. Counted in the SVG's circles: 2 points a frame.
printf 'frame,x,y\n0,-100,-100\n0,100,100\n1,0.1,0.2\n1,0.2,0.1\n' > spread.csv
"$render" spread.csv --png last.svg --grid 1x2 > /dev/null 2>&1 &&
    "$render" spread.csv --png all.svg --grid 1x2 --limits all > /dev/null 2>&1 &&
    [ "$(grep -c '<circle' last.svg)" = 2 ] && [ "$(grep -c '<circle' all.svg)" = 4 ] &&
    xmllint --noout last.svg all.svg &&
    ok "ddpm-render: the default limits fit the last frame (2 of 4 points drawn; --limits all: 4); valid SVG" ||
    not_ok "ddpm-render default limits: $(grep -c '<circle' last.svg 2>&1) and $(grep -c '<circle' all.svg 2>&1) circles"
# Output folders are made when missing.
"$render" spread.csv --png new/folder/grid.png --grid 1x2 --frames-dir new/frames > /dev/null 2>&1 &&
    [ -s new/folder/grid.png ] && [ -s new/frames/frame_0001.png ] &&
    ok "ddpm-render makes missing output folders (new/folder, new/frames)" ||
    not_ok "ddpm-render into missing folders"
# The font: from the system's font folders only, with a one-line error naming the way out.
DDPM_FONT=/etc/hostname "$render" spread.csv --png font.png --grid 1x2 > out.txt 2> err.txt; got=$?
[ "$got" = 1 ] && grep -q "not inside the system's font folders" err.txt && [ "$(wc -l < err.txt)" = 1 ] &&
    ! [ -e font.png ] && ok "DDPM_FONT outside the font folders -> exit 1: $(cat err.txt)" ||
    not_ok "DDPM_FONT=/etc/hostname: exit $got, $(cat err.txt)"
# Weights as safetensors: exported, they sample, predict and animate exactly as the checkpoint.
"$ddpm" train --epochs 3 --n 500 --hidden 16 --recipe improved --out w.ckpt > /dev/null 2>&1 &&
    "$ddpm" export w.ckpt w.safetensors > export.txt 2>&1 &&
    "$ddpm" sample --model w.ckpt --n 300 --seed 3 --out from_ckpt.npy > /dev/null 2>&1 &&
    "$ddpm" sample --model w.safetensors --n 300 --seed 3 --out from_st.npy > /dev/null 2>&1 &&
    cmp -s from_ckpt.npy from_st.npy && grep -q "the ema weights" export.txt &&
    ok "ddpm export (improved recipe: the EMA weights); the file samples the checkpoint's bytes" ||
    not_ok "export and sample: $(cat export.txt) $(cmp from_ckpt.npy from_st.npy 2>&1)"
printf 'x,y\n0.1,0.2\n-0.3,0.05\n' > at.csv
"$ddpm" predict --model w.ckpt --points at.csv --t 5 --out p1.csv > /dev/null 2>&1 &&
    "$ddpm" predict --model w.safetensors --points at.csv --t 5 --out p2.csv > /dev/null 2>&1 &&
    cmp -s p1.csv p2.csv && [ "$(wc -l < p1.csv)" = 3 ] &&
    ok "ddpm predict: the same eps_theta from the checkpoint and from its export" ||
    not_ok "predict: $(cat p1.csv p2.csv 2>&1)"
"$ddpm" eval --model w.safetensors --n 300 > ev.txt 2>&1 && grep -q '"swd"' ev.txt &&
    grep -q "300 samples of w.safetensors (ddpm, posterior variance, last-step noise off, ema weights)" ev.txt &&
    ok "ddpm eval --model: draws by the recipe's defaults, then scores" || not_ok "eval --model: $(cat ev.txt)"
expect 2 "expected OUT to be a .safetensors file name" export w.ckpt w.bin
expect 2 "export needs MODEL.ckpt and OUT.safetensors" export w.ckpt
expect 2 "weights raw: w.safetensors holds the ema weights only" sample --model w.safetensors --weights raw --out s.csv
expect 2 "for weights without a configuration; w.safetensors records its own" sample --model w.safetensors --hidden 64 --out s.csv
expect 2 "are for .safetensors weights; w.ckpt is a checkpoint" sample --model w.ckpt --steps 50 --out s.csv
expect 2 "--t: the model has steps 0 ... 99, got 100" predict --model w.ckpt --points at.csv --t 100 --out p.csv
expect 2 "give a samples file or --model, not both" eval s.csv --model w.ckpt
# The probability-flow ODE: sampling, encoding and back, the likelihood.
# encode is the sampler's exact inverse: the x_T it writes (with each point's log p beside) are
# the x_T the samples were drawn from (the trajectory's first frame).
"$ddpm" sample --model w.ckpt --sampler ode --sample-steps 20 --n 300 --out ode.npy --trajectory odet.npy > ode.txt 2>&1 &&
    grep -q "(ode, 20 steps" ode.txt &&
    "$ddpm" encode --model w.ckpt --points ode.npy --sample-steps 20 --out enc.csv > enc.txt 2>&1 &&
    grep -q "mean log p(x_0)" enc.txt && head -n 1 enc.csv | grep -qx "x,y,log_p" &&
    /usr/bin/python3 - odet.npy enc.csv <<'PY' 2>/dev/null
import struct, sys
def npy(path):
    b = open(path, "rb").read(); h = struct.unpack("<H", b[8:10])[0]
    return struct.unpack("<%df" % ((len(b) - 10 - h) // 4), b[10 + h:])
x_T = npy(sys.argv[1])[:600]  # frame 0: (300, 2)
rows = [l.split(",") for l in open(sys.argv[2]).read().split()[1:]]
err = max(abs(float(r[d]) - x_T[2 * i + d]) for i, r in enumerate(rows) for d in range(2))
sys.exit(0 if len(rows) == 300 and err < 1e-3 else 1)
PY
[ $? = 0 ] && ok "ddpm sample --sampler ode, then ddpm encode gives back its x_T (within 1e-3): $(cat enc.txt)" ||
    not_ok "ode sample and encode: $(cat ode.txt enc.txt)"
"$ddpm" eval --model w.ckpt --nll --n 200 > nll.txt 2>&1 && grep -q "exact, the ode sampler, 50 steps" nll.txt &&
    grep -q "the data's entropy (the floor" nll.txt &&
    grep -q "ELBO bound of ddpm, sigma^2 = beta~" nll.txt && grep -q '"swd"' nll.txt &&
    ok "ddpm eval --model --nll: the floor, the ODE's exact NLL and the ELBO, then the quality table" ||
    not_ok "eval --nll: $(cat nll.txt)"
"$ddpm" eval --model ring.ckpt --nll --data ring.csv --n 200 > rnll.txt 2>&1 &&
    grep -q "in your units \[in the model's\]" rnll.txt && grep -q "unknown for your points" rnll.txt &&
    ok "ddpm eval --nll on the learner's own points, in their units and the model's" ||
    not_ok "eval --nll --data: $(cat rnll.txt)"
expect 2 "--prior: expected standard or matched" sample --model w.ckpt --sampler ode --prior wide --out s.csv
# A flag that does not apply, or an empty value, is refused in one line (one rule: optional_choice).
expect 2 "--variance and --last-step-noise set the ddpm sampler's steps; the ddim sampler" sample --model w.ckpt --sampler ddim --variance beta --out s.csv
expect 2 "the ode sampler adds no noise to set" sample --model w.ckpt --sampler ode --last-step-noise off --out s.csv
expect 2 '--sampler "": use notebook, algorithm2, ddpm, ddim, ode, euler or heun' sample --model w.ckpt --sampler "" --out s.csv
expect 2 "only ddim, ode, euler and heun take a count of steps" sample --model w.ckpt --sampler ddpm20 --out s.csv
expect 2 "the count of steps must be 1 to 999999" sample --model w.ckpt --sampler ode0 --out s.csv
expect 2 "--sample-steps: --sampler ddim20 names its steps already" sample --model w.ckpt --sampler ddim20 --sample-steps 10 --out s.csv
expect 2 "algorithm2 fixes them (give --sampler ddpm)" sample --model w.ckpt --sampler algorithm2 --variance beta --out s.csv
# One vocabulary: the samplers by name are the flags they stand for, bit for bit.
"$ddpm" sample --model w.ckpt --sampler ddim20 --n 200 --out byname.npy > /dev/null 2>&1 &&
    "$ddpm" sample --model w.ckpt --sampler ddim --sample-steps 20 --n 200 --out byflags.npy > /dev/null 2>&1 &&
    cmp -s byname.npy byflags.npy &&
    "$ddpm" sample --model w.ckpt --sampler algorithm2 --n 200 --out alg2.npy > /dev/null 2>&1 &&
    "$ddpm" sample --model w.ckpt --sampler ddpm --variance posterior --last-step-noise off --n 200 --out alg2flags.npy > /dev/null 2>&1 &&
    cmp -s alg2.npy alg2flags.npy
[ $? = 0 ] && ok "--sampler ddim20 and algorithm2 draw exactly what their flags draw" ||
    not_ok "--sampler ddim20 or algorithm2 differs from the flags it stands for"
expect 2 "--weights: expected raw or ema, got ''" sample --model w.ckpt --weights "" --out s.csv
expect 2 "--variance: expected beta or posterior, got ''" sample --model w.ckpt --variance "" --out s.csv
expect 2 "--last-step-noise: expected on or off, got ''" sample --model w.ckpt --last-step-noise "" --out s.csv
expect 2 "--weights: expected raw or ema, got ''" eval --model w.ckpt --weights ""
expect 2 "--prior: expected standard or matched, got ''" encode --model w.ckpt --points at.csv --out e.csv --prior ""
"$ddpm" sample --model w.ckpt --sampler ode --n 100 --out s.csv 2> note.txt > /dev/null &&
    grep -q "abar_T = 0.78, short of noise" note.txt &&
    "$ddpm" sample --model w.ckpt --sampler ode --prior matched --n 100 --out s.csv 2> note2.txt > /dev/null &&
    ! grep -q "short of noise" note2.txt &&
    ok "ddpm sample --sampler ode notes the notebook schedule's prior mismatch, and --prior matched removes it" ||
    not_ok "the prior mismatch's note: $(cat note.txt note2.txt)"
expect 2 "--eta is DDIM's; the ode sampler adds no noise" sample --model w.ckpt --sampler ode --eta 0.5 --out s.csv
expect 2 "--nll needs --model FILE" eval s.csv --nll
expect 2 "encode needs --points" encode --model w.ckpt --out e.csv
head -c 100 w.safetensors > cut.safetensors
expect 1 "cut.safetensors: not a safetensors file" sample --model cut.safetensors --out s.csv
ls ./.*.ddpm-tmp-* > /dev/null 2>&1 && not_ok "temporary files left behind" || ok "no temporary files left behind by the refused runs"

# Lesson 13 from the command line: a conditional model, one class drawn with guidance, scored
# against that class's part of the data; exported, its classes and guidance come along.
"$ddpm" train --classes 3 --guidance 3 --recipe improved --epochs 200 --n 2000 --out cls.ckpt > cls.txt 2>&1 &&
    grep -q "(2000 points, 3 classes)" cls.txt &&
    "$ddpm" sample --model cls.ckpt --class 0 --n 500 --out c0.csv > c0.txt 2>&1 &&
    grep -q "class 0, guidance 3" c0.txt &&
    "$ddpm" eval --model cls.ckpt --class 0 --n 500 > e0.txt 2>&1 &&
    "$ddpm" eval --model cls.ckpt --class 0 --guidance 0 --n 500 > e0u.txt 2>&1 &&
    "$ddpm" export cls.ckpt cls.safetensors > /dev/null 2>&1 &&
    "$ddpm" sample --model cls.safetensors --class 0 --n 500 --out c0s.csv > c0s.txt 2>&1 &&
    grep -q "class 0, guidance 3" c0s.txt &&
    "$ddpm" animate --model cls.ckpt --class 2 --n 300 --out cls.gif > /dev/null 2>&1 && [ -s cls.gif ]
if [ $? = 0 ]; then
    p_guided=$(tail -n 1 e0.txt | sed 's/.*"precision": \([0-9.]*\),.*/\1/')
    p_free=$(tail -n 1 e0u.txt | sed 's/.*"precision": \([0-9.]*\),.*/\1/')
    if awk "BEGIN { exit !($p_guided > $p_free + 0.2) }"; then
        ok "ddpm train --classes, sample/eval/animate --class: class 0's precision $p_guided at the saved guidance 3, $p_free at w = 0"
    else
        not_ok "guidance should raise class 0's precision: $p_guided (w = 3) vs $p_free (w = 0)"
    fi
else
    not_ok "conditional train/sample/eval/export/animate: $(cat cls.txt c0.txt e0.txt c0s.txt 2>/dev/null | tail -n 5)"
fi
expect 2 "--class: w.ckpt has no classes" sample --model w.ckpt --class 0 --out s.csv
expect 2 "--class 3: cls.ckpt has classes 0 to 2" sample --model cls.ckpt --class 3 --out s.csv
expect 2 "--guidance mixes a class's prediction with the unconditional one: give --class K" sample --model cls.ckpt --guidance 2 --out s.csv
expect 2 "--p-uncond and --guidance are for a model with --classes K" train --guidance 2
expect 2 "classes 3 on 'checkerboard': it has no labels" train --classes 3 --dataset checkerboard
expect 2 "--classes labels a named data set" train --classes 2 --data ring.csv
expect 2 "--objective cannot change when resuming" train --resume cls.ckpt --objective flow --out cls.ckpt
# Lesson 14: flow matching, sampled by Heun (the default) and Euler, scored, animated.
"$ddpm" train --objective flow --epochs 60 --n 2000 --out flow.ckpt > flow.txt 2>&1 &&
    grep -q "objective flow" flow.txt &&
    "$ddpm" sample --model flow.ckpt --n 500 --out fh.csv > fh.txt 2>&1 && grep -q "(heun, 50 steps" fh.txt &&
    "$ddpm" sample --model flow.ckpt --sampler euler --sample-steps 20 --n 500 --out fe.csv > fe.txt 2>&1 &&
    grep -q "(euler, 20 steps" fe.txt &&
    "$ddpm" eval --model flow.ckpt --n 500 > fev.txt 2>&1 && grep -q "heun, 50 steps" fev.txt &&
    "$ddpm" animate --model flow.ckpt --n 300 --out flow.gif > fa.txt 2>&1 && grep -q "201 frames" fa.txt
if [ $? = 0 ]; then
    flow_swd=$(swd fh.csv)
    if awk "BEGIN { exit !($flow_swd < 0.3 * $untrained) }"; then
        ok "ddpm train --objective flow; sample (heun, euler), eval, animate: SWD $flow_swd vs untrained $untrained"
    else
        not_ok "flow samples should beat an untrained model: $flow_swd vs $untrained"
    fi
else
    not_ok "flow train/sample/eval/animate: $(cat flow.txt fh.txt fe.txt fev.txt fa.txt 2>/dev/null | tail -n 5)"
fi
"$ddpm" train --objective v --epochs 5 --n 500 --out v.ckpt > /dev/null 2>&1 &&
    "$ddpm" sample --model v.ckpt --sampler ddim --sample-steps 10 --n 100 --out v.csv > /dev/null 2>&1 &&
    ok "ddpm train --objective v, sampled by DDIM" || not_ok "--objective v"
expect 2 "--sampler ddim: flow.ckpt was trained by flow matching; use --sampler euler or heun" sample --model flow.ckpt --sampler ddim --out s.csv
expect 2 "euler and heun integrate a flow-matching model" sample --model w.ckpt --sampler heun --out s.csv
# The ODE, the likelihood and predict for every objective (eps is affine in the x0 and v outputs).
"$ddpm" sample --model v.ckpt --sampler ode --sample-steps 10 --n 100 --out vo.csv > /dev/null 2>&1 &&
    "$ddpm" encode --model v.ckpt --points vo.csv --sample-steps 10 --out ve.csv > /dev/null 2>&1 &&
    "$ddpm" predict --model v.ckpt --points vo.csv --t 3 --out vp.csv > vp.txt 2>&1 && grep -q "from its v prediction" vp.txt &&
    "$ddpm" eval --model flow.ckpt --nll --n 100 > fnll.txt 2>&1 && grep -q "exact, the heun sampler, 50 steps" fnll.txt &&
    "$ddpm" encode --model flow.ckpt --points fh.csv --out fenc.npy > /dev/null 2>&1 &&
    ok "a v model samples by the ODE, encodes and predicts; a flow model's NLL and encoding" ||
    not_ok "ode, encode, predict and nll for v and flow: $(cat vp.txt fnll.txt 2>&1 | tail -n 3)"
expect 2 "unknown objective 'score': use one of eps, x0, v, flow" train --objective score
"$ddpm" export v.ckpt v.safetensors > vexp.txt 2>&1 && grep -q "note: not the notebook's model as it stands: it predicts v" vexp.txt &&
    ! grep -q "depth 3" vexp.txt && "$ddpm" export cls.ckpt clsn.safetensors > cexp.txt 2>&1 &&
    grep -q "3 classes (class_embeddings" cexp.txt && ! grep -q "loads into" cexp.txt &&
    ok "ddpm export names what differs from the notebook's model (an objective, classes), not what matches" ||
    not_ok "export's notes: $(cat vexp.txt cexp.txt)"
expect 2 "flow.ckpt was trained by flow matching: its network predicts a velocity" predict --model flow.ckpt --points at.csv --t 3 --out p.csv
expect 2 "--prior matched: flow.ckpt was trained by flow matching" sample --model flow.ckpt --prior matched --out s.csv
expect 2 "the heun sampler adds no noise to set" sample --model flow.ckpt --variance posterior --out s.csv

# Pictures (lesson 15), when Debian's dataset-fashion-mnist is installed: train, sample a grid and
# .npy, export, animate, and eval by the yardstick, which is trained once and kept in the cache.
fashion="${DDPM_FASHION_MNIST:-/usr/share/datasets/fashion-mnist}/train-images-idx3-ubyte.gz"
# Under the sanitizers (10 to 20 times slower) the model trains on 2,000 pictures and the yardstick's
# measures are left to the default build (their code is in the unit tests either way).
sanitized="${SANITIZED:-0}"
if [ -f "$fashion" ]; then
    export XDG_CACHE_HOME="$tmp/cache"
    pictures=60000; [ "$sanitized" = 1 ] && pictures=2000
    "$ddpm" train --dataset fashion_mnist --classes 10 --epochs 2 --n $pictures --sample-every 2 \
        --panels-dir pics --out pic.ckpt > pic.txt 2>&1 &&
        grep -q "$pictures pictures of 14 x 14, 10 classes" pic.txt && grep -q "schedule linear_scaled" pic.txt &&
        grep -q "3 blocks of 512, a layer norm before each ReLU, a linear skip" pic.txt &&
        [ "$(head -c 4 pics/reverse_2.png | tail -c 3)" = "PNG" ] &&
        ok "ddpm train --dataset fashion_mnist: lesson 15's model (512 wide, layer norm, skip, linear_scaled) and a grid every --sample-every" ||
        not_ok "train on pictures: $(tail -n 3 pic.txt)"
    "$ddpm" sample --model pic.ckpt --out grid.png > ps.txt 2>&1 &&
        grep -q "wrote 100 samples to grid.png (ddpm, posterior variance, last-step noise off, x_0 clipped to \[-1, 1\], each class in turn, guidance 3" ps.txt &&
        [ "$(head -c 4 grid.png | tail -c 3)" = "PNG" ] &&
        "$ddpm" sample --model pic.ckpt --out p1.npy --n 30 --class 7 --threads 1 > /dev/null 2>&1 &&
        "$ddpm" sample --model pic.ckpt --out p2.npy --n 30 --class 7 --threads 2 > /dev/null 2>&1 &&
        cmp -s p1.npy p2.npy && grep -q "'shape': (30, 196)" p1.npy &&
        ok "ddpm sample: a picture model's grid (PNG) and .npy (30, 196), the same bits for 1 and 2 threads" ||
        not_ok "sample pictures: $(cat ps.txt) $(cmp p1.npy p2.npy 2>&1)"
    "$ddpm" export pic.ckpt pic.safetensors > /dev/null 2>&1 &&
        "$ddpm" sample --model pic.safetensors --out p3.npy --n 30 --class 7 > /dev/null 2>&1 && cmp -s p1.npy p3.npy &&
        ok "ddpm export of a picture model: its .safetensors samples the same bits as the checkpoint" ||
        not_ok "export pictures: $(cmp p1.npy p3.npy 2>&1)"
    "$ddpm" animate --model pic.ckpt --n 20 --out pic.gif > pa.txt 2>&1 && grep -q "21 frames of 20 pictures" pa.txt &&
        [ "$(head -c 6 pic.gif)" = "GIF89a" ] &&
        ok "ddpm animate: a picture model's grid out of noise, 21 frames" || not_ok "animate pictures: $(cat pa.txt)"
    if [ "$sanitized" = 1 ]; then
        echo "skipped: ddpm eval on pictures (the yardstick's training is too slow under the sanitizers)"
    else
        "$ddpm" eval --model pic.ckpt --n 200 > pe.txt 2>&1 && grep -q "(trained now and kept)" pe.txt &&
            [ -f "$XDG_CACHE_HOME/ddpm-from-scratch/yardstick_14.safetensors" ] &&
            "$ddpm" eval p1.npy --class 7 > pe7.txt 2>&1 && grep -q "yardstick_14.safetensors (kept)" pe7.txt &&
            grep -q "against the test pictures of class 7 (Sneaker)" pe7.txt
        if [ $? = 0 ]; then
            acc=$(tail -n 1 pe.txt | sed 's/.*"accuracy": \([0-9.]*\),.*/\1/')
            fd=$(tail -n 1 pe.txt | sed 's/.*"fd": \([0-9.e+-]*\),.*/\1/')
            floor=$(tail -n 1 pe.txt | sed 's/.*"fd_floor": \([0-9.e+-]*\),.*/\1/')
            if awk "BEGIN { exit !($acc > 0.4 && $fd > $floor) }"; then
                ok "ddpm eval on pictures: 2 epochs' guided samples classified as their class $acc (chance 0.1); Frechet distance $fd above its floor $floor; the yardstick kept and reused"
            else
                not_ok "eval pictures: accuracy $acc, FD $fd, floor $floor"
            fi
        else
            not_ok "eval pictures: $(cat pe.txt pe7.txt | tail -n 4)"
        fi
    fi
    "$ddpm" train --dataset fashion_mnist --size 28 --epochs 0 --hidden 16 --out p28.ckpt > /dev/null 2>&1 &&
        "$ddpm" sample --model p28.ckpt --n 4 --out p28.npy > /dev/null 2>&1 && grep -q "'shape': (4, 784)" p28.npy &&
        ok "--size 28: pictures of 784 values" || not_ok "--size 28"
    printf 'not a yardstick\n' > bad.safetensors
    expect 1 "bad.safetensors" eval p1.npy --classifier bad.safetensors
    "$ddpm" export w.ckpt notjudge.safetensors > /dev/null 2>&1
    expect 1 "notjudge.safetensors: not a yardstick written by ddpm eval (name a yardstick's file, or a new path to train one there)" eval p1.npy --classifier notjudge.safetensors
    expect 2 "--classifier judges pictures; fh.csv holds points" eval fh.csv --classifier j.safetensors
    expect 2 "--size: expected 14 or 28, got '15'" train --dataset fashion_mnist --size 15
    expect 2 "--size is the pictures' (--dataset fashion_mnist)" train --size 28
    expect 2 "--classes 3: fashion_mnist has 10 classes" train --dataset fashion_mnist --classes 3
    expect 2 "--n 70000: fashion_mnist has 60000 training pictures" train --dataset fashion_mnist --n 70000
    expect 2 "--out s.csv: pic.ckpt draws pictures: give a grid (.png or .svg) or .npy" sample --model pic.ckpt --out s.csv
    expect 2 "--out g.png: a grid of pictures is a picture model's; w.ckpt draws points" sample --model w.ckpt --out g.png
    expect 2 "--nll: the likelihood is computed for 2-D points; pic.ckpt draws pictures" eval --model pic.ckpt --nll
    expect 2 "ddim has none to clip" sample --model pic.ckpt --sampler ddim --clip-x0 1 --out g.png
    expect 2 "--class 12: Fashion-MNIST's classes are 0 to 9" eval p1.npy --class 12
    saved_dir="${DDPM_FASHION_MNIST:-}"
    DDPM_FASHION_MNIST="$tmp/nowhere"; export DDPM_FASHION_MNIST
    expect 2 "install Debian's package dataset-fashion-mnist" train --dataset fashion_mnist
    if [ -n "$saved_dir" ]; then DDPM_FASHION_MNIST="$saved_dir"; else unset DDPM_FASHION_MNIST; fi
else
    echo "skipped: the tools on pictures (install dataset-fashion-mnist)"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
