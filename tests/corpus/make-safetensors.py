#!/usr/bin/env python3
"""Regenerates tests/corpus/safetensors/ after a change of the weights format (io/weights.h).

Usage, from the project's root after `make`:  python3 tests/corpus/make-safetensors.py
It trains a tiny model with build/ddpm and exports it (good_tiny.safetensors), then derives the
bad files from it, each breaking one rule the reader must check. Needs no torch."""
import json
import os
import struct
import subprocess
import tempfile

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "safetensors")

with tempfile.TemporaryDirectory() as tmp:
    subprocess.run(["build/ddpm", "train", "--epochs", "2", "--hidden", "4", "--depth", "1", "--steps", "2",
                    "--n", "16", "--batch", "8", "--out", tmp + "/tiny.ckpt"], check=True, capture_output=True)
    subprocess.run(["build/ddpm", "export", tmp + "/tiny.ckpt", tmp + "/tiny.safetensors"], check=True,
                   capture_output=True)
    good = open(tmp + "/tiny.safetensors", "rb").read()

(N,) = struct.unpack("<Q", good[:8])
HEADER = json.loads(good[8:8 + N])
DATA = good[8 + N:]


def pack(header, data=DATA, raw=None):
    text = raw if raw is not None else json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


def edit(change):
    header = json.loads(json.dumps(HEADER))
    change(header)
    return pack(header)


def tensors(header):
    return [k for k in header if k != "__metadata__"]


def set_meta(key, value):
    return lambda h: h["__metadata__"].__setitem__(key, value)


def as_f16(header, data):
    """The same weights in half precision (each value rounded to F16 first, so the file is exact)."""
    out, at = b"", 0
    for name in tensors(header):
        begin, end = header[name]["data_offsets"]
        values = struct.unpack("<%df" % ((end - begin) // 4), data[begin:end])
        half = struct.pack("<%de" % len(values), *values)
        header[name]["dtype"] = "F16"
        header[name]["data_offsets"] = [at, at + len(half)]
        out += half
        at += len(half)
    return out


def swap_offsets(h):  # two tensors' data ranges exchanged but kept overlapping
    a, b = tensors(h)[:2]
    h[b]["data_offsets"] = [h[a]["data_offsets"][0], h[a]["data_offsets"][0] + 4 * 4]


f16_header = json.loads(json.dumps(HEADER))
f16_data = as_f16(f16_header, DATA)
no_meta = json.loads(json.dumps(HEADER))
del no_meta["__metadata__"]
first = tensors(HEADER)[0]
without_last = json.loads(json.dumps(HEADER))
last = max(tensors(HEADER), key=lambda k: HEADER[k]["data_offsets"][0])
without_last_end = without_last.pop(last)["data_offsets"][0]
files = {
    "good_tiny.safetensors": good,
    "good_tiny_f16.safetensors": pack(f16_header, f16_data),
    "bad_short.safetensors": good[:5],
    "bad_header_len_huge.safetensors": struct.pack("<Q", 1 << 63) + good[8:],
    "bad_header_past_end.safetensors": struct.pack("<Q", len(good)) + good[8:],
    "bad_not_object.safetensors": pack(None, raw=b"[1, 2, 3]"),
    "bad_trailing_comma.safetensors": pack(None, raw=json.dumps(HEADER).encode()[:-1] + b",}"),
    "bad_deep_nesting.safetensors": pack(None, raw=b'{"a":' + b"[" * 200 + b"]" * 200 + b"}"),
    "bad_duplicate_tensor.safetensors": pack(None, raw=json.dumps(HEADER).encode()[:-1] + b',"' +
                                         first.encode() + b'":' + json.dumps(HEADER[first]).encode() + b"}"),
    # a metadata key twice: Python keeps the last value, a reader that kept the first would see
    # another model
    "bad_duplicate_metadata.safetensors": pack(None, raw=json.dumps(HEADER, separators=(",", ":")).encode()
                                               .replace(b'"__metadata__":{', b'"__metadata__":{"hidden":"64",', 1)),
    # a NUL in a tensor's name: the error must escape it and still name the problem
    "bad_nul_name.safetensors": pack(None, raw=json.dumps(HEADER, separators=(",", ":")).encode()
                                     .replace(b'"linears.0.weight"', b'"linears.0\\u0000.weight"', 1)),
    "bad_overlap.safetensors": edit(swap_offsets),
    "bad_hole.safetensors": edit(lambda h: [h[k].__setitem__("data_offsets", [b + 4 for b in h[k]["data_offsets"]])
                                            for k in tensors(h)]),
    "bad_truncated_data.safetensors": good[:-6],
    "bad_trailing_bytes.safetensors": good + b"\0\0\0\0",
    "bad_dtype_unknown.safetensors": edit(lambda h: h[first].__setitem__("dtype", "F33")),
    "bad_dtype_int.safetensors": edit(lambda h: h[first].__setitem__("dtype", "I32")),
    "bad_shape_mismatch.safetensors": edit(lambda h: h[first].__setitem__("shape", h[first]["shape"][::-1])),
    "bad_shape_overflow.safetensors": edit(lambda h: h[first].__setitem__("shape", [2147483647] * 8)),
    "bad_extra_tensor.safetensors": edit(lambda h: h.__setitem__("extra", h.pop("step_embeddings.0.weight"))),
    "bad_missing_tensor.safetensors": pack(without_last, DATA[:without_last_end]),
    "bad_metadata_not_string.safetensors": edit(set_meta("hidden", 4)),
    "bad_metadata_hidden.safetensors": edit(set_meta("hidden", "5")),
    "bad_absurd_config.safetensors": edit(lambda h: h["__metadata__"].update(
        {"hidden": "4096", "depth": "16", "num_steps": "100000"})),
    "bad_version.safetensors": edit(set_meta("format_version", "3")),
    "bad_schedule.safetensors": edit(set_meta("schedule", "cosin")),
    "bad_objective.safetensors": edit(set_meta("objective", "score")),
    "bad_classes.safetensors": edit(set_meta("classes", "2")),
    "bad_no_metadata_notebook_shape.safetensors": pack(no_meta),
    "bad_nan_weight.safetensors": good[:8 + N] + struct.pack("<f", float("nan")) + DATA[4:],
    "bad_invalid_utf8.safetensors": pack(None, raw=json.dumps(HEADER).encode().replace(
        first.encode(), first.encode()[:-1] + b"\xff")),
}
os.makedirs(HERE, exist_ok=True)
for name, data in sorted(files.items()):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)
print("wrote %d files to %s" % (len(files), HERE))
