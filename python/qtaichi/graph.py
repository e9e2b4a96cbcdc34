"""`ti.graph`: Taichi's compute graphs -- kernels recorded once with symbolic arguments, then
run with a dict of values. Here a compiled graph launches its kernels in order from Python
(each kernel is compiled on its first launch, as any kernel); launches that read nothing back
are batched by the device anyway. Graph export into AOT modules is not supported."""
import enum

from qtaichi.lang.errors import TaichiRuntimeTypeError, TaichiSyntaxError


class ArgKind(enum.Enum):
    SCALAR = 0
    NDARRAY = 1
    MATRIX = 2
    TEXTURE = 3
    RWTEXTURE = 4


class Arg:
    """A graph argument: `Arg(ArgKind.NDARRAY, "x", dtype=ti.math.vec2, ndim=1)`."""

    def __init__(self, tag, name, dtype=None, ndim=0, field_dim=None, element_shape=(),
                 channel_format=None, shape=(), num_channels=None):
        if not isinstance(tag, ArgKind):
            raise TaichiSyntaxError(f"ti.graph.Arg: the first argument is an ArgKind, got {tag!r}")
        if tag in (ArgKind.TEXTURE, ArgKind.RWTEXTURE):
            raise TaichiSyntaxError("ti.graph.Arg: textures are not supported")
        self.tag, self.name, self.dtype = tag, name, dtype
        self.ndim = field_dim if field_dim is not None else ndim

    def __repr__(self):
        return f"ti.graph.Arg({self.tag.name}, {self.name!r})"


class Sequential:
    """Kernel launches in order (GraphBuilder.create_sequential())."""

    def __init__(self):
        self.steps = []

    def dispatch(self, kernel, *args):
        if not callable(kernel):
            raise TaichiSyntaxError(f"dispatch() takes a kernel, got {kernel!r}")
        self.steps.append((kernel, args))

    def append(self, seq):
        if not isinstance(seq, Sequential):
            raise TaichiSyntaxError("append() takes a sequential node from create_sequential()")
        self.steps.append((seq, ()))

    def _launches(self):
        for what, args in self.steps:
            if isinstance(what, Sequential):
                yield from what._launches()
            else:
                yield what, args


class GraphBuilder(Sequential):
    def create_sequential(self):
        return Sequential()

    def compile(self):
        return Graph(list(self._launches()))


class Graph:
    def __init__(self, launches):
        self.launches = launches
        self.arg_names = {a.name for _, args in launches for a in args if isinstance(a, Arg)}

    def run(self, args):
        missing = sorted(self.arg_names - set(args))
        if missing:
            raise TaichiRuntimeTypeError(f"graph.run(): no value for argument '{missing[0]}'")
        for kernel, symbolic in self.launches:
            kernel(*(args[a.name] if isinstance(a, Arg) else a for a in symbolic))
