"""`ti.types`: type constructors for annotations and fields.

    ti.types.vector(3, ti.f32), ti.types.matrix(2, 2, ti.f32)   vector / matrix types
    ti.types.struct(pos=vec3, mass=ti.f32)                      struct types (also @ti.dataclass)
    ti.types.ndarray(dtype=ti.f32, ndim=2)                      numpy array kernel arguments
    ti.types.template()                                         compile-time kernel arguments
    ti.types.quant.int(7), .fixed(13, scale=0.1), .float(5, 10) quantized types (QUANT_SPEC.md)
"""
from qtaichi.lang import quant
from qtaichi.lang.kernel_args import NdarrayType, Template, ndarray, template
from qtaichi.lang.matrix import MatrixType
from qtaichi.lang.matrix import matrix_type as matrix
from qtaichi.lang.matrix import vector_type as vector
from qtaichi.lang.struct import StructType, struct
from qtaichi.lang.types import (f32, f64, float32, float64, i8, i16, i32, i64, int8, int16,
                                int32, int64, u8, u16, u32, u64, uint8, uint16, uint32, uint64)
