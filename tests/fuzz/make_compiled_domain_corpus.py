#!/usr/bin/env python3
"""Writes tests/fuzz/corpus/compiled_domain/*.bin deterministically (standard
library only) for compiled_domain_fuzzer.cc: each example domain's record
unchanged, with one and with a few octets changed, cut short at several
lengths, and a few records of bytes of their own."""
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus", "compiled_domain")
EXAMPLES = 8  # octet 0 is taken modulo the examples' count


def triples(rng, n):
    out = bytearray()
    for _ in range(n):
        out += rng.randrange(0, 1 << 16).to_bytes(2, "big") + bytes([rng.randrange(1, 256)])
    return bytes(out)


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = random.Random(17)
    seeds = []
    for example in range(EXAMPLES):
        seeds.append(bytes([example, 0]))
        for flips in (1, 1, 2, 4):
            seeds.append(bytes([example, 0]) + triples(rng, flips))
        for cut in (0, 9, 17, 40, 120, 400):
            seeds.append(bytes([example, 2]) + cut.to_bytes(2, "big"))
        seeds.append(bytes([example, 2]) + (200).to_bytes(2, "big") + triples(rng, 1))
    seeds.append(bytes([0, 1]))
    seeds.append(bytes([0, 1]) + bytes(30))
    seeds.append(bytes([0, 1]) + bytes([0xff] * 40))
    for i, seed in enumerate(seeds):
        with open(os.path.join(OUT, f"seed_{i:03d}.bin"), "wb") as f:
            f.write(seed)


if __name__ == "__main__":
    main()
