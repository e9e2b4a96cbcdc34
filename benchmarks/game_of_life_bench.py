"""Game of Life: one bit per cell (bit-vectorized) against one ti.u8 per cell, and against one
bit per cell without bit_vectorize (a plain struct-for over the quant array, every store a
read-modify-write of its word). The same random start runs the same number of steps in each
variant; the final states must agree. Prints one markdown table: memory per cell, ms per step
(best of --repeat runs of --steps steps, after one warm-up run), cell updates per second and
the ratios to u8 (speed against the faster of the two u8 loop forms).

    /usr/bin/python3 benchmarks/game_of_life_bench.py --sizes 4096 8192
"""
import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))

import qtaichi as ti  # noqa: E402
from game_of_life import QuantLife, U8Life, initial_state  # noqa: E402


class QuantLifeScalar:
    """One bit per cell, no bit_vectorize: without it, reads outside the field are not
    defined, so the grid sits inside a dead border (cells at rows 1..n and columns 1..n of an
    (n + 2) x (n + 32) array, as the u8 variant does with (n + 2) x (n + 2))."""

    def __init__(self, n):
        self.n = n
        qu1 = ti.types.quant.int(1, False)
        self.x = ti.field(dtype=qu1)
        self.y = ti.field(dtype=qu1)
        for f in (self.x, self.y):
            ti.root.dense(ti.ij, (n + 2, n // 32 + 1)).quant_array(
                ti.j, 32, max_num_bits=32).place(f)
        self.bits_per_cell = self.x.nbytes * 8 / (n * n)

    @staticmethod
    @ti.kernel
    def evolve(x: ti.template(), y: ti.template(), n: ti.template()):
        for i, j in ti.ndrange((1, n + 1), (1, n + 1)):
            num_active_neighbors = 0
            num_active_neighbors += ti.cast(x[i - 1, j - 1], ti.u32)
            num_active_neighbors += ti.cast(x[i - 1, j], ti.u32)
            num_active_neighbors += ti.cast(x[i - 1, j + 1], ti.u32)
            num_active_neighbors += ti.cast(x[i, j - 1], ti.u32)
            num_active_neighbors += ti.cast(x[i, j + 1], ti.u32)
            num_active_neighbors += ti.cast(x[i + 1, j - 1], ti.u32)
            num_active_neighbors += ti.cast(x[i + 1, j], ti.u32)
            num_active_neighbors += ti.cast(x[i + 1, j + 1], ti.u32)
            y[i, j] = (num_active_neighbors == 3) | ((num_active_neighbors == 2) & (x[i, j] == 1))

    def load(self, state):
        padded = np.zeros((self.n + 2, self.n + 32), np.int32)
        padded[1:-1, 1:self.n + 1] = state
        self.x.from_numpy(padded)
        self.y.from_numpy(padded)

    def step(self):
        self.evolve(self.x, self.y, self.n)
        self.x, self.y = self.y, self.x

    def state(self):
        return self.x.to_numpy()[1:-1, 1:self.n + 1].astype(np.uint8)


VARIANTS = [  # (name, constructor of an n x n grid)
    ("1-bit, bit_vectorize", QuantLife),
    ("1-bit, bit_vectorize, 64-bit words", lambda n: QuantLife(n, word_bits=64)),
    ("u8, ti.ndrange", U8Life),
    ("u8, row loops (j vectorized)", lambda n: U8Life(n, rows=True)),
    ("1-bit, no bit_vectorize", QuantLifeScalar),
]


def measure(cls, n, steps, repeat, start, arch="cpu"):
    ti.init(arch=getattr(ti, arch))
    life = cls(n)
    life.load(start)
    life.step()  # compile
    best = float("inf")
    for r in range(repeat + 1):  # run 0 warms up (thread pool, first touch of the pages)
        life.load(start)
        ti.sync()
        t0 = time.perf_counter()
        for _ in range(steps):
            life.step()
        ti.sync()
        if r > 0:
            best = min(best, (time.perf_counter() - t0) / steps)
    final = life.state()
    bits = life.bits_per_cell
    ti.reset()
    return bits, best, final


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[4096, 8192])
    ap.add_argument("--steps", type=int, default=10, help="steps per timed run")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs (the best counts)")
    ap.add_argument("--no-scalar", action="store_true",
                    help="skip the 1-bit variant without bit_vectorize")
    ap.add_argument("--arch", choices=["cpu", "cuda", "vulkan", "gpu"], default="cpu")
    args = ap.parse_args()

    variants = [v for v in VARIANTS if not (args.no_scalar and v[1] is QuantLifeScalar)]
    rows = []
    for n in args.sizes:
        start = initial_state(n, "random", seed=1)
        results = {name: measure(cls, n, args.steps, args.repeat, start, args.arch)
                   for name, cls in variants}
        reference = results["u8, ti.ndrange"][2]
        for name, (_, _, final) in results.items():
            if not np.array_equal(final, reference):
                raise SystemExit(f"{n}x{n}: '{name}' disagrees with u8 in "
                                 f"{int(np.sum(final != reference))} cells")
        # Ratios against the faster u8 form (the fair baseline).
        base_bits = results["u8, ti.ndrange"][0]
        base = min(results["u8, ti.ndrange"][1], results["u8, row loops (j vectorized)"][1])
        for name, (bits, sec, _) in results.items():
            rows.append((f"{n}²", name, f"{bits:.2f}", f"{n * n * bits / 8 / 2**20:.2f}",
                         f"{sec * 1e3:.2f}", f"{n * n / sec / 1e9:.2f}",
                         f"{base_bits / bits:.1f}x", f"{base / sec:.2f}x"))

    header = ("grid", "variant", "bits/cell", "MiB/field", "ms/step", "G cell-updates/s",
              "memory saving vs u8", "speed-up vs the faster u8")
    where = f"CPU ({os.cpu_count()} threads)" if args.arch == "cpu" else args.arch
    print(f"Game of Life, {args.steps} steps, best of {args.repeat}, {where}; final states "
          "identical across variants\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for r in rows:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()
