"""3D MLS-MPM with quantized particles (the QuanTaichi paper's scheme), shown with ti.ui.

Four cubes -- elastic jelly, water, a stiffer rubber and plastic snow -- fall under gravity,
hit the floor and each other. The same kernels run on two particle layouts; only the field
declarations differ (`--f32` or `--quant`, `--compare` runs both from the same particles):

    field     float32 layout            quantized layout (QuanTaichi, Hu et al. 2021)
    x         3 x f32        12 bytes   3 x fixed(21, max_value=2)          one 64-bit word
    v         3 x f32        12 bytes   3 x float(exp=7, frac=19), one shared exponent:
                                                                  7 + 3*19 = 64 bits, one word
    F         3x3 f32        36 bytes   9 x fixed(16, max_value=2): 4 + 4 in two 64-bit words,
    material  i32             4 bytes   F[2,2] + a 16-bit material id + Jp as
    Jp        f32             4 bytes   float(exp=8, frac=24) (32 bits) in a third 64-bit word
    total                    68 bytes   40 bytes                       (1.7x less memory)

The grid stays float32. Physics (Taichi's mpm3d/mpm99 with the deformation gradient):
fixed-corotated elasticity tau = 2 mu (F - R) F^T + lambda J (J - 1) I, the rotation R from F's
polar decomposition (a few Newton iterations R <- (R + R^-T) / 2; no SVD). Water keeps only the
volume: F = cbrt(J) I after each update (mu = 0).

Snow is mpm99's snow with *volumetric* plasticity, since there is no SVD to clamp singular
values one by one: after each update the elastic volume change J = det(F) is clamped to
[1 - theta_c, 1 + theta_s] (theta_c = 2.5e-2, theta_s = 4.5e-3 as in mpm99), the excess goes into
the plastic volume ratio Jp <- Jp * J / J_clamped, and F is rescaled by cbrt(J_clamped / J) so
that det(F) = J_clamped (the isotropic scaling keeps F's rotation and shape). The Lame
parameters harden as in mpm99, h = exp(10 (1 - Jp)) clamped to [0.1, 5]: compacted snow
(Jp < 1) stiffens, stretched snow (Jp > 1) softens and crumbles. Shear stays elastic (without
singular values there is no shear yield surface), so snow compacts and stays compacted but
does not flow sideways like mpm99's: the cube lands, its bottom compacts (Jp down to ~0.8,
median ~0.96 in the default run) and it keeps its shape and rebounds a little, like a stiff
elastic-plastic block. Every particle carries Jp (1 for the other materials).
Jp lives between ~0.5 and ~2 for snow but is a product of many factors: float(8, 24) (signed,
23 magnitude bits: relative step 1.2e-7, the same as f32) keeps it without drift.

**The affine velocity field C is not stored.** G2P computes C as a local, uses it to update
F <- (I + dt C) F, and forgets it; P2G's affine term is only the stress term (PIC momentum
transfer plus the elastic force), not APIC's p_mass * C. That saves 36 bytes per particle in
both layouts (the paper does the same) at the price of PIC's numerical damping of rotation.

Value ranges: positions live in [0, 1] (the walls keep them at least 3 cells inside), well in
fixed(21, max_value=2)'s [-2, 2) with a step of 2^-19 ~ 1.9e-6 (a particle at 1 m/s moves ~50
steps per substep at the default grid). F entries stay within (-2, 2): rotations give |F_ij| <= 1
and the jelly's stretch stays below ~1.5 (water's cbrt(J) is near 1); `--check` prints F's
largest entry and fails if any entry came within 5% of the bound. Velocities: float(7, 19)'s
exponent covers 2^-62..2^64, the 18 magnitude bits give the largest component a relative step
of 2^-18.

    .venv/bin/python examples/mpm3d_quant.py            # quantized: a window, or out/mpm3d/*.png
    .venv/bin/python examples/mpm3d_quant.py --compare  # f32 and quant side by side
"""
import argparse
import time

import numpy as np

import qtaichi as ti

JELLY, WATER, RUBBER, SNOW = 0, 1, 2, 3
MATERIAL_COLORS = np.array([[237, 85, 59], [6, 133, 235], [250, 190, 60], [238, 238, 240]],
                           dtype=np.float32)
THETA_C, THETA_S = 2.5e-2, 4.5e-3  # snow's elastic volume change stays in [1 - c, 1 + s]


def declare_particles(n, quant):
    """The particle fields of one layout: (x, v, F, material, Jp). The only layout-specific
    code."""
    if not quant:
        x = ti.Vector.field(3, ti.f32, n)
        v = ti.Vector.field(3, ti.f32, n)
        F = ti.Matrix.field(3, 3, ti.f32, n)
        material = ti.field(ti.i32, n)
        Jp = ti.field(ti.f32, n)
        return x, v, F, material, Jp
    qx = ti.types.quant.fixed(21, max_value=2.0)
    qv = ti.types.quant.float(exp=7, frac=19)
    qF = ti.types.quant.fixed(16, max_value=2.0)
    qm = ti.types.quant.int(16, signed=False)
    qJp = ti.types.quant.float(exp=8, frac=24)
    x = ti.Vector.field(3, dtype=qx)
    v = ti.Vector.field(3, dtype=qv)
    F = ti.Matrix.field(3, 3, dtype=qF)
    material = ti.field(qm)
    Jp = ti.field(qJp)
    Fs = [F.get_scalar_field(i, j) for i in range(3) for j in range(3)]
    bx = ti.BitpackedFields(max_num_bits=64).place(x)                         # 63 bits
    bv = ti.BitpackedFields(max_num_bits=64).place(v, shared_exponent=True)   # 64 bits
    bf0 = ti.BitpackedFields(max_num_bits=64).place(*Fs[0:4])                 # 64 bits
    bf1 = ti.BitpackedFields(max_num_bits=64).place(*Fs[4:8])                 # 64 bits
    bf2 = ti.BitpackedFields(max_num_bits=64).place(Fs[8], material, Jp)      # 64 bits
    ti.root.dense(ti.i, n).place(bx, bv, bf0, bf1, bf2)
    return x, v, F, material, Jp


class MPM3D:
    @property
    def bytes_per_particle(self):
        """Allocated bytes per particle (padding included)."""
        return ti.bytes_per_cell(*self.particle_fields)

    def __init__(self, n_particles=16384, n_grid=32, quant=True, dt=None):
        self.n_particles, self.n_grid, self.quant = n_particles, n_grid, quant
        dx = 1 / n_grid
        inv_dx = float(n_grid)
        # The wave speed sqrt((lambda + 2 mu) / rho) ~ 33 at E = 1000: c dt / dx ~ 0.32.
        dt = 3e-4 * 32 / n_grid if dt is None else dt
        self.dt = dt
        self.floor = 3 / n_grid  # the walls act `bound` cells inside the box
        p_vol = (dx * 0.5) ** 3
        p_rho = 1.0
        p_mass = p_vol * p_rho
        gravity = 9.8
        bound = 3
        E, nu = 1000.0, 0.2
        mu_0 = E / (2 * (1 + nu))
        lambda_0 = E * nu / ((1 + nu) * (1 - 2 * nu))

        x, v, F, material, Jp = declare_particles(n_particles, quant)
        grid_v = ti.Vector.field(3, ti.f32, (n_grid, n_grid, n_grid))
        grid_m = ti.field(ti.f32, (n_grid, n_grid, n_grid))
        self.x, self.v, self.F, self.material, self.Jp = x, v, F, material, Jp
        self.particle_fields = [x, v, F, material, Jp]

        @ti.func
        def kirchhoff_stress(Fp, mat, jp):
            # Polar decomposition F = R S by Newton's iteration R <- (R + R^-T) / 2 (F is
            # close to a rotation: a few iterations reach f32 precision).
            R = Fp
            for _ in ti.static(range(4)):
                R = 0.5 * (R + R.inverse().transpose())
            J = Fp.determinant()
            h = 0.3  # jelly: softer
            if mat == RUBBER:
                h = 1.0
            if mat == SNOW:  # hardening (mpm99): compacted snow is stiffer
                h = ti.max(0.1, ti.min(5.0, ti.exp(10 * (1.0 - jp))))
            mu, la = mu_0 * h, lambda_0 * h
            if mat == WATER:
                mu = 0.0
            return 2 * mu * (Fp - R) @ Fp.transpose() + ti.Matrix.identity(ti.f32, 3) * la * J * (J - 1)

        @ti.kernel
        def substep():
            for i, j, k in grid_m:
                grid_v[i, j, k] = [0, 0, 0]
                grid_m[i, j, k] = 0
            for p in range(n_particles):  # P2G
                Xp = x[p] * inv_dx
                base = int(Xp - 0.5)
                fx = Xp - base
                w = [0.5 * (1.5 - fx) ** 2, 0.75 - (fx - 1) ** 2, 0.5 * (fx - 0.5) ** 2]
                stress = (-dt * p_vol * 4 * inv_dx * inv_dx) * kirchhoff_stress(
                    F[p], material[p], Jp[p])
                mv = p_mass * v[p]
                for i, j, k in ti.static(ti.ndrange(3, 3, 3)):
                    offset = ti.Vector([i, j, k])
                    dpos = (offset - fx) * dx
                    weight = w[i].x * w[j].y * w[k].z
                    grid_v[base + offset] += weight * (mv + stress @ dpos)
                    grid_m[base + offset] += weight * p_mass
            for i, j, k in grid_m:
                if grid_m[i, j, k] > 0:
                    grid_v[i, j, k] /= grid_m[i, j, k]
                grid_v[i, j, k].y -= dt * gravity
                if i < bound and grid_v[i, j, k].x < 0:
                    grid_v[i, j, k].x = 0
                if i > n_grid - bound and grid_v[i, j, k].x > 0:
                    grid_v[i, j, k].x = 0
                if j < bound and grid_v[i, j, k].y < 0:
                    grid_v[i, j, k].y = 0
                if j > n_grid - bound and grid_v[i, j, k].y > 0:
                    grid_v[i, j, k].y = 0
                if k < bound and grid_v[i, j, k].z < 0:
                    grid_v[i, j, k].z = 0
                if k > n_grid - bound and grid_v[i, j, k].z > 0:
                    grid_v[i, j, k].z = 0
            for p in range(n_particles):  # G2P
                Xp = x[p] * inv_dx
                base = int(Xp - 0.5)
                fx = Xp - base
                w = [0.5 * (1.5 - fx) ** 2, 0.75 - (fx - 1.0) ** 2, 0.5 * (fx - 0.5) ** 2]
                new_v = ti.Vector.zero(ti.f32, 3)
                new_C = ti.Matrix.zero(ti.f32, 3, 3)
                for i, j, k in ti.static(ti.ndrange(3, 3, 3)):
                    offset = ti.Vector([i, j, k])
                    dpos = (offset - fx) * dx
                    weight = w[i].x * w[j].y * w[k].z
                    g_v = grid_v[base + offset]
                    new_v += weight * g_v
                    new_C += (4 * inv_dx * inv_dx * weight) * g_v.outer_product(dpos)
                v[p] = new_v
                x[p] += dt * new_v
                new_F = (ti.Matrix.identity(ti.f32, 3) + dt * new_C) @ F[p]
                mat = material[p]
                new_Jp = Jp[p]
                if mat == WATER:  # a fluid keeps only its volume change
                    J = new_F.determinant()
                    new_F = ti.Matrix.identity(ti.f32, 3) * ti.exp(ti.log(J) / 3)
                elif mat == SNOW:  # volumetric plasticity: the excess volume change goes to Jp
                    J = new_F.determinant()
                    Jc = ti.min(ti.max(J, 1 - THETA_C), 1 + THETA_S)
                    if Jc != J:
                        new_Jp *= J / Jc
                        new_F *= ti.exp(ti.log(Jc / J) / 3)
                # F[2, 2] and Jp share a word in the quantized layout: stored unconditionally
                # next to each other in one block, the two stores fuse into one masked store
                F[p] = new_F
                Jp[p] = new_Jp

        @ti.kernel
        def init(pos: ti.types.ndarray(), mat: ti.types.ndarray()):
            for p in range(n_particles):
                x[p] = [pos[p, 0], pos[p, 1], pos[p, 2]]
                v[p] = [0, -1, 0]
                F[p] = ti.Matrix.identity(ti.f32, 3)
                material[p] = mat[p]
                Jp[p] = 1

        @ti.kernel
        def max_abs_F() -> ti.f32:
            m = 0.0
            for p in range(n_particles):
                for i, j in ti.static(ti.ndrange(3, 3)):
                    ti.atomic_max(m, ti.abs(F[p][i, j]))
            return m

        self.substep, self._init, self.max_abs_F = substep, init, max_abs_F

    def reset(self, positions, materials):
        self._init(np.ascontiguousarray(positions, dtype=np.float32),
                   np.ascontiguousarray(materials, dtype=np.int32))


def initial_particles(n, seed=0):
    """Four cubes: jelly (left, low), water (right back, high: it splashes), rubber (above the
    jelly: it lands on it) and snow (right front, high: it compacts on the floor)."""
    rng = np.random.default_rng(seed)
    cubes = [((0.12, 0.12, 0.15), 0.30, JELLY),
             ((0.55, 0.40, 0.50), 0.30, WATER),
             ((0.17, 0.55, 0.20), 0.20, RUBBER),
             ((0.58, 0.45, 0.12), 0.25, SNOW)]
    vols = np.array([s ** 3 for _, s, _ in cubes])
    counts = np.floor(n * vols / vols.sum()).astype(int)
    counts[0] += n - counts.sum()
    pos, mat = [], []
    for (lo, size, m), c in zip(cubes, counts):
        pos.append(np.asarray(lo) + rng.random((c, 3)) * size)
        mat.append(np.full(c, m))
    return np.concatenate(pos).astype(np.float32), np.concatenate(mat).astype(np.int32)


def draw(window, x, material, floor, label=""):
    """The particles as lit spheres coloured by material over a grey floor (ti.ui's 3D
    scene), seen from a raised camera turned 35 degrees; `label` in a corner panel."""
    scene = window.get_scene()
    cam = ti.ui.Camera()
    yaw, pitch, dist = np.radians(35), np.radians(22), 1.9
    look = np.array([0.5, 0.25, 0.5])
    eye = look + dist * np.array([np.sin(yaw) * np.cos(pitch), np.sin(pitch),
                                  np.cos(yaw) * np.cos(pitch)])
    cam.position(*eye)
    cam.lookat(*look)
    cam.fov(40)
    scene.set_camera(cam)
    scene.ambient_light((0.35, 0.35, 0.35))
    scene.point_light(pos=(1.5, 2.5, 2.0), color=(0.8, 0.8, 0.8))
    corners = np.array([[0, floor, 0], [1, floor, 0], [1, floor, 1], [0, floor, 1]], np.float32)
    scene.mesh(corners, indices=np.array([0, 2, 1, 0, 3, 2], np.int32), color=(0.3, 0.32, 0.36),
               two_sided=True)
    colors = MATERIAL_COLORS[np.clip(material, 0, 3)].astype(np.float32) / 255
    scene.particles(x, radius=0.006, per_vertex_color=colors)
    canvas = window.get_canvas()
    canvas.set_background_color((0.07, 0.09, 0.14))
    canvas.scene(scene)
    if label:
        with window.get_gui().sub_window("mpm3d", 0.02, 0.02, 0.45, 0.08) as g:
            g.text(label)


def run(sim, positions, materials, steps, frames=0, sink=None, label="", warmup=3):
    """Resets from `positions`, runs `steps` substeps (after `warmup` untimed ones, reset
    again); shows `frames` frames through `sink` (examples/frames.py; a window shows one every
    10 substeps until it is closed). Returns (seconds, final positions)."""
    sim.reset(positions, materials)
    for _ in range(warmup):
        sim.substep()
    sim.reset(positions, materials)
    ti.sync()
    windowed = sink is not None and sink.windowed
    per_frame = 10 if windowed else max(1, steps // max(frames, 1))
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
            draw(sink.window, sim.x.to_numpy(), materials, sim.floor,
                 f"{'quantized' if sim.quant else 'float32'}: "
                 f"{sim.bytes_per_particle:.0f} bytes/particle")
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
                      help="float32 particles")
    mode.add_argument("--compare", dest="layout", action="store_const", const="both",
                      help="run f32 and quant from the same particles, print both")
    ap.set_defaults(layout="quant")
    ap.add_argument("--particles", type=int, default=16384)
    ap.add_argument("--grid", type=int, default=32)
    ap.add_argument("--steps", type=int, default=1500, help="substeps in total")
    ap.add_argument("--frames", type=int, default=6, help="PNG frames to write (per layout)")
    ap.add_argument("--out", default=None, help="folder for PNG frames (default: a window, "
                    "or out/mpm3d without one)")
    ap.add_argument("--video", default=None, help="also write the frames as this mp4")
    ap.add_argument("--check", action="store_true",
                    help="fail if F came near its fixed-point bound or a position is not finite")
    ap.add_argument("--arch", choices=["cpu", "cuda", "vulkan", "gpu"], default="cpu",
                    help="where kernels run (an arch this machine lacks falls back to the CPU)")
    args = ap.parse_args()
    from frames import Frames  # examples/frames.py: window, PNG frames or video

    ti.init(arch=getattr(ti, args.arch))
    pos, mat = initial_particles(args.particles)
    sink = Frames("mpm3d (quantized)", (512, 512), args.out, "out/mpm3d", args.video, ggui=True)
    layouts = ["f32", "quant"] if args.layout == "both" else [args.layout]
    results = {}
    for layout in layouts:
        sim = MPM3D(args.particles, args.grid, quant=(layout == "quant"))
        label = f"{layout}_" if args.layout == "both" else ""
        secs, steps, x = run(sim, pos, mat, args.steps, args.frames, sink, label)
        fmax = sim.max_abs_F()
        results[layout] = (sim.bytes_per_particle, secs, x, fmax)
        print(f"{layout:>5}: {sim.bytes_per_particle:.0f} bytes/particle, "
              f"{steps / secs:7.1f} substeps/s, "
              f"{secs * 1e9 / (steps * args.particles):6.1f} ns per particle-substep, "
              f"max |F_ij| {fmax:.3f}, mean x ({', '.join(f'{c:.4f}' for c in x.mean(axis=0))})")
        if args.check:
            assert np.isfinite(x).all(), "a position is not finite"
            assert fmax < 0.95 * 2.0, f"F came near the fixed(16, max_value=2) bound: {fmax}"
    sink.finish()
    print(f"dt {sim.dt:.2e}, {args.particles} particles, {args.grid}^3 grid, "
          f"{args.steps} substeps per layout")
    if len(results) == 2:
        bf, tf, xf, _ = results["f32"]
        bq, tq, xq, _ = results["quant"]
        drift = np.abs(xq.astype(np.float64).mean(0) - xf.astype(np.float64).mean(0)).max()
        print(f"quant vs f32: {bf / bq:.2f}x less particle memory ({bf:.0f} -> {bq:.0f} bytes), "
              f"time {tq / tf:.2f}x of f32; mean positions differ by {drift:.2e}")


if __name__ == "__main__":
    main()
