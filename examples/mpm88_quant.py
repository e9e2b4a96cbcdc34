"""The 88-line 2D MLS-MPM (examples/mpm88.py) with quantized particles, in a ti.GUI window
(or headless, PNG frames).

Same physics and kernels as examples/mpm88.py; only the particle field declarations differ
between the two layouts (`--quant`, the default, or `--f32`; `--compare` runs both from the
same particles). The grid stays float32.

    field   float32 layout         quantized layout
    x       2 x f32     8 bytes    2 x fixed(24, unsigned, max_value=1)  \\  one 64-bit word
    J       f32         4 bytes    fixed(16, unsigned, max_value=2)      /  (64 bits used)
    v       2 x f32     8 bytes    2 x float(exp=6, frac=13), one shared exponent: one 32-bit
                                   word (6 + 2*13 = 32 bits)
    C       2x2 f32    16 bytes    4 x float(exp=6, frac=14), one shared exponent: one 64-bit
                                   word (6 + 4*14 = 62 bits)
    total              36 bytes    20 bytes                         (1.8x less memory)

Ranges: positions stay in [3 dx, 1 - 3 dx] (the walls), J (the volume ratio of this weakly
compressible material) stays well inside (0, 2); the position step 2^-24 ~ 6e-8 is far below a
substep's displacement. The shared exponents give v's and C's largest entry 12 and 13 magnitude
bits (relative step 2.4e-4 and 1.2e-4); smaller siblings lose low bits, which is the point of
sharing (a vector's small component matters less).

    .venv/bin/python examples/mpm88_quant.py --compare --steps 2000
"""
import argparse
import time

import numpy as np

import qtaichi as ti


def declare_particles(n, quant):
    """(x, v, C, J) of one layout: the only layout-specific code."""
    if not quant:
        return (ti.Vector.field(2, ti.f32, n), ti.Vector.field(2, ti.f32, n),
                ti.Matrix.field(2, 2, ti.f32, n), ti.field(ti.f32, n))
    qx = ti.types.quant.fixed(24, signed=False, max_value=1.0)
    qJ = ti.types.quant.fixed(16, signed=False, max_value=2.0)
    qv = ti.types.quant.float(exp=6, frac=13)
    qC = ti.types.quant.float(exp=6, frac=14)
    x = ti.Vector.field(2, dtype=qx)
    J = ti.field(qJ)
    v = ti.Vector.field(2, dtype=qv)
    C = ti.Matrix.field(2, 2, dtype=qC)
    bxj = ti.BitpackedFields(max_num_bits=64).place(x, J)
    bv = ti.BitpackedFields(max_num_bits=32).place(v, shared_exponent=True)
    bc = ti.BitpackedFields(max_num_bits=64).place(C, shared_exponent=True)
    ti.root.dense(ti.i, n).place(bxj, bc)  # 16-byte cells
    ti.root.dense(ti.i, n).place(bv)       # 4-byte cells (with the others: 24, padded)
    return x, v, C, J


class MPM88Quant:
    @property
    def bytes_per_particle(self):
        """Allocated bytes per particle (padding included)."""
        return ti.bytes_per_cell(*self.particle_fields)

    def __init__(self, n_particles=8192, n_grid=128, quant=True, dt=None):
        self.n_particles, self.n_grid, self.quant = n_particles, n_grid, quant
        dx = 1 / n_grid
        dt = 2e-4 * 128 / n_grid if dt is None else dt
        p_rho = 1
        p_vol = (dx * 0.5) ** 2
        p_mass = p_vol * p_rho
        gravity = 9.8
        bound = 3
        E = 400
        self.dt = dt

        x, v, C, J = declare_particles(n_particles, quant)
        grid_v = ti.Vector.field(2, float, (n_grid, n_grid))
        grid_m = ti.field(float, (n_grid, n_grid))
        self.x, self.v, self.C, self.J = x, v, C, J
        self.particle_fields = [x, v, C, J]

        @ti.kernel
        def substep():
            for i, j in grid_m:
                grid_v[i, j] = [0, 0]
                grid_m[i, j] = 0
            for p in range(n_particles):
                Xp = x[p] / dx
                base = int(Xp - 0.5)
                fx = Xp - base
                w = [0.5 * (1.5 - fx) ** 2, 0.75 - (fx - 1) ** 2, 0.5 * (fx - 0.5) ** 2]
                stress = -dt * 4 * E * p_vol * (J[p] - 1) / dx**2
                affine = ti.Matrix([[stress, 0], [0, stress]]) + p_mass * C[p]
                mv = p_mass * v[p]  # read once: mpm88.py reads v[p] in the loop below, and
                # the compiler reloads (and, quantized, re-decodes) it after every grid atomic
                for i, j in ti.static(ti.ndrange(3, 3)):
                    offset = ti.Vector([i, j])
                    dpos = (offset - fx) * dx
                    weight = w[i].x * w[j].y
                    grid_v[base + offset] += weight * (mv + affine @ dpos)
                    grid_m[base + offset] += weight * p_mass
            for i, j in grid_m:
                if grid_m[i, j] > 0:
                    grid_v[i, j] /= grid_m[i, j]
                grid_v[i, j].y -= dt * gravity
                if i < bound and grid_v[i, j].x < 0:
                    grid_v[i, j].x = 0
                if i > n_grid - bound and grid_v[i, j].x > 0:
                    grid_v[i, j].x = 0
                if j < bound and grid_v[i, j].y < 0:
                    grid_v[i, j].y = 0
                if j > n_grid - bound and grid_v[i, j].y > 0:
                    grid_v[i, j].y = 0
            for p in range(n_particles):
                Xp = x[p] / dx
                base = int(Xp - 0.5)
                fx = Xp - base
                w = [0.5 * (1.5 - fx) ** 2, 0.75 - (fx - 1.0) ** 2, 0.5 * (fx - 0.5) ** 2]
                new_v = ti.Vector.zero(float, 2)
                new_C = ti.Matrix.zero(float, 2, 2)
                for i, j in ti.static(ti.ndrange(3, 3)):
                    offset = ti.Vector([i, j])
                    dpos = (offset - fx) * dx
                    weight = w[i].x * w[j].y
                    g_v = grid_v[base + offset]
                    new_v += weight * g_v
                    new_C += 4 * weight * g_v.outer_product(dpos) / dx**2
                v[p] = new_v
                # J before x: J and x share a word, so their stores fuse into one when no read
                # of the word comes between them. x advances with the f32 velocity just computed
                # (mpm88.py reads v[p] back: the same value in f32, the re-rounded one quantized)
                J[p] *= 1 + dt * new_C.trace()
                x[p] += dt * new_v
                C[p] = new_C

        @ti.kernel
        def init(pos: ti.types.ndarray(dtype=ti.f32, ndim=2)):
            for i in range(n_particles):
                x[i] = [pos[i, 0], pos[i, 1]]
                v[i] = [0, -1]
                J[i] = 1
                C[i] = ti.Matrix.zero(float, 2, 2)

        self.substep, self._init = substep, init

    def reset(self, positions):
        self._init(np.ascontiguousarray(positions, dtype=np.float32))


def initial_positions(n, seed=0):
    """Uniform in [0.2, 0.6)^2 like Taichi's mpm88 (a fixed seed: both layouts start alike)."""
    return (np.random.default_rng(seed).random((n, 2)) * 0.4 + 0.2).astype(np.float32)


def run(sim, positions, steps, frames=0, sink=None, label="", warmup=3):
    """Resets, runs `warmup` untimed substeps (compiles), resets again, times `steps`
    substeps, shows `frames` frames through `sink` (examples/frames.py); a window shows a frame
    every 25 substeps (until it is closed). Returns (seconds, substeps run, final positions)."""
    sim.reset(positions)
    for _ in range(warmup):
        sim.substep()
    sim.reset(positions)
    ti.sync()
    windowed = sink is not None and sink.windowed
    per_frame = 25 if windowed else max(1, steps // max(frames, 1))
    elapsed, done, frame = 0.0, 0, 0
    while done < steps and (sink is None or sink.running):
        n = min(per_frame, steps - done)
        start = time.perf_counter()
        for _ in range(n):
            sim.substep()
        ti.sync()
        elapsed += time.perf_counter() - start
        done += n
        if sink is not None and (frames or windowed):
            sink.gui.circles(sim.x.to_numpy(), radius=1.5,
                             color=0xED553B if sim.quant else 0x068587)
            sink.show(f"{label}frame_{frame:03d}")
            frame += 1
    return elapsed, done, sim.x.to_numpy()


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--quant", dest="layout", action="store_const", const="quant",
                      help="quantized particles (default)")
    mode.add_argument("--f32", "--no-quant", dest="layout", action="store_const", const="f32",
                      help="float32 particles (examples/mpm88.py's layout)")
    mode.add_argument("--compare", dest="layout", action="store_const", const="both",
                      help="run f32 and quant from the same particles, print both")
    ap.set_defaults(layout="quant")
    ap.add_argument("--particles", type=int, default=8192)
    ap.add_argument("--grid", type=int, default=128)
    ap.add_argument("--steps", type=int, default=2000, help="substeps in total")
    ap.add_argument("--frames", type=int, default=4, help="PNG frames to write (per layout)")
    ap.add_argument("--out", default=None, help="folder for PNG frames (default: a window, "
                    "or out/mpm88_quant without one)")
    ap.add_argument("--video", default=None, help="also write the frames as this mp4")
    ap.add_argument("--arch", choices=["cpu", "cuda", "vulkan", "gpu"], default="cpu",
                    help="where kernels run (an arch this machine lacks falls back to the CPU)")
    args = ap.parse_args()
    from frames import Frames  # examples/frames.py: window, PNG frames or video

    ti.init(arch=getattr(ti, args.arch))
    pos = initial_positions(args.particles)
    sink = Frames("mpm88 (quantized)", 512, args.out, "out/mpm88_quant", args.video)
    layouts = ["f32", "quant"] if args.layout == "both" else [args.layout]
    results = {}
    for layout in layouts:
        sim = MPM88Quant(args.particles, args.grid, quant=(layout == "quant"))
        label = f"{layout}_" if args.layout == "both" else ""
        secs, steps, x = run(sim, pos, args.steps, args.frames, sink, label)
        results[layout] = (sim.bytes_per_particle, secs, x)
        print(f"{layout:>5}: {sim.bytes_per_particle:.0f} bytes/particle, "
              f"{secs * 1e9 / (steps * args.particles):6.1f} ns per particle-substep, "
              f"mean x ({', '.join(f'{c:.4f}' for c in x.mean(axis=0))})")
    sink.finish()
    if len(results) == 2:
        bf, tf, xf = results["f32"]
        bq, tq, xq = results["quant"]
        drift = np.abs(xq.astype(np.float64).mean(0) - xf.astype(np.float64).mean(0)).max()
        print(f"quant vs f32: {bf / bq:.2f}x less particle memory ({bf:.0f} -> {bq:.0f} bytes), "
              f"time {tq / tf:.2f}x of f32; mean positions differ by {drift:.2e}")


if __name__ == "__main__":
    main()
