#!/usr/bin/env python3
"""Extracts one file from a compiled Qt resource bundle (.rcc), or lists them all.

GCompris ships its activities' pictures inside .rcc files (Debian package gcompris-qt-data);
fetch-evalset.sh uses this to take the evaluation photos out of them. Standard library only.
Format (Qt's rcc, versions 1-3): a 'qres' header with the offsets of the tree, the data and the
names; tree nodes are 14 bytes (22 from version 2: a modification time follows); a file's data
is a 4-byte length, then the bytes, zlib-compressed with a 4-byte size prefix when flag 1 is set.

usage: rcc_extract.py BUNDLE.rcc              list every file (size, path)
       rcc_extract.py BUNDLE.rcc PATH OUT     write the file at PATH to OUT
"""
import struct
import sys
import zlib

COMPRESSED, DIRECTORY, COMPRESSED_ZSTD = 1, 2, 4


def entries(buf):
    magic, version, tree, data, names = struct.unpack(">4sIIII", buf[:20])
    if magic != b"qres":
        raise ValueError("not a Qt resource bundle")
    node_size = 22 if version >= 2 else 14

    def name(offset):
        (length,) = struct.unpack(">H", buf[names + offset:names + offset + 2])
        start = names + offset + 6  # length, then a 4-byte hash, then UTF-16BE
        return buf[start:start + 2 * length].decode("utf-16-be")

    def walk(index, path):
        base = tree + index * node_size
        name_offset, flags = struct.unpack(">IH", buf[base:base + 6])
        here = path + "/" + name(name_offset) if index else ""
        if flags & DIRECTORY:
            count, first = struct.unpack(">II", buf[base + 6:base + 14])
            for child in range(first, first + count):
                yield from walk(child, here)
            return
        (offset,) = struct.unpack(">I", buf[base + 10:base + 14])
        (size,) = struct.unpack(">I", buf[data + offset:data + offset + 4])
        blob = buf[data + offset + 4:data + offset + 4 + size]
        if flags & COMPRESSED_ZSTD:
            raise ValueError(here + " is zstd-compressed, which this script does not read")
        if flags & COMPRESSED:
            blob = zlib.decompress(blob[4:])
        yield here, blob

    yield from walk(0, "")


def main(argv):
    with open(argv[1], "rb") as f:
        buf = f.read()
    if len(argv) == 2:
        for path, blob in entries(buf):
            print(len(blob), path)
        return 0
    for path, blob in entries(buf):
        if path == argv[2]:
            with open(argv[3], "wb") as out:
                out.write(blob)
            return 0
    print(argv[2] + " is not in " + argv[1], file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
