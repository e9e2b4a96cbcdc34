"""ti.math's GLSL-style functions in kernels, against numpy / plain Python (float64 references;
f32 results, a few ulp of tolerance where a function rounds more than once)."""
import cmath
import math

import numpy as np
import pytest

import qtaichi as ti

tm = ti.math


def close(got, want, rel=2e-6, abs_=1e-6):
    np.testing.assert_allclose(np.asarray(got, np.float64), np.asarray(want, np.float64),
                               rtol=rel, atol=abs_)


def test_vector_geometry():
    a, b = np.array([1.5, -2.0, 0.25]), np.array([0.5, 4.0, -3.0])
    d, n = np.array([0.6, -0.8, 0.0]), np.array([0.0, 1.0, 0.0])
    out = ti.Vector.field(3, ti.f32, shape=7)

    @ti.kernel
    def k():
        u, v = tm.vec3(1.5, -2.0, 0.25), tm.vec3(0.5, 4.0, -3.0)
        out[0] = tm.vec3(tm.dot(u, v), tm.length(u), tm.distance(u, v))
        out[1] = tm.cross(u, v)
        out[2] = tm.normalize(u)
        out[3] = tm.reflect(tm.vec3(0.6, -0.8, 0.0), tm.vec3(0.0, 1.0, 0.0))
        out[4] = tm.refract(tm.vec3(0.6, -0.8, 0.0), tm.vec3(0.0, 1.0, 0.0), 1 / 1.33)
        out[5] = tm.refract(tm.vec3(0.99, -0.141, 0.0), tm.vec3(0.0, 1.0, 0.0), 1.5)  # TIR

    k()
    o = out.to_numpy()
    close(o[0], [a @ b, np.linalg.norm(a), np.linalg.norm(a - b)])
    close(o[1], np.cross(a, b))
    close(o[2], a / np.linalg.norm(a))
    close(o[3], d - 2 * (n @ d) * n)
    eta = 1 / 1.33
    kk = 1 - eta * eta * (1 - (d @ n) ** 2)
    close(o[4], eta * d - (eta * (d @ n) + math.sqrt(kk)) * n)
    close(o[5], [0, 0, 0])


def test_per_component_functions():
    x = np.array([-1.25, 0.3, 2.75])
    out = ti.Vector.field(3, ti.f32, shape=8)

    @ti.kernel
    def k():
        v = tm.vec3(-1.25, 0.3, 2.75)
        out[0] = tm.clamp(v, -1.0, 2.0)
        out[1] = tm.step(0.5, v) + 10.0 * tm.sign(v)
        out[2] = tm.fract(v)
        out[3] = tm.mix(tm.vec3(1.0, 2.0, 3.0), tm.vec3(3.0, 2.0, 1.0), 0.25)
        out[4] = tm.smoothstep(-1.0, 2.0, v)
        out[5] = tm.radians(tm.vec3(90.0, 180.0, -45.0)) + 10.0 * tm.degrees(tm.vec3(1.0, -0.5, 3.0))
        out[6] = tm.log2(tm.vec3(8.0, 0.1, 1000.0))
        out[7] = tm.exp2(tm.vec3(10.0, -3.5, 0.1))

    k()
    o = out.to_numpy()
    close(o[0], np.clip(x, -1, 2))
    close(o[1], (x >= 0.5) + 10 * np.sign(x))
    close(o[2], x - np.floor(x))
    close(o[3], [1.5, 2.0, 2.5])
    t = np.clip((x + 1.0) / 3.0, 0, 1)
    close(o[4], t * t * (3 - 2 * t))
    close(o[5], np.radians([90, 180, -45]) + 10 * np.degrees([1, -0.5, 3]))
    close(o[6], np.log2([8, 0.1, 1000]), rel=3e-7)
    close(o[7], np.exp2([10, -3.5, 0.1]), rel=3e-7)
    # scalars too
    s = ti.field(ti.f32, shape=3)

    @ti.kernel
    def ks():
        s[0] = tm.clamp(7.5, 0.0, 2.0)
        s[1] = tm.sign(-3.0)
        s[2] = tm.fract(-0.25)

    ks()
    close(s.to_numpy(), [2.0, -1.0, 0.75])


def test_inf_and_nan():
    x = ti.field(ti.f32, shape=4)
    out = ti.field(ti.i32, shape=(2, 4))
    x.from_numpy(np.array([1.0, np.inf, -np.inf, np.nan], np.float32))

    @ti.kernel
    def k():
        for i in x:
            out[0, i] = tm.isinf(x[i])
            out[1, i] = tm.isnan(x[i])

    k()
    np.testing.assert_array_equal(out.to_numpy(), [[0, 1, 1, 0], [0, 0, 0, 1]])
    assert math.isnan(tm.nan) and tm.inf == math.inf


def test_matrices_and_rotations():
    m = np.array([[2.0, 1.0, 0.5], [0.0, 3.0, 1.0], [1.0, 0.0, 4.0]])
    a = 0.7
    axis = np.array([1.0, 2.0, 2.0]) / 3.0
    det = ti.field(ti.f32, shape=())
    inv = ti.Matrix.field(3, 3, ti.f32, shape=())
    r2 = ti.Matrix.field(2, 2, ti.f32, shape=())
    r3 = ti.Matrix.field(3, 3, ti.f32, shape=())

    @ti.kernel
    def k():
        mm = tm.mat3([[2.0, 1.0, 0.5], [0.0, 3.0, 1.0], [1.0, 0.0, 4.0]])
        det[None] = tm.determinant(mm)
        inv[None] = tm.inverse(mm)
        r2[None] = tm.rot2(0.7)
        r3[None] = tm.rot3(tm.vec3(1.0 / 3.0, 2.0 / 3.0, 2.0 / 3.0), 0.7)

    k()
    assert det[None] == pytest.approx(np.linalg.det(m), rel=1e-6)
    close(inv.to_numpy(), np.linalg.inv(m), rel=1e-5)
    close(r2.to_numpy(), [[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    K = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    R = np.eye(3) + math.sin(a) * K + (1 - math.cos(a)) * K @ K  # Rodrigues, independently
    close(r3.to_numpy(), R, rel=1e-5)


def test_complex_numbers_as_vec2():
    z1, z2 = complex(1.5, -0.5), complex(-0.25, 2.0)
    out = ti.Vector.field(2, ti.f32, shape=7)

    @ti.kernel
    def k():
        a, b = tm.vec2(1.5, -0.5), tm.vec2(-0.25, 2.0)
        out[0] = tm.cmul(a, b)
        out[1] = tm.cdiv(a, b)
        out[2] = tm.cconj(a)
        out[3] = tm.cexp(a)
        out[4] = tm.clog(a)
        out[5] = tm.csqrt(b)
        out[6] = tm.cpow(a, 2.5)

    k()
    o = out.to_numpy()
    for got, want in zip(o, [z1 * z2, z1 / z2, z1.conjugate(), cmath.exp(z1), cmath.log(z1),
                             cmath.sqrt(z2), z1 ** 2.5]):
        close(got, [want.real, want.imag], rel=2e-6)


def test_rotation3d_matches_taichis_documented_values_and_vdir():
    @ti.kernel
    def rot(ax: ti.f32, ay: ti.f32, az: ti.f32) -> ti.math.mat4:
        return ti.math.rotation3d(ax, ay, az)

    @ti.kernel
    def vdir(a: ti.f32) -> ti.math.vec2:
        return ti.math.vdir(a)

    # The example in Taichi's documentation of ti.math.rotation3d.
    want = np.array([[0.05048351, -0.61339645, -0.78816002, 0],
                     [0.65833154, 0.61388511, -0.4355969, 0],
                     [0.75103329, -0.49688014, 0.4348093, 0], [0, 0, 0, 1]])
    got = rot(0.52, -0.785, 1.046).to_numpy()
    np.testing.assert_allclose(got, want, atol=2e-6)
    np.testing.assert_allclose(got[:3, :3] @ got[:3, :3].T, np.eye(3), atol=2e-6)
    np.testing.assert_allclose(vdir(np.pi / 3).to_numpy(), [0.5, np.sqrt(3) / 2], atol=1e-6)
