"""Heat diffusion on a square plate, written as a Taichi user writes it.

Hot sources (a ring and a bar) are held at a fixed temperature while heat spreads through the
plate and leaks out of its cold edges (explicit finite differences, 5-point Laplacian), shown
in a ti.GUI window with a black-red-yellow-white colour map; headless (or with --out) the final
temperature field is written as a PNG.
"""
import argparse
import os
import time

import numpy as np

import qtaichi as ti


def colorize(temp):
    """Maps temperatures in [0, 1] to RGB bytes: black -> red -> yellow -> white."""
    t = np.clip(temp, 0.0, 1.0)
    r = np.clip(3.0 * t, 0, 1)
    g = np.clip(3.0 * t - 1.0, 0, 1)
    b = np.clip(3.0 * t - 2.0, 0, 1)
    return (np.stack([r, g, b], axis=-1) * 255).astype(np.uint8)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=256, help="grid cells per side")
    ap.add_argument("--steps", type=int, default=4000, help="time steps")
    ap.add_argument("--out", default=None, help="PNG file to write (default: a window that "
                    "shows the diffusion, or out/heat.png without a display)")
    ap.add_argument("--arch", choices=["cpu", "cuda", "vulkan", "gpu"], default="cpu",
                    help="where kernels run (an arch this machine lacks falls back to the CPU)")
    args = ap.parse_args()

    ti.init(arch=getattr(ti, args.arch))
    n = args.n
    temp = ti.field(ti.f32, shape=(n, n))
    temp_next = ti.field(ti.f32, shape=(n, n))
    source = ti.field(ti.i32, shape=(n, n))

    @ti.kernel
    def init():
        for i, j in temp:
            dx = i - n * 0.35
            dy = j - n * 0.5
            r = ti.sqrt(dx * dx + dy * dy)
            hot = 0
            if n * 0.08 < r < n * 0.12:
                hot = 1
            if n * 0.62 < i < n * 0.66 and n * 0.2 < j < n * 0.8:
                hot = 1
            source[i, j] = hot
            temp[i, j] = float(hot)

    @ti.kernel
    def step(k: ti.f32):
        for i, j in ti.ndrange((1, n - 1), (1, n - 1)):
            lap = temp[i - 1, j] + temp[i + 1, j] + temp[i, j - 1] + temp[i, j + 1] - 4.0 * temp[i, j]
            temp_next[i, j] = temp[i, j] + k * lap
            if source[i, j] == 1:
                temp_next[i, j] = 1.0

    @ti.kernel
    def commit():
        for i, j in temp:
            temp[i, j] = temp_next[i, j]

    @ti.kernel
    def total_heat() -> ti.f32:
        s = 0.0
        for i, j in temp:
            s += temp[i, j]
        return s

    gui = ti.GUI("heat diffusion", res=512, show_gui=args.out is None)
    if gui.headless and args.out is None:
        args.out = "out/heat.png"
    init()
    elapsed, done = 0.0, 0
    while done < args.steps and gui.running:
        start = time.perf_counter()
        chunk = min(args.steps - done, 20 if args.out is None else args.steps)
        for _ in range(chunk):
            step(0.24)
            commit()
        ti.sync()
        elapsed += time.perf_counter() - start
        done += chunk
        if args.out is None:   # a window: show every 20 steps
            gui.set_image(colorize(temp.to_numpy()))
            gui.show()

    print(f"heat diffusion: {n}x{n} grid, {done} steps in {elapsed:.2f} s "
          f"({done / elapsed:.0f} steps/s), total heat {total_heat():.1f}")
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        gui.set_image(colorize(temp.to_numpy()))
        gui.show(args.out)
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
