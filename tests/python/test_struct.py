"""Structs: ti.types.struct, @ti.dataclass, ti.Struct.field, structs in kernels and funcs, as
arguments and results (with tuples), against values computed in Python/numpy."""
import numpy as np
import pytest

import qtaichi as ti

vec3 = ti.math.vec3
Particle = ti.types.struct(pos=vec3, vel=vec3, mass=ti.f32)


def test_struct_field_in_kernels_and_python_scope():
    ps = Particle.field(shape=8)

    @ti.kernel
    def init():
        for i in ps:
            ps[i] = Particle(pos=vec3(i, 0, 0), vel=vec3(1, 2, i), mass=1.0 + i)
            ps[i].pos.y += 1
            ps[i].mass *= 2

    init()
    i = np.arange(8)
    d = ps.to_numpy()
    np.testing.assert_allclose(d["pos"], np.stack([i, np.ones(8), np.zeros(8)], 1))
    np.testing.assert_allclose(d["vel"], np.stack([np.ones(8), 2 * np.ones(8), i], 1))
    np.testing.assert_allclose(d["mass"], 2 * (1.0 + i))
    assert ps[3].mass == 8.0 and list(ps[3].pos) == [3, 1, 0]
    ps[3].mass = 0.5                      # writes through to the field
    ps[4] = {"pos": [9, 9, 9], "mass": 7}  # members not given keep their value
    assert ps.mass[3] == 0.5 and list(ps.pos[4]) == [9, 9, 9] and ps[4].mass == 7
    assert list(ps[4].vel) == [1, 2, 4]
    ps.from_numpy({"mass": np.full(8, 3.0, np.float32)})
    np.testing.assert_allclose(ps.mass.to_numpy(), 3.0)
    ps.fill(0)
    assert ps.to_numpy()["pos"].sum() == 0
    assert ps.shape == (8,) and ps.keys() == ["pos", "vel", "mass"]


def test_struct_locals_funcs_and_nesting():
    Ray = ti.types.struct(origin=vec3, dir=vec3)
    Hit = ti.types.struct(ray=Ray, t=ti.f32, hit=ti.i32)

    @ti.func
    def march(r: Ray, t: ti.f32) -> Hit:
        h = Hit(ray=r, t=t)
        if t > 1.0:
            h.hit = 1
        return h

    @ti.func
    def first_hit(r):
        for k in range(10):
            if r.origin.x + k * r.dir.x > 3.5:
                return k
        return -1

    @ti.kernel
    def run(t: ti.f32) -> vec3:
        r = Ray(origin=vec3(1, 2, 3), dir=vec3(1, 0, 0))
        h = march(r, t)
        h.ray.origin.z = 10.0
        return h.ray.origin + h.ray.dir * h.t + vec3(h.hit, first_hit(r), 0)

    np.testing.assert_allclose(run(0.5).to_numpy(), [1.5, 2 + 3, 10])
    np.testing.assert_allclose(run(2.0).to_numpy(), [3 + 1, 2 + 3, 10])


def test_struct_arguments_and_results():
    @ti.kernel
    def scaled(p: Particle, k: ti.i32) -> Particle:
        q = p
        q.mass += k
        q.pos *= 2
        return q

    r = scaled(Particle(pos=ti.Vector([1, 2, 3]), vel=ti.Vector([0, 0, 1]), mass=1.5), 3)
    assert isinstance(r, ti.Struct)
    assert r.mass == 4.5 and list(r.pos) == [2, 4, 6] and list(r.vel) == [0, 0, 1]
    r2 = scaled({"pos": [1, 1, 1], "mass": 2}, 1)       # a dict works too; vel defaults to 0
    assert r2.mass == 3 and list(r2.vel) == [0, 0, 0]
    with pytest.raises(ti.TaichiRuntimeTypeError, match="no member"):
        scaled({"position": [1, 1, 1]}, 1)


def test_tuple_results_keep_each_type_exactly():
    @ti.kernel
    def parts(x: ti.f64) -> (ti.i32, ti.f64, ti.u8, ti.i64, ti.f32):
        return ti.floor(x, ti.i32), x * 2, 255, -(1 << 40) - 3, x

    out = parts(-3.7)
    assert out == (-4, -7.4, 255, -(1 << 40) - 3, np.float32(-3.7))
    assert isinstance(out, tuple)

    @ti.func
    def divmod_(a, b):
        return a // b, a % b

    @ti.kernel
    def dm(a: ti.i32, b: ti.i32) -> tuple[ti.i32, ti.i32]:
        q, r = divmod_(a, b)
        return q, r

    assert dm(-7, 2) == divmod(-7, 2)


def test_dataclass_methods():
    @ti.dataclass
    class Sphere:
        center: vec3
        radius: ti.f32

        @ti.func
        def area(self):
            return 4 * np.pi * self.radius ** 2

        @ti.func
        def contains(self, p):
            return (p - self.center).norm() <= self.radius

    spheres = Sphere.field(shape=4)

    @ti.kernel
    def fill_and_sum() -> ti.f32:
        s = 0.0
        for i in spheres:
            spheres[i] = Sphere(center=vec3(i, 0, 0), radius=i + 1.0)
        for i in spheres:
            sp = spheres[i]
            s += sp.area() + sp.contains(vec3(0, 0, 0))
        return s

    want = sum(4 * np.pi * (i + 1) ** 2 + (i <= i + 1) for i in range(4))
    assert fill_and_sum() == pytest.approx(want, rel=1e-6)
    assert spheres[2].radius == 3.0


def test_struct_field_placed_by_hand_and_struct_dot_field():
    s = ti.Struct.field({"a": ti.i32, "b": ti.types.vector(2, ti.f32)})
    ti.root.dense(ti.ij, (4, 3)).place(s)

    @ti.kernel
    def fill():
        for i, j in s:
            s[i, j].a = i * 10 + j
            s[i, j].b = [i, j]

    fill()
    i, j = np.meshgrid(np.arange(4), np.arange(3), indexing="ij")
    np.testing.assert_array_equal(s.a.to_numpy(), i * 10 + j)
    np.testing.assert_array_equal(s.b.to_numpy(), np.stack([i, j], -1))
    f = ti.field(Particle, shape=2)
    assert isinstance(f, ti.StructField)


def test_func_parameters_are_local_copies():
    v_out = ti.Vector.field(3, ti.f32, shape=2)

    @ti.func
    def bump(v: vec3, p: Particle):
        v[0] = 100.0        # the caller's vector is not changed (Taichi passes by value)
        p.mass = -1.0
        return v[0] + p.mass

    @ti.kernel
    def run() -> ti.f32:
        v = vec3(1, 2, 3)
        p = Particle(mass=5.0)
        r = bump(v, p)
        v_out[0] = v
        v_out[1] = vec3(p.mass, 0, 0)
        return r

    assert run() == 99.0
    np.testing.assert_array_equal(v_out.to_numpy(), [[1, 2, 3], [5, 0, 0]])


def test_struct_errors_name_the_problem():
    with pytest.raises(ti.TaichiTypeError, match="no member 'speed'"):
        Particle(speed=1)
    with pytest.raises(ti.TaichiTypeError, match="expected a scalar type"):
        ti.types.struct(a="float")
    ps = Particle.field(shape=2)

    @ti.kernel
    def bad_member():
        ps[0].speed = 1.0

    with pytest.raises(ti.TaichiSyntaxError, match="no member or method 'speed'"):
        bad_member()

    @ti.kernel
    def bad_assign():
        ps[0] = vec3(1, 2, 3)

    with pytest.raises(ti.TaichiTypeError, match="expected a Struct"):
        bad_assign()
