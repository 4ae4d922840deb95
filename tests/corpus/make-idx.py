#!/usr/bin/env python3
"""Writes tests/corpus/idx/: IDX files (MNIST's format, lib/io/idx.h), plain and gzip-compressed,
that the reader must take (good_*) or refuse with a message naming the file (bad_*). Run from the
repository's root; the files are small and kept in the repo, so the tests need no Python."""
import gzip
import os
import struct

OUT = "tests/corpus/idx"


def idx(shape, data=None, type_byte=0x08, ndim=None):
    header = bytes([0, 0, type_byte, len(shape) if ndim is None else ndim])
    header += b"".join(struct.pack(">I", n) for n in shape)
    if data is None:
        count = 1
        for n in shape:
            count *= n
        data = bytes(i % 251 for i in range(count))
    return header + data


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


os.makedirs(OUT, exist_ok=True)
pictures = idx([3, 4, 4])
labels = idx([3], bytes([0, 9, 4]))
gz = gzip.compress(pictures, mtime=0)
write("good_pictures.idx", pictures)
write("good_labels.idx", labels)
write("good_pictures.idx.gz", gz)
# Two gzip members one after another unpack as one stream, as gzip -d reads them.
write("good_two_members.idx.gz", gzip.compress(pictures[:20], mtime=0) + gzip.compress(pictures[20:], mtime=0))
write("bad_empty.idx", b"")
write("bad_short_magic.idx", b"\x00\x00\x08")
write("bad_magic.idx", b"\x01\x00" + pictures[2:])
write("bad_type_float.idx", idx([2, 2], struct.pack(">4f", 1, 2, 3, 4), type_byte=0x0D))
write("bad_zero_dims.idx", bytes([0, 0, 8, 0]))
write("bad_five_dims.idx", idx([1, 1, 1, 1, 1]))
write("bad_header_cut.idx", pictures[:9])
write("bad_zero_size.idx", idx([3, 0, 4], b""))
write("bad_huge_size.idx", idx([0x7FFFFFFF, 0x7FFFFFFF, 4], b"\x00" * 16))
write("bad_truncated_data.idx", pictures[:-1])
write("bad_padded.idx", pictures + b"\x00")
write("bad_truncated.idx.gz", gz[: len(gz) // 2])
write("bad_crc.idx.gz", gz[:-8] + bytes([gz[-8] ^ 0xFF]) + gz[-7:])
write("bad_garbage_after_magic.idx.gz", b"\x1f\x8b" + b"\x42" * 30)
# A small file that unpacks to a million zeros: the IDX reader refuses its header; the tests also
# give it to gunzip with a limit below its size, which must refuse it while unpacking.
write("bad_zeros.idx.gz", gzip.compress(b"\x00" * (1 << 20), compresslevel=9, mtime=0))
