"""Structs: `ti.types.struct(...)`, `@ti.dataclass`, `ti.Struct`, and struct fields.

A struct type names its members in order; each is a scalar type, a vector/matrix type or
another struct type. Structs are compile-time groupings, like Taichi's: a struct field is one
field per scalar component placed side by side (AoS, one dense level), and inside kernels a
struct is a StructValue whose members are the usual scalar IR values and Matrix objects
(ast_struct.py). Kernels take and return structs as their flattened scalar components."""
import numpy as np

from qtaichi import _core
from qtaichi.lang import runtime, snode, types
from qtaichi.lang.diagnostics import user_error as _error
from qtaichi.lang.errors import TaichiTypeError
from qtaichi.lang.field import Field
from qtaichi.lang.func import Func
from qtaichi.lang.matrix import Matrix, MatrixType
from qtaichi.lang.quant_access import QuantField


def _check_member(name, t):
    if not isinstance(name, str) or not name.isidentifier():
        raise TaichiTypeError(f"a struct member needs an identifier as its name, got {name!r}")
    if isinstance(t, (MatrixType, StructType, _core.QuantType)) or types.is_dtype(t) or \
            t in (int, float):
        return t
    raise TaichiTypeError(f"struct member '{name}' has type {t!r}: expected a scalar type "
                          "(ti.f32...), a vector/matrix type or a struct type")


class StructType:
    """`ti.types.struct(pos=vec3, mass=ti.f32)`: an annotation for kernel and func arguments
    and results, a field element type, and (called) a constructor."""

    def __init__(self, members, methods=None, name="Struct"):
        if not members:
            raise TaichiTypeError("a struct needs at least one member")
        self.members = {n: _check_member(n, t) for n, t in members.items()}
        self.methods = dict(methods or {})
        self.name = name

    # ---- values ----
    def __call__(self, *args, **kwargs):
        """`Particle(pos, vel, mass=1)` in Python scope: a Struct (members not given are 0)."""
        return Struct(self._bind(args, kwargs, Struct._zero_of), self)

    def _bind(self, args, kwargs, zero):
        """{member: value} from positional (in member order) and keyword arguments."""
        names = list(self.members)
        if len(args) > len(names):
            raise TaichiTypeError(f"{self.name} has {len(names)} members, got {len(args)} "
                                  "positional values")
        out = dict(zip(names, args))
        for k, v in kwargs.items():
            if k not in self.members:
                raise TaichiTypeError(f"{self.name} has no member '{k}' "
                                      f"(members: {', '.join(names)})")
            if k in out:
                raise TaichiTypeError(f"{self.name}: member '{k}' given twice")
            out[k] = v
        return {n: out[n] if n in out else zero(self.members[n]) for n in names}

    def leaves(self, prefix=()):
        """[(path, scalar type, MatrixType or None)] of every scalar-or-matrix member, in
        order (nested structs flattened)."""
        out = []
        for n, t in self.members.items():
            if isinstance(t, StructType):
                out.extend(t.leaves(prefix + (n,)))
            else:
                out.append((prefix + (n,), t.dtype if isinstance(t, MatrixType) else t,
                            t if isinstance(t, MatrixType) else None))
        return out

    def scalar_count(self):
        return sum(m.n * m.m if m is not None else 1 for _, _, m in self.leaves())

    # ---- fields ----
    def field(self, shape=None, name="", offset=None, needs_grad=False, layout=None, **_):
        if offset is not None:
            raise _error(TaichiTypeError, "field offsets are not supported")
        sf = _make_struct_field(self, name)
        if shape is not None:
            if isinstance(shape, (int, np.integer)):
                shape = (int(shape),)
            shape = tuple(int(s) for s in shape)
            if shape == ():
                snode.root.place(sf)
            else:
                snode.root.dense(snode.axes(*range(len(shape))), shape).place(sf)
        return sf

    def __repr__(self):
        inner = ", ".join(f"{n}={t!r}" for n, t in self.members.items())
        return f"ti.types.struct({inner})"

    def __eq__(self, other):
        return isinstance(other, StructType) and self.members == other.members

    def __hash__(self):
        return hash(tuple(self.members))


def struct(**members):
    """`ti.types.struct(a=ti.f32, b=vec3)`."""
    return StructType(members)


def dataclass(cls):
    """`@ti.dataclass`: a struct type from a class' annotated members; its ti.func methods
    become the struct's methods (`p.area()` in a kernel)."""
    members = dict(getattr(cls, "__annotations__", {}))
    methods = {k: v for k, v in vars(cls).items() if isinstance(v, Func)}
    return StructType(members, methods, cls.__name__)


class Struct:
    """A struct value in Python scope (what kernels return, what `field[i]` reads):
    `s.pos`, `s["pos"]`, `s.to_dict()`. `ti.Struct(pos=..., mass=...)` makes one too."""

    def __init__(self, *args, **kwargs):
        entries = dict(args[0]) if args and isinstance(args[0], dict) else {}
        stype = args[1] if len(args) > 1 else None
        entries.update(kwargs)
        object.__setattr__(self, "_entries", entries)
        object.__setattr__(self, "_type", stype)

    @staticmethod
    def _zero_of(t):
        if isinstance(t, StructType):
            return t()
        if isinstance(t, MatrixType):
            return t(0)
        return 0

    @staticmethod
    def field(members, shape=None, name="", offset=None, needs_grad=False, layout=None, **_):
        """`ti.Struct.field({"pos": vec3, "mass": ti.f32}, shape=n)`."""
        return StructType(members).field(shape=shape, name=name, offset=offset, layout=layout)

    def __getattr__(self, name):
        try:
            return self._entries[name]
        except KeyError:
            raise AttributeError(f"struct has no member '{name}'") from None

    def __setattr__(self, name, value):
        if name not in self._entries:
            raise AttributeError(f"struct has no member '{name}'")
        self._entries[name] = value

    def __getitem__(self, name):
        return self._entries[name]

    def keys(self):
        return self._entries.keys()

    def items(self):
        return self._entries.items()

    def to_dict(self):
        return {k: v.to_dict() if isinstance(v, Struct) else
                v.to_numpy() if isinstance(v, Matrix) else v for k, v in self._entries.items()}

    def __eq__(self, other):
        other = other.to_dict() if isinstance(other, Struct) else other
        return isinstance(other, dict) and _equal(self.to_dict(), other)

    def __repr__(self):
        return f"{self._type.name if self._type else 'Struct'}(" + ", ".join(
            f"{k}={v!r}" for k, v in self._entries.items()) + ")"


def _equal(a, b):
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    return bool(np.all(np.asarray(a) == np.asarray(b)))


def member_values(value, stype, what):
    """{member: value} of a Struct, dict or StructElement for `stype` (checked names)."""
    if isinstance(value, StructElement):
        value = value._read()
    if isinstance(value, Struct):
        value = dict(value.items())
    if not isinstance(value, dict):
        raise TaichiTypeError(f"{what}: expected a {stype.name} (a ti.Struct or a dict), got "
                              f"{type(value).__name__}")
    unknown = value.keys() - stype.members.keys()
    if unknown:
        raise TaichiTypeError(f"{what}: {stype.name} has no member {sorted(unknown)[0]!r}")
    return value


def flat_values(value, stype, what):
    """The scalar components of a Python-scope struct value, in StructType.leaves() order."""
    value = member_values(value, stype, what)
    out = []
    for n, t in stype.members.items():
        v = value.get(n, 0)
        if isinstance(t, StructType):
            out.extend(flat_values(v, t, f"{what}.{n}"))
        elif isinstance(t, MatrixType):
            arr = np.asarray(v.to_numpy() if isinstance(v, Matrix) else v)
            if arr.ndim == 0:
                arr = np.full(t.shape, arr.item())
            if arr.shape != t.shape:
                raise TaichiTypeError(f"{what}.{n} must have shape {t.shape}, got {arr.shape}")
            out.extend(arr.reshape(-1).tolist())
        else:
            if isinstance(v, (Matrix, dict, Struct)):
                raise TaichiTypeError(f"{what}.{n} must be a scalar, got {type(v).__name__}")
            out.append(v)
    return out


def unflatten(values, stype, in_kernel=False):
    """A Struct (or, in_kernel, a StructValue) from scalar components in StructType.leaves()
    order."""
    values = list(values)

    def build(t):
        entries = {}
        for n, mt in t.members.items():
            if isinstance(mt, StructType):
                entries[n] = build(mt)
            elif isinstance(mt, MatrixType):
                flat = [values.pop(0) for _ in range(mt.n * mt.m)]
                entries[n] = Matrix._make(flat, mt.n, mt.m, mt.ndim)
            else:
                entries[n] = values.pop(0)
        return StructValue(t, entries) if in_kernel else Struct(entries, t)
    return build(stype)


def unflatten_ir(values, stype):
    return unflatten(values, stype, in_kernel=True)


class StructField:
    """A field of structs: one member field each (`particles.pos` is a vector field), placed
    side by side. `particles[i]` reads and writes whole structs or, by attribute, members."""

    def __init__(self, stype, members, name=""):
        self._type, self._members, self._name = stype, members, name

    @property
    def struct_type(self):
        return self._type

    def _layout_parts(self):
        parts = []
        for f in self._members.values():
            parts.extend(f._layout_parts() if hasattr(f, "_layout_parts") else [f])
        return parts

    def __getattr__(self, name):
        members = self.__dict__.get("_members", {})
        if name in members:
            return members[name]
        raise AttributeError(f"struct field has no member '{name}'")

    def keys(self):
        return list(self._members)

    @property
    def shape(self):
        return next(iter(self._members.values())).shape

    def __repr__(self):
        return f"<ti.Struct.field {self._name or ''} {self._type!r} {self.shape}>"

    # ---- element access (Python scope) ----
    def __getitem__(self, key):
        return StructElement(self, key)

    def __setitem__(self, key, value):
        value = member_values(value, self._type, "struct field element")
        for n, v in value.items():
            self._members[n][key] = v

    # ---- whole-field copies ----
    def to_numpy(self):
        return {n: f.to_numpy() for n, f in self._members.items()}

    def from_numpy(self, arrays):
        arrays = member_values(arrays, self._type, "StructField.from_numpy")
        for n, a in arrays.items():
            self._members[n].from_numpy(a)

    def to_dict(self):
        return self.to_numpy()

    def from_dict(self, arrays):
        self.from_numpy(arrays)

    def fill(self, value):
        for f in self._members.values():
            f.fill(value)

    def copy_from(self, other):
        self.from_numpy(other.to_numpy())


class StructElement:
    """`particles[i]` in Python scope: reads and writes members of one element in place."""

    def __init__(self, sf, key):
        object.__setattr__(self, "_sf", sf)
        object.__setattr__(self, "_key", key)

    def __getattr__(self, name):
        f = self._sf._members.get(name)
        if f is None:
            raise AttributeError(f"struct has no member '{name}'")
        return f[self._key]

    def __setattr__(self, name, value):
        if name not in self._sf._members:
            raise AttributeError(f"struct has no member '{name}'")
        self._sf._members[name][self._key] = value

    def _read(self):
        return Struct({n: f[self._key] for n, f in self._sf._members.items()}, self._sf._type)

    def to_dict(self):
        return self._read().to_dict()

    def __eq__(self, other):
        return self._read() == other

    def __repr__(self):
        return repr(self._read())


def _make_struct_field(stype, name):
    """Unplaced member fields (StructType.field places them)."""
    cfg = runtime.get_program().config
    members = {}
    for n, t in stype.members.items():
        full = f"{name}.{n}" if name else n
        if isinstance(t, StructType):
            members[n] = _make_struct_field(t, full)
        elif isinstance(t, MatrixType):
            members[n] = t.field(name=full)
        else:
            dt = types.resolve_field_dtype(t, cfg.default_ip, cfg.default_fp)
            members[n] = QuantField(dt, full) if isinstance(dt, _core.QuantType) else \
                Field(dt, full)
    return StructField(stype, members, name)


class StructValue:
    """A struct inside a kernel: member -> scalar IR value or number, Matrix, or StructValue.
    As an assignment target its leaves are Refs instead (ast_struct.py)."""

    def __init__(self, stype, members):
        self.stype, self.members = stype, members

    def map(self, fn):
        """fn applied to every non-struct member (scalars and matrices), recursively."""
        return StructValue(self.stype, {n: v.map(fn) if isinstance(v, StructValue) else fn(v)
                                         for n, v in self.members.items()})

    def describe(self):
        return f"{self.stype.name} struct"

