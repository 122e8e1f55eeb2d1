#!/usr/bin/env python3
"""The bytes `cmamem fill` writes, from cmamem(1) alone: an independent
reference for tests (and for anyone checking a buffer filled on a board).

usage: pattern_ref.py byte|word|counter|random VALUE POS LEN
"""
import sys

M64 = (1 << 64) - 1


def splitmix64_nth(seed, n):
    """The n-th output (n from 0) of splitmix64 seeded with seed."""
    z = (seed + (n + 1) * 0x9E3779B97F4A7C15) & M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def main():
    kind, value, pos, length = sys.argv[1], int(sys.argv[2], 0), \
        int(sys.argv[3], 0), int(sys.argv[4], 0)
    out = bytearray()
    for p in range(pos, pos + length):
        if kind == "byte":
            b = value
        elif kind == "word":        # LE32 word, anchored at offset 0
            b = value >> (8 * (p % 4))
        elif kind == "counter":     # LE32 word at offset 4*i holds i
            b = ((p // 4) & 0xFFFFFFFF) >> (8 * (p % 4))
        else:                       # LE64 word at offset 8*n: output n
            b = splitmix64_nth(value, p // 8) >> (8 * (p % 8))
        out.append(b & 0xFF)
    sys.stdout.buffer.write(bytes(out))


main()
