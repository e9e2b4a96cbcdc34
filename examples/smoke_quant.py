"""3D Eulerian smoke on a quantized grid (the QuanTaichi paper's smoke, Hu et al. 2021), with
a ray-marched volume rendering.

A hot, dense blob near the floor of a closed box keeps emitting smoke and pushing it upward;
buoyancy lifts the smoke (an upward force proportional to the density: there is no separate
temperature field, the smoke is as hot as it is dense), vorticity confinement keeps its eddies
alive, and the plume rises, curls into a mushroom cap and spreads under the lid. The same
kernels run on two grid layouts; only the field declarations differ (`--f32` or `--quant`,
`--compare` runs both from the same state):

    field             float32 layout      quantized layout
    vel (u, v, w)     3 x f32   12 bytes  3 x float(exp=5, frac=11), 16 bits each:     48 bits
    rho (density)     f32        4 bytes  fixed(16, signed=False, scale=1/65535):      + 16 bits
                                          together one 64-bit word                       8 bytes
    vel2, rho2        16 bytes            another 64-bit word                            8 bytes
      (the second buffer: the advection's target, and between steps the curl and the
       confinement force)
    phi (pressure)    f32        4 bytes  f32                                            4 bytes
    b (divergence)    f32        4 bytes  f32 (also |curl|, and the light for rendering) 4 bytes
    multigrid levels  phi and b, f32: 8 bytes per coarse cell: 8 x (1/8 + 1/64 + ...) = 1.14
    total (64^3)      41.14 bytes/voxel   25.14 bytes/voxel                (1.64x less memory)

The totals are measured from the declarations (`Smoke.bytes_per_voxel`: the bytes of every grid
field allocated, padding included, over the number of voxels), not written in. The pressure
solve stays f32: its residual falls by 4-5 orders of magnitude, far below 11-bit digits.

Why the quantized ranges are safe:
- Velocity: each component is a 16-bit float of its own (sign, 5-bit exponent, 10 stored
  digits after the implicit 1: a relative step of 2^-11..2^-10, like IEEE half precision).
  The exponent spans about 6e-5 .. 6e4 box sizes per second; the plume moves at about 1.5
  (the inflow is 0.7, buoyancy does the rest; `--verbose` prints max |vel|): nothing comes near
  saturating, so velocity needs no clamp. Wall faces hold exact zeros. After the projection
  the quantized velocity's divergence is its rounding. Why not three components with one
  shared exponent (6 + 3 x 14 bits, two more digits for the largest component): it measured
  1.97x the f32 time per step on the CPU against 1.27x for this layout (at 48^3), because a
  shared-exponent component is stored unnormalized and its decode needs a count of leading
  zeros, eight times per trilinear sample; the accuracy of the smoke (total density, kinetic
  energy) is the same either way.
- Density: trilinear interpolation is a convex combination of the cell values, so advected
  density stays in [0, 1] (the source writes at most 1): fixed(16) with scale 1/65535 stores
  [0, 1] in steps of 1.5e-5, 1.0 exactly. The advection clamps to [0, 1] before storing, in
  both layouts, because an unsigned fixed-point store above its range wraps around: 1.00001
  would read back as 0 (an f32 rounding just above 1.0 must not turn a dense voxel empty).
- The curl and the confinement force pass through the second buffer in the same 16-bit float
  format, with the same relative precision.

Scheme: a MAC grid in the box [0, 1]^3 of n^3 cells, dx = h = 1/n. Cell (i, j, k) stores the
density at its centre and the velocity on its three lower faces (u at x = i h, v at y = j h,
w at z = k h); faces on the box walls are zero (solid walls: zero normal velocity; the upper
walls' faces are not stored). A step, from the divergence-free state in buffer A:
1. semi-Lagrangian advection of velocity and density into buffer B (RK2 midpoint backtrace,
   trilinear samples, each velocity component at its own faces);
2. vorticity confinement: the curl of B's velocity (into A, now free; |curl| into b), then
   f = eps h (N x omega), N = grad|omega| / |grad|omega||, averaged onto B's faces;
   buoyancy f_y = alpha rho on B's v faces; the source sets the blob's density and velocity;
3. pressure projection of B: D = the net outflow of each cell's faces (h times the
   divergence), solve sum_nb (phi_nb - phi) = D (neighbours inside the box: the walls are
   Neumann boundaries) with multigrid V-cycles (red-black Gauss-Seidel, 2 sweeps before and
   after; residual restriction: half the sum of the 8 children; trilinear prolongation;
   Gauss-Seidel on the coarsest level of 4^3 or 6^3), warm-started from the last step, then
   subtract phi's differences from the faces: the new divergence is the solver's residual,
   7-10x smaller per V-cycle (`--vcycles`, 4 by default). `--verbose` prints max |div|
   before and after;
4. the buffers swap (kernels take the buffers as template arguments).

Rendering: front-to-back ray marching through the density (one sample per cell length,
absorption and emission, stopping once the ray is opaque) from a camera in front of the box,
lit from above: the light reaching each voxel is marched down each column first.

    .venv/bin/python examples/smoke_quant.py --out out/smoke     # quantized, PNG frames
    .venv/bin/python examples/smoke_quant.py --compare           # f32 and quant side by side
    .venv/bin/python examples/smoke_quant.py                     # a ti.GUI window
"""
import argparse
import time

import numpy as np

import qtaichi as ti

SOURCE_CENTER, SOURCE_RADIUS = (0.5, 0.12, 0.5), 0.08  # box units
INFLOW = 0.7  # upward velocity inside the source blob (box sizes per second)
SIGMA = 30.0  # extinction per unit density per box length (renderer and light)


def camera(aspect, tan_half=0.42):
    """Eye position and the forward, right and up vectors (right and up scaled to the image's
    half extent at unit distance: tan_half ~ 45 degrees vertically), looking at the box."""
    eye = np.array([0.5, 0.62, -1.25])
    fwd = np.array([0.5, 0.45, 0.5]) - eye
    fwd /= np.linalg.norm(fwd)
    right = np.cross(fwd, [0.0, 1.0, 0.0])  # the box's -x (we look along +z)
    right /= np.linalg.norm(right)
    up = np.cross(right, fwd)
    return eye, fwd, right * tan_half * aspect, up * tan_half


def declare_state(n, quant):
    """One simulation buffer: (vel, rho) on n^3 cells. The only layout-specific code."""
    if not quant:
        vel = ti.Vector.field(3, ti.f32, shape=(n, n, n))
        rho = ti.field(ti.f32, shape=(n, n, n))
        return vel, rho
    qvel = ti.types.quant.float(exp=5, frac=11)
    qrho = ti.types.quant.fixed(16, signed=False, scale=1 / 65535)
    vel = ti.Vector.field(3, dtype=qvel)
    rho = ti.field(qrho)
    bp = ti.BitpackedFields(max_num_bits=64)
    bp.place(vel)  # 3 x 16 = 48 bits
    bp.place(rho)  # + 16 = 64 bits
    ti.root.dense(ti.ijk, (n, n, n)).place(bp)
    return vel, rho


def multigrid_sizes(n):
    """Cells per side of each level: halve while the coarse level stays even (red-black
    sweeps pair cells along z) and has at least 4 cells per side."""
    sizes = [n]
    while sizes[-1] % 4 == 0 and sizes[-1] // 2 >= 4:
        sizes.append(sizes[-1] // 2)
    return sizes


class Smoke:
    """The simulation and renderer on one layout: `step()`, `render()` (-> the image field),
    `reset()`, `bytes_per_voxel`; `state` is the current (vel, rho)."""

    def __init__(self, n=64, quant=True, dt=0.02, buoyancy=2.0, vorticity=5.0, vcycles=4,
                 img_res=(512, 512)):
        self.sizes = multigrid_sizes(n)
        assert n >= 8 and self.sizes[-1] <= 8, \
            "--res must halve down to 4 or 6 cells per side: 16, 24, 32, 48, 64, 96, 128, ..."
        self.n, self.quant, self.dt, self.vcycles = n, quant, dt, vcycles
        self.buffers = [declare_state(n, quant), declare_state(n, quant)]
        self.phi = [ti.field(ti.f32, shape=(m, m, m)) for m in self.sizes]
        self.b = [ti.field(ti.f32, shape=(m, m, m)) for m in self.sizes]
        self.img = ti.Vector.field(3, ti.f32, shape=img_res)
        self.t = 0.0
        self.emit = 1.0  # 0 turns the source off
        self._build(n, dt, buoyancy, vorticity, img_res)

    @property
    def bytes_per_voxel(self):
        """Bytes of every grid field allocated (padding included), per voxel of the n^3 grid."""
        total = 0
        for vel, rho in self.buffers:
            total += ti.bytes_per_cell(vel, rho) * self.n ** 3
        for phi, b in zip(self.phi, self.b):
            total += (ti.bytes_per_cell(phi) + ti.bytes_per_cell(b)) * phi.shape[0] ** 3
        return total / self.n ** 3

    @property
    def state(self):
        return self.buffers[0]

    def _build(self, n, dt, alpha, eps, img_res):
        h = 1.0 / n
        k_cells = dt * n  # a velocity times k_cells is a displacement in cells
        cx, cy, cz = SOURCE_CENTER
        b0 = self.b[0]  # scratch: divergence, |curl|, light
        phi0 = self.phi[0]
        img = self.img

        # ---- sampling (positions X in cell units: cell i spans [i, i + 1]) ----
        @ti.func
        def weight(f, o: ti.template()):
            # trilinear weight of corner o (0/1 per axis) at fraction f
            w = 1.0
            for a in ti.static(range(3)):
                w *= o[a] * f[a] + (1 - o[a]) * (1 - f[a])
            return w

        @ti.func
        def face(vel: ti.template(), c: ti.template(), I):
            # component c on the lower face of cell I; the face at I[c] == n is the far wall
            return vel[ti.min(I, n - 1)][c] * (I[c] < n)

        @ti.func
        def sample_face(vel: ti.template(), c: ti.template(), X):
            # trilinear over the faces of component c, which sit at X = I + 0.5 - 0.5 e_c
            off = ti.Vector([0.5, 0.5, 0.5]) - 0.5 * ti.Vector.unit(3, c, ti.f32)
            hi = ti.Vector([n - 1, n - 1, n - 1]) + ti.Vector.unit(3, c, ti.i32)
            p = ti.min(ti.max(X - off, 0.0), ti.cast(hi, ti.f32))
            base = ti.min(ti.cast(ti.floor(p), ti.i32), hi - 1)
            f = p - base
            s = 0.0
            for o in ti.static(ti.grouped(ti.ndrange(2, 2, 2))):
                s += weight(f, o) * face(vel, c, base + o)
            return s

        @ti.func
        def velocity_at(vel: ti.template(), X):
            return ti.Vector([sample_face(vel, 0, X), sample_face(vel, 1, X),
                              sample_face(vel, 2, X)])

        @ti.func
        def sample_center(q: ti.template(), X):
            # trilinear over cell centres (X = I + 0.5), constant beyond the outer centres
            p = ti.min(ti.max(X - 0.5, 0.0), n - 1.0)
            base = ti.min(ti.cast(ti.floor(p), ti.i32), n - 2)
            f = p - base
            s = 0.0
            for o in ti.static(ti.grouped(ti.ndrange(2, 2, 2))):
                s += weight(f, o) * q[base + o]
            return s

        @ti.func
        def center_velocity(vel: ti.template(), I):
            J = ti.min(ti.max(I, 0), n - 1)  # outside the box: the nearest cell's
            return ti.Vector([0.5 * (face(vel, c, J) + face(vel, c, J + ti.Vector.unit(3, c)))
                              for c in ti.static(range(3))])

        @ti.func
        def velocity_at_face(vel: ti.template(), c: ti.template(), I):
            # the velocity on face c of cell I (I[c] > 0): its own component, and the others
            # averaged from their 4 faces around it (9 reads instead of a general sample's 24)
            u = ti.Vector([0.0, 0.0, 0.0])
            for c2 in ti.static(range(3)):
                if ti.static(c2 == c):
                    u[c2] = face(vel, c, I)
                else:
                    e, e2 = ti.Vector.unit(3, c), ti.Vector.unit(3, c2)
                    u[c2] = 0.25 * (face(vel, c2, I) + face(vel, c2, I - e) +
                                    face(vel, c2, I + e2) + face(vel, c2, I - e + e2))
            return u

        @ti.func
        def backtrace(vel: ti.template(), X, u):
            # RK2 (midpoint): where the fluid now at X (velocity u there) was one step ago
            mid = X - 0.5 * k_cells * u
            return X - k_cells * velocity_at(vel, mid)

        @ti.kernel
        def advect(vel: ti.template(), rho: ti.template(), vel_out: ti.template(),
                   rho_out: ti.template()):
            for I in ti.grouped(rho_out):
                new_v = ti.Vector([0.0, 0.0, 0.0])
                for c in ti.static(range(3)):
                    if I[c] > 0:  # wall faces stay zero
                        X = I + 0.5 - 0.5 * ti.Vector.unit(3, c, ti.f32)
                        new_v[c] = sample_face(vel, c, backtrace(vel, X, velocity_at_face(
                            vel, c, I)))
                Xc = I + 0.5
                r = sample_center(rho, backtrace(vel, Xc, center_velocity(vel, I)))
                vel_out[I] = new_v
                rho_out[I] = ti.min(ti.max(r, 0.0), 1.0)  # unsigned fixed point wraps above 1

        # ---- forces ----
        @ti.func
        def derivative(vel: ti.template(), I, a: ti.template()):
            # d(cell-centred velocity) / d x_a at cell I: central, one-sided at the walls
            e = ti.Vector.unit(3, a)
            lo, hi = ti.max(I - e, 0), ti.min(I + e, n - 1)
            return (center_velocity(vel, hi) - center_velocity(vel, lo)) * (n / (hi[a] - lo[a]))

        @ti.kernel
        def curl(vel: ti.template(), omega: ti.template()):
            # omega = curl of the cell-centred velocity (central differences; one-sided at the
            # walls) -> the free buffer; |omega| -> scratch
            for I in ti.grouped(b0):
                d = [derivative(vel, I, a) for a in ti.static(range(3))]  # d u_c / d x_a
                w = ti.Vector([d[1][2] - d[2][1], d[2][0] - d[0][2], d[0][1] - d[1][0]])
                omega[I] = w
                b0[I] = w.norm()

        @ti.kernel
        def confinement(omega: ti.template()):
            # f = eps h (N x omega), N the unit gradient of |omega|: pushes fluid around the
            # vortex cores that numerical diffusion would smear out. Overwrites omega with f.
            for I in ti.grouped(b0):
                g = ti.Vector([b0[ti.min(I + ti.Vector.unit(3, a), n - 1)] -
                               b0[ti.max(I - ti.Vector.unit(3, a), 0)]
                               for a in ti.static(range(3))])
                N = g / (g.norm() + 1e-6)
                omega[I] = eps * h * N.cross(omega[I])

        @ti.func
        def source_density(I):
            # 1 inside the blob, a smooth edge one cell wide
            r = ((I + 0.5) * h - ti.Vector([cx, cy, cz])).norm()
            return ti.min(ti.max((SOURCE_RADIUS - r) * n + 0.5, 0.0), 1.0)

        @ti.kernel
        def add_forces(vel: ti.template(), rho: ti.template(), force: ti.template(),
                       t: ti.f32, emit: ti.f32):
            for I in ti.grouped(rho):
                v = vel[I]
                # the source: dense smoke pushed up, wobbling a little sideways. Its density
                # counts for the buoyancy of this step, also where a neighbour reads it: that
                # takes max(rho, source) there too, so no thread sees another's write half done
                s = emit * source_density(I)
                wobble = ti.Vector([0.15 * ti.sin(7.0 * t), INFLOW, 0.15 * ti.cos(5.0 * t)])
                for c in ti.static(range(3)):
                    if I[c] > 0:  # wall faces stay zero
                        J = I - ti.Vector.unit(3, c)
                        a = 0.0
                        if ti.static(eps > 0):  # confinement force, averaged onto the face
                            a += 0.5 * (force[I][c] + force[J][c])
                        if ti.static(c == 1):  # buoyancy: the light, hot smoke rises
                            a += alpha * 0.5 * (ti.max(rho[I], s) +
                                                ti.max(rho[J], emit * source_density(J)))
                        v[c] += dt * a
                        v[c] += s * (wobble[c] - v[c])
                if s > 0:
                    rho[I] = ti.max(rho[I], s)
                vel[I] = v

        # ---- projection ----
        @ti.func
        def outflow(vel: ti.template(), I):
            # net outflow of cell I's faces (velocity units): h times the divergence
            D = 0.0
            for c in ti.static(range(3)):
                D += face(vel, c, I + ti.Vector.unit(3, c)) - face(vel, c, I)
            return D

        @ti.kernel
        def divergence(vel: ti.template()):
            for I in ti.grouped(b0):
                b0[I] = outflow(vel, I)

        @ti.kernel
        def max_abs_div(vel: ti.template()) -> ti.f32:
            m = 0.0
            for I in ti.grouped(b0):
                ti.atomic_max(m, ti.abs(outflow(vel, I)) * n)  # in 1/s
            return m

        @ti.func
        def neighbours(phi: ti.template(), I):
            # (sum of the in-box neighbours' phi, their count): walls are Neumann boundaries
            s, cnt = 0.0, 0
            for a in ti.static(range(3)):
                e = ti.Vector.unit(3, a)
                if I[a] > 0:
                    s += phi[I - e]
                    cnt += 1
                if I[a] < phi.shape[0] - 1:
                    s += phi[I + e]
                    cnt += 1
            return s, cnt

        @ti.kernel
        def smooth(phi: ti.template(), b: ti.template(), color: ti.i32):
            # one red-black Gauss-Seidel half sweep over the cells with (i + j + k) % 2 == color
            # phi.shape written out: `m = phi.shape[0]` (even with ti.static) would be a
            # run-time bound, and a GPU would launch its largest grid
            for i, j, kh in ti.ndrange(phi.shape[0], phi.shape[0], phi.shape[0] // 2):
                I = ti.Vector([i, j, 2 * kh + (i + j + color) % 2])
                s, cnt = neighbours(phi, I)
                phi[I] = (s - b[I]) / cnt

        @ti.kernel
        def restrict(phi: ti.template(), b: ti.template(), phi_c: ti.template(),
                     b_c: ti.template()):
            # the coarse right-hand side: half the sum of the 8 children's residuals (the
            # coarse operator is 4x the fine one per unit of phi); coarse phi starts at 0
            for I in ti.grouped(b_c):
                r = 0.0
                for o in ti.static(ti.grouped(ti.ndrange(2, 2, 2))):
                    F = 2 * I + o
                    s, cnt = neighbours(phi, F)
                    r += b[F] - (s - cnt * phi[F])
                b_c[I] = 0.5 * r
                phi_c[I] = 0.0

        @ti.kernel
        def prolong(phi_c: ti.template(), phi: ti.template()):
            # phi += trilinear interpolation of the coarse correction (3/4, 1/4 per axis;
            # clamped at the walls)
            for I in ti.grouped(phi):
                C = I // 2
                S = ti.min(ti.max(C + (I % 2) * 2 - 1, 0), phi_c.shape[0] - 1)
                e = 0.0
                for o in ti.static(ti.grouped(ti.ndrange(2, 2, 2))):
                    e += weight(ti.Vector([0.25, 0.25, 0.25]), o) * phi_c[C + o * (S - C)]
                phi[I] += e

        @ti.kernel
        def subtract_gradient(vel: ti.template()):
            for I in ti.grouped(phi0):
                v = vel[I]
                for c in ti.static(range(3)):
                    if I[c] > 0:
                        v[c] -= phi0[I] - phi0[I - ti.Vector.unit(3, c)]
                vel[I] = v

        # ---- rendering ----
        @ti.kernel
        def light(rho: ti.template()):
            # light from above: the transmittance reaching each cell centre -> scratch
            for i, k in ti.ndrange(n, n):
                T = 1.0
                for jj in range(n):
                    j = n - 1 - jj
                    a = ti.exp(-SIGMA * rho[i, j, k] * h * 0.5)
                    b0[i, j, k] = T * a
                    T *= a * a

        W, H = img_res
        eye, fwd, right, up = (ti.Vector(list(a)) for a in camera(W / H))
        bg_lo, bg_hi = ti.Vector([0.015, 0.02, 0.03]), ti.Vector([0.06, 0.07, 0.10])
        smoke, sky = ti.Vector([0.93, 0.93, 0.95]), ti.Vector([0.16, 0.17, 0.20])

        @ti.kernel
        def render(rho: ti.template()):
            for x, y in img:
                u, v = (x + 0.5) / W * 2 - 1, (y + 0.5) / H * 2 - 1
                d = (fwd + u * right + v * up).normalized()
                # the ray's interval inside the box [0, 1]^3 (slabs)
                inv = 1.0 / d
                t0 = ti.min(-eye * inv, (1.0 - eye) * inv)
                t1 = ti.max(-eye * inv, (1.0 - eye) * inv)
                tn = ti.max(ti.max(t0[0], t0[1]), ti.max(t0[2], 0.0))
                tf = ti.min(ti.min(t1[0], t1[1]), t1[2])
                col = ti.Vector([0.0, 0.0, 0.0])
                T = 1.0
                steps = ti.cast(ti.max(tf - tn, 0.0) * n, ti.i32)  # one cell per step
                for s in range(steps):
                    if T < 0.005:  # opaque: nothing behind shows
                        break
                    X = (eye + (tn + (s + 0.5) * h) * d) * n
                    r = sample_center(rho, X)
                    if r > 1e-4:
                        alpha_s = 1 - ti.exp(-SIGMA * r * h)
                        col += T * alpha_s * (sky + smoke * sample_center(b0, X))
                        T *= 1 - alpha_s
                bg = bg_lo + (bg_hi - bg_lo) * (y / H)
                img[x, y] = ti.min(col + T * bg, 1.0)

        @ti.kernel
        def clear(vel: ti.template(), rho: ti.template()):
            for I in ti.grouped(rho):
                vel[I] = ti.Vector([0.0, 0.0, 0.0])
                rho[I] = 0.0

        @ti.kernel
        def zero(f: ti.template()):
            for I in ti.grouped(f):
                f[I] = 0.0

        @ti.kernel
        def load(vel: ti.template(), rho: ti.template(), v_in: ti.types.ndarray(),
                 r_in: ti.types.ndarray()):
            for i, j, k in ti.ndrange(n, n, n):
                vel[i, j, k] = ti.Vector([v_in[i, j, k, 0], v_in[i, j, k, 1], v_in[i, j, k, 2]])
                rho[i, j, k] = r_in[i, j, k]

        self._k = dict(advect=advect, curl=curl, confinement=confinement,
                       add_forces=add_forces, divergence=divergence, max_abs_div=max_abs_div,
                       smooth=smooth, restrict=restrict, prolong=prolong,
                       subtract_gradient=subtract_gradient, light=light, render=render,
                       clear=clear, zero=zero, load=load)
        self.eps, self.alpha = eps, alpha

    # ---- Python-scope driver ----
    def reset(self, vel=None, rho=None):
        """Zero state, or the given numpy arrays (n, n, n, 3) and (n, n, n)."""
        k = self._k
        for v, r in self.buffers:
            k["clear"](v, r)
        for f in self.phi:
            k["zero"](f)
        if rho is not None:
            k["load"](*self.state, np.ascontiguousarray(vel, np.float32),
                      np.ascontiguousarray(rho, np.float32))
        self.t = 0.0

    def v_cycle(self, level=0):
        """One multigrid V-cycle on phi[level] for b[level]."""
        smooth = self._k["smooth"]
        phi, b = self.phi[level], self.b[level]
        if level == len(self.sizes) - 1:  # coarsest (4^3 or 6^3): Gauss-Seidel, converged
            for _ in range(4 * self.sizes[level]):
                smooth(phi, b, 0)
                smooth(phi, b, 1)
            return
        for _ in range(2):
            smooth(phi, b, 0)
            smooth(phi, b, 1)
        self._k["restrict"](phi, b, self.phi[level + 1], self.b[level + 1])
        self.v_cycle(level + 1)
        self._k["prolong"](self.phi[level + 1], phi)
        for _ in range(2):
            smooth(phi, b, 1)
            smooth(phi, b, 0)

    def project(self, vel):
        """Makes vel divergence-free (to the solver's residual)."""
        self._k["divergence"](vel)
        for _ in range(self.vcycles):
            self.v_cycle()
        self._k["subtract_gradient"](vel)

    def advance(self):
        """Advection of the (divergence-free) state into the second buffer, then forces and
        the source there: the second buffer is not yet divergence-free."""
        k = self._k
        (vel, rho), (vel2, rho2) = self.buffers
        k["advect"](vel, rho, vel2, rho2)
        if self.eps > 0:
            k["curl"](vel2, vel)  # the old state's buffer holds the curl, then the force
            k["confinement"](vel)
        k["add_forces"](vel2, rho2, vel, self.t, self.emit)

    def step(self, verbose=False):
        """One time step; with verbose, returns max |div| (1/s) before and after projection."""
        self.advance()
        vel2 = self.buffers[1][0]
        before = self._k["max_abs_div"](vel2) if verbose else None
        self.project(vel2)
        after = self._k["max_abs_div"](vel2) if verbose else None
        self.buffers.reverse()
        self.t += self.dt
        return before, after

    def render(self):
        """Renders the current density into the image field and returns it (the light
        volume goes to b, which the next step overwrites anyway)."""
        rho = self.state[1]
        self._k["light"](rho)
        self._k["render"](rho)
        return self.img

    def total_density(self):
        """The sum of the density over the cells (in f64, on the host)."""
        return float(self.state[1].to_numpy().astype(np.float64).sum())


def run(sim, steps, every=0, sink=None, label="", verbose=False):
    """Runs `steps` steps from a cleared state after two untimed warm-up steps (compile the
    kernels); shows a frame every `every` steps through `sink` (examples/frames.py: a window,
    PNG files, a video). Returns seconds per step, timed over the steps that neither report
    nor render (ti.sync() before stopping the clock)."""
    sim.reset()
    for _ in range(2):  # the buffers swap: each kernel has two instances to compile
        sim.step(verbose=verbose)
    sim.reset()
    ti.sync()
    elapsed, timed = 0.0, 0
    report_every = max(every, steps // 6, 1)
    for s in range(steps):
        report = verbose and (s % report_every == 0 or s == steps - 1)
        start = time.perf_counter()
        before, after = sim.step(verbose=report)
        ti.sync()
        if not report:
            elapsed += time.perf_counter() - start
            timed += 1
        if report:
            vmax = np.abs(sim.state[0].to_numpy()).max()
            print(f"  {label}step {s:4d}: max |div| {before:9.3e} -> {after:9.3e} 1/s "
                  f"by the projection, max |vel| {vmax:.2f}, total density "
                  f"{sim.total_density():.2f}", flush=True)
        if sink is not None and every and (s + 1) % every == 0:
            if not sink.running:
                break
            sink.gui.set_image(sim.render())
            sink.show(f"{label}smoke_{(s + 1) // every - 1:04d}")
    return elapsed / max(timed, 1)


def show_gui(gui, sim):
    """The interactive window: steps and renders until it is closed."""
    sim.reset()
    while gui.running:
        sim.step()
        gui.set_image(sim.render())
        gui.show()


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--quant", dest="layout", action="store_const", const="quant",
                      help="quantized grid (default)")
    mode.add_argument("--f32", "--no-quant", dest="layout", action="store_const", const="f32",
                      help="float32 grid")
    mode.add_argument("--compare", dest="layout", action="store_const", const="both",
                      help="run f32 and quant from the same state, print both")
    ap.set_defaults(layout="quant")
    ap.add_argument("--res", type=int, default=64,
                    help="cells per side: res^3 voxels (16, 24, 32, 48, 64, 96, 128, ...)")
    ap.add_argument("--steps", type=int, default=240)
    ap.add_argument("--dt", type=float, default=0.02)
    ap.add_argument("--vcycles", type=int, default=4, help="multigrid V-cycles per projection")
    ap.add_argument("--vorticity", type=float, default=5.0, help="confinement strength eps")
    ap.add_argument("--buoyancy", type=float, default=2.0, help="upward force per density")
    ap.add_argument("--img", type=int, default=512, help="image width and height")
    ap.add_argument("--out", default=None, help="folder for PNG frames (default: a window; "
                    "out/smoke without a display)")
    ap.add_argument("--every", type=int, default=10, help="steps between frames")
    ap.add_argument("--video", default=None, help="also write the frames as this mp4")
    ap.add_argument("--verbose", action="store_true",
                    help="print max |div| before and after the projection, max |vel|, density")
    ap.add_argument("--arch", choices=["cpu", "cuda", "vulkan", "gpu"], default="cpu",
                    help="where kernels run (an arch this machine lacks falls back to the CPU)")
    args = ap.parse_args()
    from frames import Frames  # examples/frames.py: window, PNG frames or video

    ti.init(arch=getattr(ti, args.arch))
    img_res = (args.img, args.img)

    def make(quant):
        return Smoke(args.res, quant, args.dt, args.buoyancy, args.vorticity, args.vcycles,
                     img_res)

    sink = Frames("smoke", img_res, args.out, "out/smoke", args.video)
    if args.layout != "both" and sink.windowed:
        show_gui(sink.gui, make(args.layout == "quant"))
        return
    layouts = ["f32", "quant"] if args.layout == "both" else [args.layout]
    results = {}
    for layout in layouts:
        sim = make(layout == "quant")
        label = f"{layout}_" if args.layout == "both" else ""
        verbose = args.verbose or args.layout == "both"
        secs = run(sim, args.steps, args.every, sink, label, verbose)
        mb = sim.bytes_per_voxel * args.res ** 3 / 1e6
        results[layout] = (sim.bytes_per_voxel, secs, sim.total_density(),
                           sim.state[0].to_numpy().astype(np.float64))
        print(f"{layout:>5}: {sim.bytes_per_voxel:.2f} bytes/voxel, {mb:.1f} MB of grid fields, "
              f"{secs * 1e3:.1f} ms/step, total density {results[layout][2]:.3f} "
              f"({args.res}^3, {args.steps} steps)")
    sink.finish()
    if len(results) == 2:
        bf, tf, df, vf = results["f32"]
        bq, tq, dq, vq = results["quant"]
        # the plume is chaotic: pointwise velocities drift apart over hundreds of steps (as
        # they do for f32 runs whose density differs by 1e-4), totals should not
        dv = np.linalg.norm(vq - vf) / np.linalg.norm(vf)
        ke = abs((vq ** 2).sum() - (vf ** 2).sum()) / (vf ** 2).sum()
        print(f"quant vs f32: {bf / bq:.2f}x less grid memory ({bf:.2f} -> {bq:.2f} bytes/voxel), "
              f"time {tq / tf:.2f}x of f32; relative differences: total density "
              f"{abs(dq - df) / df:.2e}, kinetic energy {ke:.2e}, velocity field {dv:.2e} (L2)")


if __name__ == "__main__":
    main()
