"""Initial particle positions for the mpm88 benchmark, bit-identical to mpm88_baseline.cpp.

Generator (all integer arithmetic mod 2^64), splitmix64 draw j for seed s:
    z = s + (j + 1) * 0x9E3779B97F4A7C15
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
    z = (z ^ (z >> 27)) * 0x94D049BB133111EB
    z =  z ^ (z >> 31)
Particle i takes draw 2i for x and draw 2i+1 for y; a draw z becomes a coordinate by
    r = z >> 40                      # 24 uniform bits
    k = (r * 6710886) >> 24          # integer in [0, 6710886), 6710886 = floor(0.4 * 2^24)
    coord = float32(0.2) + float32(k) * 2^-24      # float32 add, the only rounding
so coordinates lie in [0.2, 0.6) like Taichi's ti.random() * 0.4 + 0.2.

Usage: python3 mpm88_init.py N OUT.bin [--seed S]  writes N*2 little-endian float32 values
(x0, y0, x1, y1, ...) for `mpm88_baseline --init OUT.bin`. The C++ built-in generator uses seed 0.
"""

import argparse

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MUL1 = np.uint64(0xBF58476D1CE4E5B9)
_MUL2 = np.uint64(0x94D049BB133111EB)


def _splitmix64(seed: int, count: int) -> np.ndarray:
    j = np.arange(1, count + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = np.uint64(seed % 2**64) + j * _GOLDEN
        z = (z ^ (z >> np.uint64(30))) * _MUL1
        z = (z ^ (z >> np.uint64(27))) * _MUL2
    return z ^ (z >> np.uint64(31))


def initial_positions(n: int, seed: int = 0) -> np.ndarray:
    """(n, 2) float32 positions, identical bit for bit to mpm88_baseline's generator."""
    z = _splitmix64(seed, 2 * n)
    r = z >> np.uint64(40)
    k = (r * np.uint64(6710886)) >> np.uint64(24)
    coord = np.float32(0.2) + k.astype(np.float32) * np.float32(2.0**-24)
    return coord.astype(np.float32).reshape(n, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", type=int, help="number of particles")
    parser.add_argument("out", help="output file (raw little-endian float32, N*2 values)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    initial_positions(args.n, args.seed).astype("<f4").tofile(args.out)


if __name__ == "__main__":
    main()
