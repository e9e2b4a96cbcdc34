"""The classic 88-line 2D MLS-MPM (Hu et al. 2018), written exactly as a Taichi user writes it.

A block of snow-like elastic material falls under gravity and splashes in a box, shown in a
ti.GUI window (or, headless / with --out, written as PNG frames); prints the time per
particle-substep.
"""
import argparse
import time

import numpy as np

import qtaichi as ti


class MPM88:
    def __init__(self, n_particles=8192, n_grid=128, dt=None):
        self.n_particles, self.n_grid = n_particles, n_grid
        dx = 1 / n_grid
        # The classic step at 128^2; a finer grid needs a proportionally smaller step (CFL).
        dt = 2e-4 * 128 / n_grid if dt is None else dt
        p_rho = 1
        p_vol = (dx * 0.5) ** 2
        p_mass = p_vol * p_rho
        gravity = 9.8
        bound = 3
        E = 400
        self.dt = dt

        x = ti.Vector.field(2, float, n_particles)
        v = ti.Vector.field(2, float, n_particles)
        C = ti.Matrix.field(2, 2, float, n_particles)
        J = ti.field(float, n_particles)
        grid_v = ti.Vector.field(2, float, (n_grid, n_grid))
        grid_m = ti.field(float, (n_grid, n_grid))
        self.x, self.v, self.C, self.J = x, v, C, J

        @ti.kernel
        def substep():
            for i, j in grid_m:
                grid_v[i, j] = [0, 0]
                grid_m[i, j] = 0
            for p in x:
                Xp = x[p] / dx
                base = int(Xp - 0.5)
                fx = Xp - base
                w = [0.5 * (1.5 - fx) ** 2, 0.75 - (fx - 1) ** 2, 0.5 * (fx - 0.5) ** 2]
                stress = -dt * 4 * E * p_vol * (J[p] - 1) / dx**2
                affine = ti.Matrix([[stress, 0], [0, stress]]) + p_mass * C[p]
                for i, j in ti.static(ti.ndrange(3, 3)):
                    offset = ti.Vector([i, j])
                    dpos = (offset - fx) * dx
                    weight = w[i].x * w[j].y
                    grid_v[base + offset] += weight * (p_mass * v[p] + affine @ dpos)
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
            for p in x:
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
                x[p] += dt * v[p]
                J[p] *= 1 + dt * new_C.trace()
                C[p] = new_C

        @ti.kernel
        def init():
            for i in range(n_particles):
                x[i] = [ti.random() * 0.4 + 0.2, ti.random() * 0.4 + 0.2]
                v[i] = [0, -1]
                J[i] = 1

        self.substep, self.init = substep, init

    def reset(self, positions=None):
        """Random start like Taichi's mpm88, or the given (n, 2) float32 positions."""
        self.init()
        if positions is not None:
            self.x.from_numpy(np.asarray(positions, dtype=np.float32))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--particles", type=int, default=8192)
    ap.add_argument("--grid", type=int, default=128)
    ap.add_argument("--steps", type=int, default=2000, help="substeps in total")
    ap.add_argument("--frames", type=int, default=4,
                    help="PNG frames to write (a window shows one every 25 substeps)")
    ap.add_argument("--out", default=None,
                    help="folder for PNG frames (default: a window, or out/mpm88 without one)")
    ap.add_argument("--video", default=None, help="also write the frames as this mp4")
    ap.add_argument("--arch", choices=["cpu", "cuda", "vulkan", "gpu"], default="cpu",
                    help="where kernels run (an arch this machine lacks falls back to the CPU)")
    args = ap.parse_args()
    from frames import Frames  # examples/frames.py: window, PNG frames or video

    ti.init(arch=getattr(ti, args.arch))
    sim = MPM88(args.particles, args.grid)
    sim.reset()
    frames = Frames("mpm88", 512, args.out, "out/mpm88", args.video)

    per_frame = 25 if frames.windowed else max(1, args.steps // args.frames)
    elapsed, steps, frame = 0.0, 0, 0
    while frames.running and steps < args.steps:
        start = time.perf_counter()
        n = min(per_frame, args.steps - steps)
        for _ in range(n):
            sim.substep()
        ti.sync()
        elapsed += time.perf_counter() - start
        steps += n
        frames.gui.circles(sim.x.to_numpy(), radius=1.5, color=0x068587)
        frames.show(f"frame_{frame:03d}")
        frame += 1
    frames.finish()
    print(f"mpm88: {args.particles} particles, {args.grid}^2 grid, {steps} substeps: "
          f"{elapsed * 1e9 / (steps * args.particles):.1f} ns per particle-substep")


if __name__ == "__main__":
    main()
