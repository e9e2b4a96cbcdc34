"""`ti.math`: vector and matrix types of GLSL-style names, and the math functions."""
import math as _math

from qtaichi.lang.matrix import matrix_type, vector_type
from qtaichi.lang.ops import (acos, asin, atan2, ceil, cos, exp, floor, log, max, min, round,
                              sin, sqrt, tan, tanh)
from qtaichi.lang.types import f32, i32, u32

vec2, vec3, vec4 = vector_type(2, f32), vector_type(3, f32), vector_type(4, f32)
ivec2, ivec3, ivec4 = vector_type(2, i32), vector_type(3, i32), vector_type(4, i32)
uvec2, uvec3, uvec4 = vector_type(2, u32), vector_type(3, u32), vector_type(4, u32)
mat2, mat3, mat4 = matrix_type(2, 2, f32), matrix_type(3, 3, f32), matrix_type(4, 4, f32)

pi = _math.pi
e = _math.e
inf = _math.inf

nan = _math.nan
_INV_LN2 = 1.0 / _math.log(2.0)

# ---- GLSL-style functions (Taichi's ti.math): inlined ti.funcs over scalars, vectors and
# matrices alike (operations apply per component, a scalar broadcasts) ----
from qtaichi.lang.func import func as _func  # noqa: E402


@_func
def dot(x, y):
    return x.dot(y)


@_func
def cross(x, y):
    return x.cross(y)


@_func
def length(x):
    return x.norm()


@_func
def distance(x, y):
    return (x - y).norm()


@_func
def normalize(x):
    return x.normalized()


@_func
def clamp(x, xmin, xmax):
    return min(max(x, xmin), xmax)


@_func
def mix(x, y, a):
    return x * (1.0 - a) + y * a


@_func
def step(edge, x):
    return (x >= edge) * 1.0


@_func
def smoothstep(edge0, edge1, x):
    t = clamp((x - edge0) / (edge1 - edge0), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


@_func
def fract(x):
    return x - floor(x)


@_func
def sign(x):
    return (x > 0) * 1.0 - (x < 0) * 1.0


@_func
def reflect(x, n):
    return x - 2.0 * n.dot(x) * n


@_func
def refract(x, n, eta):
    """GLSL's refract: the zero vector on total internal reflection."""
    dxn = x.dot(n)
    k = 1.0 - eta * eta * (1.0 - dxn * dxn)
    return (eta * x - (eta * dxn + sqrt(max(k, 0.0))) * n) * (k >= 0.0)


@_func
def radians(x):
    return x * (pi / 180.0)


@_func
def degrees(x):
    return x * (180.0 / pi)


@_func
def log2(x):
    return log(x) * _INV_LN2


@_func
def exp2(x):
    return 2.0 ** x  # pow is within an ulp; exp(x * ln2) would lose |x| ulp


@_func
def inverse(m):
    return m.inverse()


@_func
def determinant(m):
    return m.determinant()


@_func
def rot2(ang):
    """The 2D rotation by `ang` radians (counter-clockwise)."""
    c, s = cos(ang), sin(ang)
    return mat2([[c, -s], [s, c]])


rotation2d = rot2


@_func
def rot3(axis, ang):
    """The 3D rotation by `ang` radians around the unit vector `axis` (Rodrigues)."""
    c, s = cos(ang), sin(ang)
    t = 1.0 - c
    x, y, z = axis[0], axis[1], axis[2]
    return mat3([[t * x * x + c, t * x * y - s * z, t * x * z + s * y],
                 [t * x * y + s * z, t * y * y + c, t * y * z - s * x],
                 [t * x * z - s * y, t * y * z + s * x, t * z * z + c]])


@_func
def rot_yaw_pitch_roll(yaw, pitch, roll):
    """Taichi's 4x4 rotation from yaw (about y), pitch (about x) and roll (about z): the
    transpose of Ry(yaw) Rx(pitch) Rz(roll), i.e. the inverse rotation, as Taichi defines it."""
    ch, sh, cp, sp, cb, sb = cos(yaw), sin(yaw), cos(pitch), sin(pitch), cos(roll), sin(roll)
    ry = mat3([[ch, 0.0, sh], [0.0, 1.0, 0.0], [-sh, 0.0, ch]])
    rx = mat3([[1.0, 0.0, 0.0], [0.0, cp, -sp], [0.0, sp, cp]])
    rz = mat3([[cb, -sb, 0.0], [sb, cb, 0.0], [0.0, 0.0, 1.0]])
    r = (ry @ rx @ rz).transpose()
    return mat4([[r[0, 0], r[0, 1], r[0, 2], 0.0], [r[1, 0], r[1, 1], r[1, 2], 0.0],
                 [r[2, 0], r[2, 1], r[2, 2], 0.0], [0.0, 0.0, 0.0, 1.0]])


@_func
def rotation3d(ang_x, ang_y, ang_z):
    """Taichi's 4x4 homogeneous rotation for Euler angles: rot_yaw_pitch_roll(ang_z, ang_x,
    ang_y) (Taichi's own argument mapping, kept so that ported programs get its numbers)."""
    return rot_yaw_pitch_roll(ang_z, ang_x, ang_y)


@_func
def vdir(ang):
    """The unit 2D vector at angle `ang` (radians): (cos, sin)."""
    return vec2(cos(ang), sin(ang))


@_func
def isinf(x):
    return abs(x) == inf


@_func
def isnan(x):
    return x != x


# ---- complex numbers as vec2 (real, imaginary) ----
@_func
def cconj(z):
    return vec2(z[0], -z[1])


@_func
def cmul(z1, z2):
    return vec2(z1[0] * z2[0] - z1[1] * z2[1], z1[0] * z2[1] + z1[1] * z2[0])


@_func
def cdiv(z1, z2):
    d = z2[0] * z2[0] + z2[1] * z2[1]
    return vec2((z1[0] * z2[0] + z1[1] * z2[1]) / d, (z1[1] * z2[0] - z1[0] * z2[1]) / d)


@_func
def cexp(z):
    r = exp(z[0])
    return vec2(r * cos(z[1]), r * sin(z[1]))


@_func
def clog(z):
    return vec2(log(sqrt(z[0] * z[0] + z[1] * z[1])), atan2(z[1], z[0]))


@_func
def cpow(z, n):
    """z ** n for a real exponent n (principal branch)."""
    r = sqrt(z[0] * z[0] + z[1] * z[1]) ** n
    a = atan2(z[1], z[0]) * n
    return vec2(r * cos(a), r * sin(a))


@_func
def csqrt(z):
    r = sqrt(sqrt(z[0] * z[0] + z[1] * z[1]))
    a = atan2(z[1], z[0]) * 0.5
    return vec2(r * cos(a), r * sin(a))
