"""Weights between the notebook and this course, as safetensors, with torch alone.

In the notebook, after training (docs/notebook-and-back.md):

    %run /path/to/ddpm-from-scratch/tools/notebook_io.py
    save_notebook_model(model, "notebook.safetensors")       # then: ddpm eval --model notebook.safetensors

and the other way, a model trained by `ddpm train` and written by `ddpm export`:

    tensors, metadata = load_file("model.safetensors")
    model = MLPDiffusion(int(metadata["num_steps"]), num_units=int(metadata["hidden"]))
    model.load_state_dict(tensors, strict=True)

The files are the safetensors format (https://github.com/huggingface/safetensors), so
`safetensors.torch.load_file` and `save_file` read and write the same ones; this module needs only
json, struct and torch.
"""
import json
import struct
import sys

import torch

assert sys.byteorder == "little", "the format is little-endian, as is every machine torch runs on here"

DTYPES = {"F32": torch.float32, "F64": torch.float64, "F16": torch.float16,
          "BF16": torch.bfloat16, "I64": torch.int64, "I32": torch.int32}


def load_file(path):
    """The file's tensors (a dict, name -> tensor) and its metadata (a dict of strings)."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        raw = bytearray(data[8 + n + begin:8 + n + end])  # frombuffer wants a writable buffer
        dtype = DTYPES[info["dtype"]]
        tensors[name] = torch.frombuffer(raw, dtype=dtype).reshape(info["shape"]) if raw else \
            torch.zeros(info["shape"], dtype=dtype)
    return tensors, metadata


def save_file(tensors, path, metadata=None):
    """Writes tensors (name -> tensor) little-endian in the safetensors layout: an 8-byte header
    length, a JSON header padded with spaces to a multiple of 8 bytes, then the data, no holes."""
    names = {v: k for k, v in DTYPES.items()}
    header, chunks, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name, t in tensors.items():
        t = t.detach().cpu().contiguous()
        raw = t.reshape(-1).view(torch.uint8).numpy().tobytes()
        header[name] = {"dtype": names[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


def save_notebook_model(model, path, schedule="sigmoid", weights="raw"):
    """Saves the notebook's MLPDiffusion with the metadata `ddpm sample|eval|animate --model` reads
    (the notebook's model: 3 blocks, learned step embeddings; its schedule; its recipe)."""
    state = model.state_dict()
    num_steps, hidden = state["step_embeddings.0.weight"].shape
    metadata = {"format": "ddpm-from-scratch", "format_version": 1, "weights": weights,
                "num_steps": num_steps, "hidden": hidden, "depth": 3, "dim": 2,
                "embedding": "learned", "fourier": 0, "schedule": schedule,
                "recipe": "notebook", "dataset": "s_curve", "source": "the notebook"}
    save_file({k: v.float() for k, v in state.items()}, path, metadata)
