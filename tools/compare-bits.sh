#!/bin/sh
# tools/compare-bits.sh REV: does this tree train and sample with the same bits as revision REV?
#
# Builds REV's ddpm in a temporary worktree, then runs the same short job with both builds, on 1
# and on 2 threads: a 30-epoch training run, 10,000 samples with their whole trajectory, a DDIM
# sampling and an ODE one; and, when Fashion-MNIST is installed, lesson 15's picture model (its
# layer norm, skip and classes) trained for 2 epochs on 1,024 pictures and 20 samples of it.
# Every output must be byte-identical. For refactors that must not change
# a number (docs/architecture.md). A checkpoint in an older format (REV before a version change)
# counts as the same when this tree reads it and exports the same raw and EMA weights. Exit
# status 0 when all agree, 1 when one differs, 2 on bad use.
set -eu
[ $# -eq 1 ] || { echo "usage: tools/compare-bits.sh REV (a commit, branch or tag)" >&2; exit 2; }
rev=$1
top=$(git rev-parse --show-toplevel)
git -C "$top" rev-parse --verify --quiet "$rev^{commit}" >/dev/null ||
    { echo "compare-bits: '$rev' is not a commit of this repository" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/compare-bits.XXXXXX")
cleanup() {
    git -C "$top" worktree remove --force "$work/old" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

echo "building $rev and this tree..."
git -C "$top" worktree add --detach --quiet "$work/old" "$rev"
make -C "$work/old" --no-print-directory -s build/ddpm >"$work/old-build.log" 2>&1 ||
    { echo "compare-bits: building $rev failed (see its log: $work/old-build.log)" >&2; exit 2; }
make -C "$top" --no-print-directory -s build/ddpm >"$work/new-build.log" 2>&1 ||
    { echo "compare-bits: building this tree failed" >&2; exit 2; }

# run BUILD OUT THREADS: the job, its outputs into OUT.
run() {
    mkdir -p "$2"
    "$1/build/ddpm" train --epochs 30 --threads "$3" --out "$2/model.ckpt" >/dev/null 2>&1
    "$1/build/ddpm" sample --model "$2/model.ckpt" --threads "$3" --out "$2/samples.npy" \
        --trajectory "$2/trajectory.npy" >/dev/null
    "$1/build/ddpm" sample --model "$2/model.ckpt" --threads "$3" --out "$2/ddim.npy" \
        --sampler ddim --sample-steps 20 --eta 0.5 >/dev/null
    "$1/build/ddpm" sample --model "$2/model.ckpt" --threads "$3" --out "$2/ode.npy" \
        --sampler ode --sample-steps 10 >/dev/null 2>&1  # (its note on the prior: stderr)
    [ "$pictures" = yes ] || return 0
    "$1/build/ddpm" train --dataset fashion_mnist --n 1024 --epochs 2 --threads "$3" \
        --out "$2/pictures.ckpt" >/dev/null 2>&1
    "$1/build/ddpm" sample --model "$2/pictures.ckpt" --n 20 --threads "$3" \
        --out "$2/pictures.npy" >/dev/null
}

# The picture model's run when this tree finds the pictures (lib/io/fashion_mnist.h).
outputs="model.ckpt samples.npy trajectory.npy ddim.npy ode.npy"
pictures=no
if "$top/build/ddpm" train --dataset fashion_mnist --n 128 --epochs 0 \
    --out "$work/probe.ckpt" >/dev/null 2>&1; then
    pictures=yes
    outputs="$outputs pictures.ckpt pictures.npy"
else
    echo "(no Fashion-MNIST here: the picture model's run is left out)"
fi

# same_state OLD NEW FILE: both checkpoints FILE, read by this tree, export the same raw and EMA
# weights.
same_state() {
    for w in raw ema; do
        "$top/build/ddpm" export "$1/$3" "$1/$w.safetensors" --weights "$w" >/dev/null 2>&1 &&
            "$top/build/ddpm" export "$2/$3" "$2/$w.safetensors" --weights "$w" >/dev/null 2>&1 &&
            cmp -s "$1/$w.safetensors" "$2/$w.safetensors" || return 1
    done
}

status=0
for threads in 1 2; do
    run "$work/old" "$work/out-old-$threads" "$threads"
    run "$top" "$work/out-new-$threads" "$threads"
    for f in $outputs; do
        if cmp -s "$work/out-old-$threads/$f" "$work/out-new-$threads/$f"; then
            echo "same     $f ($threads thread$([ "$threads" -gt 1 ] && echo s))"
        elif [ "${f%.ckpt}" != "$f" ] && same_state "$work/out-old-$threads" "$work/out-new-$threads" "$f"; then
            # REV wrote an older checkpoint version, which this tree reads: compare what is in it.
            echo "same     $f's weights, EMA and trained epochs, in another checkpoint version ($threads thread$([ "$threads" -gt 1 ] && echo s))"
        else
            echo "DIFFERS  $f ($threads thread$([ "$threads" -gt 1 ] && echo s))"
            status=1
        fi
    done
done
[ $status -eq 0 ] && echo "every output agrees with $rev's"
exit $status
