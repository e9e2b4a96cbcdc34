"""Conway's Game of Life with one bit per cell, written as a Taichi user writes it (the
QuanTaichi example): each cell is a 1-bit unsigned quant int, 32 cells packed per word along j,
and `ti.loop_config(bit_vectorize=True)` makes the struct-for run on whole words, 32 cells per
instruction with bit-sliced arithmetic. Cells outside the grid are dead.

`--u8` runs the same rule on a plain ti.u8 field (a dead border row/column around the grid,
no bit_vectorize) for comparison. Prints bits per cell and cell updates per second, and writes
the final state (and `--frames` snapshots) as PNG.

    python examples/game_of_life.py --n 512 --steps 1000 --start gun --out out/life.png
"""
import argparse
import os
import time

import numpy as np

import qtaichi as ti

# Bill Gosper's glider gun: a new glider every 30 steps.
GLIDER_GUN = [
    "........................O...........",
    "......................O.O...........",
    "............OO......OO............OO",
    "...........O...O....OO............OO",
    "OO........O.....O...OO..............",
    "OO........O...O.OO....O.O...........",
    "..........O.....O.......O...........",
    "...........O...O....................",
    "............OO......................",
]


def initial_state(n, start, seed=0):
    if start == "random":
        return (np.random.default_rng(seed).random((n, n)) < 0.25).astype(np.uint8)
    if n < 48:
        raise SystemExit("--start gun needs --n 64 or more")
    state = np.zeros((n, n), np.uint8)
    gun = np.array([[c == "O" for c in row] for row in GLIDER_GUN], np.uint8)
    # Row i grows downwards, column j to the right: the gliders head down and right.
    state[4:4 + gun.shape[0], 4:4 + gun.shape[1]] = gun
    return state


class QuantLife:
    """1 bit per cell, bit-vectorized evolve."""

    def __init__(self, n, word_bits=32):
        qu1 = ti.types.quant.int(1, False)
        self.x = ti.field(dtype=qu1)
        self.y = ti.field(dtype=qu1)
        w = word_bits  # cells per container word (32 or 64)
        for f in (self.x, self.y):
            ti.root.dense(ti.ij, (n, n // w)).quant_array(ti.j, w, max_num_bits=w).place(f)
        self.bits_per_cell = self.x.nbytes * 8 / (n * n)

    @staticmethod
    @ti.kernel
    def evolve(x: ti.template(), y: ti.template()):
        ti.loop_config(bit_vectorize=True)
        for i, j in x:
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
        self.x.from_numpy(state.astype(np.int32))

    def step(self):
        self.evolve(self.x, self.y)
        self.x, self.y = self.y, self.x

    def state(self):
        return self.x.to_numpy().astype(np.uint8)


class U8Life:
    """One ti.u8 per cell; the grid sits inside a dead border one cell wide, so the
    neighbours of an edge cell outside the grid read 0, as in the quant version."""

    def __init__(self, n, rows=False):
        self.n = n
        self.kernel = self.evolve_rows if rows else self.evolve
        self.x = ti.field(ti.u8, shape=(n + 2, n + 2))
        self.y = ti.field(ti.u8, shape=(n + 2, n + 2))
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

    @staticmethod
    @ti.kernel
    def evolve_rows(x: ti.template(), y: ti.template(), n: ti.template()):
        """The same rule with a parallel loop over rows and a serial inner loop over j, which
        LLVM vectorizes (the flat ti.ndrange loop recovers j with a div/mod per cell)."""
        for i in range(1, n + 1):
            for j in range(1, n + 1):
                num_active_neighbors = ti.cast(x[i - 1, j - 1], ti.u32) + x[i - 1, j] + \
                    x[i - 1, j + 1] + x[i, j - 1] + x[i, j + 1] + x[i + 1, j - 1] + \
                    x[i + 1, j] + x[i + 1, j + 1]
                y[i, j] = (num_active_neighbors == 3) | \
                    ((num_active_neighbors == 2) & (x[i, j] == 1))

    def load(self, state):
        padded = np.zeros((self.n + 2, self.n + 2), np.uint8)
        padded[1:-1, 1:-1] = state
        self.x.from_numpy(padded)
        self.y.from_numpy(padded)  # the border of both stays 0

    def step(self):
        self.kernel(self.x, self.y, self.n)
        self.x, self.y = self.y, self.x

    def state(self):
        return self.x.to_numpy()[1:-1, 1:-1]


def save_png(state, path):
    from PIL import Image

    scale = max(1, 512 // state.shape[0])
    img = np.where(state > 0, 255, 24).astype(np.uint8)
    img = np.kron(img, np.ones((scale, scale), np.uint8))
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    Image.fromarray(img, mode="L").save(path)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=512, help="cells per side (a multiple of 32)")
    ap.add_argument("--steps", type=int, default=1000, help="generations")
    ap.add_argument("--start", choices=["random", "gun"], default="random",
                    help="random soup (25%% alive) or Gosper's glider gun")
    ap.add_argument("--seed", type=int, default=0, help="seed of the random start")
    ap.add_argument("--u8", action="store_true",
                    help="one ti.u8 per cell instead of one bit (no bit_vectorize)")
    ap.add_argument("--rows", action="store_true",
                    help="with --u8: a parallel loop over rows, a serial (vectorized) loop over "
                    "j, instead of one ti.ndrange loop")
    ap.add_argument("--word", type=int, choices=[32, 64], default=32,
                    help="cells per container word of the 1-bit grid")
    ap.add_argument("--out", default=None, help="PNG of the final state (default: a window "
                    "showing every generation, or out/life.png without a display)")
    ap.add_argument("--frames", type=int, default=0,
                    help="also write this many evenly spaced frames (out_0000.png, ...)")
    ap.add_argument("--arch", choices=["cpu", "cuda", "vulkan", "gpu"], default="cpu",
                    help="where kernels run (an arch this machine lacks falls back to the CPU)")
    args = ap.parse_args()
    if args.n <= 0 or args.n % args.word:
        ap.error(f"--n must be a positive multiple of {args.word}")

    ti.init(arch=getattr(ti, args.arch))
    gui = None
    if args.out is None:
        gui = ti.GUI("Game of Life", res=512)
        if gui.headless:
            gui, args.out = None, "out/life.png"
    life = U8Life(args.n, args.rows) if args.u8 else QuantLife(args.n, args.word)
    life.load(initial_state(args.n, args.start, args.seed))
    stem, ext = os.path.splitext(args.out or "out/life.png")
    frame_steps = set(np.linspace(0, args.steps, args.frames).round().astype(int)) \
        if args.frames > 0 else set()

    life.step()  # compile (and one generation) before timing
    life.load(initial_state(args.n, args.start, args.seed))
    elapsed, frame = 0.0, 0
    for step in range(args.steps + 1):
        if gui is not None:
            if not gui.running:
                break
            gui.set_image(np.where(life.state() > 0, 1.0, 0.1).astype(np.float32))
            gui.show()
        if step in frame_steps:
            save_png(life.state(), f"{stem}_{frame:04d}{ext}")
            frame += 1
        if step == args.steps:
            break
        start = time.perf_counter()
        life.step()
        ti.sync()
        elapsed += time.perf_counter() - start

    state = life.state()
    if args.out:
        save_png(state, args.out)
    updates = args.n * args.n * max(step, 1) / max(elapsed, 1e-9)
    kind = f"u8 per cell ({'row loops' if args.rows else 'ti.ndrange'})" if args.u8 else f"1-bit quant, bit_vectorize, {args.word}-bit words"
    print(f"{kind}: {args.n}x{args.n}, {step} steps, {life.bits_per_cell:.2f} bits per "
          f"cell, {elapsed * 1e3 / max(step, 1):.3f} ms per step, "
          f"{updates / 1e9:.3f} G cell-updates/s, {int(state.sum())} alive")
    if args.out:
        print(f"wrote {args.out}" + (f" and {frame} frames" if frame else ""))


if __name__ == "__main__":
    main()
