"""Structs inside kernels (a mixin of KernelTransformer): construction, member access, struct
fields' elements, struct locals, and conversion to a struct type. A StructValue's leaves are
the usual scalar values and Matrix objects, so every operation on a member is the scalar or
matrix one."""
from qtaichi.lang import struct_args, types
from qtaichi.lang.ast_expr import Var, is_ir, is_scalar
from qtaichi.lang.errors import TaichiSyntaxError, TaichiTypeError
from qtaichi.lang.field import Field
from qtaichi.lang.func import Func
from qtaichi.lang.kernel_args import Ref
from qtaichi.lang.matrix import Matrix, MatrixType
from qtaichi.lang.matrix_field import MatrixField
from qtaichi.lang.struct import Struct, StructElement, StructField, StructType, StructValue


class StructMixin:
    # ---- values ----
    def struct_from_type(self, stype, args, kwargs, node):
        """`Particle(pos, vel, mass=1.0)` in a kernel."""
        try:
            values = stype._bind(args, kwargs, lambda t: 0)
        except TaichiTypeError as e:
            raise self.error(TaichiTypeError, str(e), node) from None
        return self.struct_value_for(stype, values, node)

    def struct_value_for(self, stype, value, node, what=None):
        """`value` (a StructValue of the same type, a dict or a Python-scope struct) as a
        StructValue of `stype` with every member converted to its declared type."""
        what = what or stype.name
        if isinstance(value, StructValue):
            if value.stype != stype:
                raise self.error(TaichiTypeError, f"cannot use a {value.describe()} as a "
                                 f"{stype.name}", node)
            value = value.members
        elif isinstance(value, (Struct, StructElement)):
            value = dict(value._read().items() if isinstance(value, StructElement) else
                         value.items())
        elif not isinstance(value, dict):
            got = value.describe() if isinstance(value, Matrix) else type(value).__name__
            raise self.error(TaichiTypeError, f"expected a {what}, got a {got}", node)
        members = {}
        for n, t in stype.members.items():
            v = value.get(n, 0)
            members[n] = self.member_value_for(t, v, node, f"{what}.{n}")
        return StructValue(stype, members)

    def member_value_for(self, t, v, node, what):
        if isinstance(t, StructType):
            if is_scalar(v) and v == 0:  # a member not given
                v = {}
            return self.struct_value_for(t, v, node, what)
        if isinstance(v, StructValue):
            raise self.error(TaichiTypeError, f"{what}: expected a {t!r}, got a "
                             f"{v.describe()}", node)
        if isinstance(t, MatrixType):
            m = self.matrix_value_for(t(0), v, node)
            return self.cast_op(m, self.resolve_type(t.dtype or float, node), node)
        if isinstance(v, Matrix):
            raise self.error(TaichiTypeError, f"{what} is a scalar, got a {v.describe()}", node)
        return self.cast_to(v, t, node)

    # ---- member access ----
    def struct_attribute(self, value, attr, node):
        """`s.member`, or a method of a @ti.dataclass bound to `s`."""
        if attr in value.members:
            return value.members[attr]
        method = value.stype.methods.get(attr)
        if isinstance(method, Func):
            return method.__get__(value, None)
        raise self.error(TaichiSyntaxError, f"{value.describe()} has no member or method "
                         f"'{attr}' (members: {', '.join(value.members)})", node)

    # ---- fields ----
    def struct_element_ref(self, sf, node):
        """`particles[i]`: a StructValue of Refs to the element's members."""
        indices = [self.to_ir(i, node) for i in self.subscript_indices(node)]
        self.set_loc(node)
        return self._struct_refs(sf, indices, node)

    def _struct_refs(self, sf, indices, node):
        members = {}
        for n, f in sf._members.items():
            if isinstance(f, StructField):
                members[n] = self._struct_refs(f, indices, node)
            elif isinstance(f, MatrixField):
                members[n] = Matrix._make([Ref(self.builder.global_ptr(
                    self.field_node(c, node), indices)) for c in f.fields], f.n, f.m, f.ndim)
            elif isinstance(f, Field):
                members[n] = Ref(self.builder.global_ptr(self.field_node(f, node), indices))
        return StructValue(sf._type, members)

    # ---- locals ----
    def define_struct(self, name, value, node):
        """A struct local: one slot per scalar component."""
        def slots(v):
            if isinstance(v, Matrix):
                return v.map(slot_for)
            return slot_for(v)

        def slot_for(v):
            v = self.to_ir(v, node)
            slot = self.builder.alloca(v.ret_type)
            self.builder.local_store(slot, v)
            return slot
        self.set_loc(node)
        self.scopes[-1][name] = Var("struct", value.map(slots))

    def struct_local_refs(self, slots):
        return slots.map(lambda s: s.map(lambda x: Ref(x, local=True)) if isinstance(s, Matrix)
                         else Ref(s, local=True))

    def load_struct_local(self, slots):
        load = self.builder.local_load
        return slots.map(lambda s: s.map(load) if isinstance(s, Matrix) else load(s))

    def store_struct(self, ref, value, node):
        value = self.struct_value_for(ref.stype, value, node)
        for n, r in ref.members.items():
            self.store_ref(r, value.members[n], node)

    def struct_leaves_ir(self, value, node):
        """The scalar IR values of a StructValue, in StructType.leaves() order."""
        out = []
        for v in value.members.values():
            if isinstance(v, StructValue):
                out.extend(self.struct_leaves_ir(v, node))
            elif isinstance(v, Matrix):
                out.extend(self.to_ir(e, node) for e in self.mat_ir(v, node).entries)
            else:
                out.append(self.to_ir(v, node))
        return out

    def return_struct(self, value, stype, comp_types, node):
        """A kernel's struct/tuple result: each component's bits in one unsigned result slot."""
        if isinstance(value, tuple) and isinstance(stype, struct_args.TupleType):
            if len(value) != len(stype.members):
                raise self.error(TaichiTypeError, f"kernel '{self.kernel_name}' returns "
                                 f"{len(stype.members)} values, got {len(value)}", node)
            value = {f"_{k}": v for k, v in enumerate(value)}
        leaves = self.struct_leaves_ir(self.struct_value_for(stype, value, node, "result"), node)
        slot = struct_args.result_slot_type(comp_types)
        b = self.builder
        out = []
        for v in leaves:
            if v.ret_type.is_float():  # the float's bits, as an unsigned int of its width
                v = b.bit_cast(v, types.u32 if v.ret_type.bits == 32 else types.u64)
            out.append(self.cast_op(v, slot, node))
        self.set_loc(node)
        b.ret(out)

    @staticmethod
    def holds_ir(value):
        if isinstance(value, StructValue):
            return any(StructMixin.holds_ir(v) for v in value.members.values())
        if isinstance(value, Matrix):
            return any(is_ir(e) for e in value.entries)
        return is_ir(value)
