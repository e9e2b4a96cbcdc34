"""Ahead-of-time modules, in Taichi's spelling: `m = ti.aot.Module(ti.vulkan)`,
`m.add_field("x", x)`, `m.add_kernel(k, template_args={...})`, `m.save(folder)`,
`m.archive(file)`. An app loads the module with the C runtime (qtaichi.h) and runs it without
Python or LLVM. Kernels are compiled by the running program, so the module's arch is the one
`ti.init` chose; fields go in with two accessor kernels each (qti_read_field / qti_write_field
decode and encode quantized fields exactly as kernels do)."""
import numpy as np

from qtaichi.lang import runtime, types
from qtaichi.lang.errors import TaichiRuntimeError, TaichiTypeError
from qtaichi.lang.field import Field
from qtaichi.lang.kernel import Kernel
from qtaichi.lang.matrix_field import MatrixField

from qtaichi import _core


class Module:
    def __init__(self, arch=None, **_options):
        self._state = runtime.get_program()
        current = runtime.current_cfg().arch
        if arch is not None and arch != current:
            raise TaichiRuntimeError(
                f"ti.aot.Module({runtime.arch_name(arch)}): this program runs on "
                f"{runtime.arch_name(current)}, and a module holds what the program compiles; "
                f"call ti.init(arch=ti.{runtime.arch_name(arch)}) first")
        self.arch = current
        try:
            self._builder = _core.AotModuleBuilder(self._state.core)
        except ValueError as e:
            raise TaichiRuntimeError(str(e)) from None

    def _check_program(self):
        if runtime.get_program() is not self._state:
            raise TaichiRuntimeError("ti.aot.Module: the program it was made for is gone "
                                     "(ti.init or ti.reset since)")

    def add_field(self, name, field):
        self._check_program()
        if isinstance(field, MatrixField):
            nodes = [f._core_node() for f in field.fields]
            elem = list(field.element_shape)
        elif isinstance(field, Field):
            nodes, elem = [field._core_node()], []
        else:
            raise TaichiTypeError(f"add_field('{name}', ...): expected a field, got "
                                  f"{type(field).__name__}")
        self._builder.add_field(name, nodes, elem)

    def add_kernel(self, kernel, template_args=None, name=None):
        """Compiles `kernel` for the module. Template parameters take their values from
        template_args; ndarray parameters need ti.types.ndarray(dtype=..., ndim=...)."""
        self._check_program()
        if not isinstance(kernel, Kernel):
            raise TaichiTypeError(f"add_kernel: expected a @ti.kernel, got {type(kernel).__name__}")
        template_args = dict(template_args or {})
        specs, _ = kernel._signature_types(self._state)
        values, infos = [], []
        for spec in specs:
            if spec.kind == "template":
                if spec.name not in template_args:
                    raise TaichiTypeError(f"add_kernel({kernel.name}): template parameter "
                                          f"'{spec.name}' needs a value in template_args")
                values.append(template_args.pop(spec.name))
            elif spec.kind == "ndarray":
                ann = spec.annotation
                if ann.dtype in (None, int, float) or ann.ndim is None:
                    raise TaichiTypeError(
                        f"add_kernel({kernel.name}): ndarray parameter '{spec.name}' needs its "
                        f"dtype and ndim: ti.types.ndarray(dtype=ti.f32, ndim=1)")
                dtype = types.resolve_dtype(ann.dtype, None, None)
                shape = (1,) * ann.ndim + tuple(ann.element_shape)
                values.append(np.zeros(shape, dtype=types.to_numpy_dtype(dtype)))
                infos.append((spec.name, True, str(dtype), ann.ndim, list(ann.element_shape)))
            elif spec.kind == "matrix":
                mt = spec.annotation
                values.append(None)
                infos.extend((f"{spec.name}_{k}", False, str(spec.dtype), 0, [])
                             for k in range(mt.n * mt.m))
            else:
                values.append(None)
                infos.append((spec.name, False, str(spec.dtype), 0, []))
        if template_args:
            raise TaichiTypeError(f"add_kernel({kernel.name}): no parameter named "
                                  f"{', '.join(sorted(template_args))}")
        _, compiled, _, _ = kernel._instance(values)
        self._builder.add_kernel(name or kernel.name, compiled, infos)

    def save(self, folder):
        self._check_program()
        self._builder.save(str(folder))

    def archive(self, file):
        self._check_program()
        self._builder.archive(str(file))
