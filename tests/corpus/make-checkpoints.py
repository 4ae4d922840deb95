#!/usr/bin/env python3
"""Regenerates tests/corpus/checkpoint/ after a change of the checkpoint format.

Usage, from the project's root after `make`:  python3 tests/corpus/make-checkpoints.py
It trains a tiny model with build/ddpm (good_tiny.ckpt), then derives the bad files from it,
some with a checksum that matches, so that the reader itself must catch the bad field.
good_tiny_v5.ckpt is not made here: it was written by the build before version 6 (classes,
objective), and stays to show that older checkpoints still load."""
import os
import struct
import subprocess
import tempfile

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "checkpoint")

with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "tiny.ckpt")
    subprocess.run(["build/ddpm", "train", "--epochs", "2", "--hidden", "2", "--steps", "2", "--n", "16",
                    "--batch", "5", "--out", path], check=True, capture_output=True)
    good = open(path, "rb").read()


def fnv(data):
    h = 14695981039346656037
    for byte in data:
        h = ((h ^ byte) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return h


def reseal(payload):  # header, payload and a checksum that matches it
    return good[:12] + struct.pack("<Q", len(payload)) + payload + struct.pack("<Q", fnv(payload))


payload = good[20:-8]
assert fnv(payload) == struct.unpack("<Q", good[-8:])[0]
name_len = struct.unpack("<I", payload[56:60])[0]  # after 7 model ints and 7 training fields
history = 60 + name_len + 8 + 4  # then the name, the seed and the epoch: the loss history's count
version = struct.unpack("<I", good[8:12])[0]
# The epoch's order sits before the normalisation (3 floats), the recipe ("notebook") and the
# guidance (a float): find its count, a u64 followed by that many int32s.
tail = 12 + 4 + len(b"notebook") + 4
order_at = next(at for k in range(0, 17)
                for at in [len(payload) - tail - 4 * k - 8]
                if struct.unpack("<Q", payload[at:at + 8])[0] == k)
absurd = struct.pack("<iii", 100000, 4096, 16)  # num_steps, hidden, depth: 6.5e9 parameters
files = {
    "good_tiny.ckpt": good,
    "bad_magic.ckpt": b"DDPMCKPX" + good[8:],
    "bad_version.ckpt": good[:8] + struct.pack("<I", version + 7) + good[12:],
    "bad_truncated.ckpt": good[: len(good) // 2],
    "bad_header_only.ckpt": good[:16],
    "bad_flipped_byte.ckpt": good[:40] + bytes([good[40] ^ 0x10]) + good[41:],
    "bad_huge_payload_size.ckpt": good[:12] + struct.pack("<Q", 2**62) + good[20:],
    "bad_zero_hidden.ckpt": reseal(payload[:4] + struct.pack("<i", 0) + payload[8:]),
    "bad_negative_epochs.ckpt": reseal(payload[:28] + struct.pack("<i", -5) + payload[32:]),
    "bad_classes.ckpt": reseal(payload[:24] + struct.pack("<i", -1) + payload[28:]),
    "bad_objective.ckpt": reseal(payload[:48] + struct.pack("<i", 9) + payload[52:]),
    "bad_guidance.ckpt": reseal(payload[:-4] + struct.pack("<f", float("nan"))),
    "bad_fourier.ckpt": reseal(payload[:20] + struct.pack("<i", 99) + payload[24:]),
    "bad_embedding.ckpt": reseal(payload[:16] + struct.pack("<i", 7) + payload[20:]),
    "bad_huge_array_count.ckpt": reseal(payload[:history] + struct.pack("<Q", 2**40) + payload[history + 8:]),
    "bad_trailing_bytes.ckpt": reseal(payload + b"\0\0"),
    "bad_normalization.ckpt": reseal(payload[:-tail + 8] + struct.pack("<f", -1.0) + payload[-tail + 12:]),
    # Checksum-valid absurdities: the reader must check every field, not trust the sum.
    "bad_absurd_model.ckpt": reseal(absurd + payload[12:]),
    "bad_huge_order.ckpt": reseal(payload[:order_at] + struct.pack("<Q", 2**62) + payload[order_at + 8:]),
}
for name, data in files.items():
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)
print("wrote %d files to %s" % (len(files), HERE))
