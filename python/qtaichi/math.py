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
