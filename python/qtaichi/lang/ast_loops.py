"""For loops in kernels (a mixin of KernelTransformer): range / ti.ndrange / struct-for over a
field, `ti.grouped(...)` (one vector index), `ti.static(...)` (unrolled at compile time) and
`ti.loop_config(...)` (applies to the next loop)."""
import ast

from qtaichi.lang import ops
from qtaichi.lang.ast_expr import B, Var, is_ir, is_scalar
from qtaichi.lang.errors import TaichiSyntaxError, TaichiTypeError
from qtaichi.lang.field import Field
from qtaichi.lang.kernel_args import NdarrayRef
from qtaichi.lang.matrix import Matrix
from qtaichi.lang.matrix_field import MatrixField
from qtaichi.lang.struct import StructField
from qtaichi.lang.quant import describe as describe_type


class LoopMixin:
    def stmt_For(self, node):
        if node.orelse:
            raise self.error(TaichiSyntaxError, "unsupported syntax in a kernel: 'for ... else'",
                             node)
        targets = node.target.elts if isinstance(node.target, ast.Tuple) else [node.target]
        for t in targets:
            if not isinstance(t, ast.Name):
                raise self.error(TaichiSyntaxError, "loop variables must be plain names", node)
        names = [t.id for t in targets]
        if len(set(names)) != len(names):
            raise self.error(TaichiSyntaxError, "loop variables must be distinct", node)
        it = node.iter
        func = self.eval(it.func) if isinstance(it, ast.Call) else None
        if func is ops.static:
            return self.static_for(node, names)
        grouped = func is ops.grouped
        if grouped:
            if len(it.args) != 1 or it.keywords:
                raise self.error(TaichiSyntaxError, "ti.grouped() takes one field or "
                                 "ti.ndrange()", it)
            if len(names) != 1:
                raise self.error(TaichiSyntaxError, "a ti.grouped() loop has one loop variable "
                                 "(a vector of indices)", node)
            dims = self.loop_dims(it.args[0])
        else:
            dims = self.loop_dims(it)
            if len(dims) != len(names):
                raise self.error(TaichiSyntaxError, f"this loop has {len(dims)} ind"
                                 f"{'ex' if len(dims) == 1 else 'ices'} but {len(names)} loop "
                                 f"variable{'s' if len(names) != 1 else ''}", node)
        if self.loop_config and self.loop_config.get("bit_vectorize"):
            self.check_bit_vectorize(it, grouped)
        self.set_loc(node)
        loop, indices = self.flat_range_for(dims, node)
        if grouped:
            scope = {names[0]: Var("value", Matrix._make(indices, len(indices), 1, 1),
                                   "loop variable")}
        else:
            scope = {n: Var("value", i, "loop variable") for n, i in zip(names, indices)}
        self.scopes.append(scope)
        self.loops.append("range")
        try:
            self.run_block(loop.body, node.body)
        finally:
            self.loops.pop()
            self.scopes.pop()

    def check_bit_vectorize(self, it, grouped):
        """ti.loop_config(bit_vectorize=True) before a struct-for over a field: the field must
        be a 1-bit quant array (the bit_vectorize pass checks the body)."""
        iterable = None if isinstance(it, ast.Call) else self.eval(it)
        if grouped or not isinstance(iterable, Field):
            return
        qtype = getattr(iterable, "quant_type", None)
        if qtype is None or qtype.storage_bits != 1:
            what = describe_type(qtype) if qtype is not None else str(iterable.dtype)
            raise self.error(TaichiSyntaxError, f"bit_vectorize: {self.describe(it)} is a field "
                             f"of {what}; ti.loop_config(bit_vectorize=True) needs a struct-for "
                             "over a 1-bit quant array (ti.types.quant.int(1, False) placed "
                             "under quant_array(ti.j, 32 or 64))", it)

    def static_for(self, node, names):
        """`for i in ti.static(iterable)`: the body is built once per item, in place."""
        it = node.iter
        if len(it.args) != 1 or it.keywords:
            raise self.error(TaichiSyntaxError, "ti.static() in a for loop takes one iterable",
                             it)
        iterable = self.static_iterable(it.args[0])
        try:
            items = list(iterable) if not is_ir(iterable) else None
        except TypeError:
            items = None
        if items is None:
            raise self.error(TaichiSyntaxError, f"ti.static() loops need an iterable known at "
                             f"compile time, got {self.describe(it.args[0])}", it)
        for item in items:
            if len(names) == 1:
                values = [item]
            else:
                values = list(item.entries if isinstance(item, Matrix) else item) \
                    if isinstance(item, (tuple, list, Matrix)) else [item]
                if len(values) != len(names):
                    raise self.error(TaichiSyntaxError, f"cannot unpack {item!r} into "
                                     f"{len(names)} loop variables", node)
            self.scopes.append({n: Var("value", v, "loop variable")
                                for n, v in zip(names, values)})
            self.loops.append("static")
            self.depth += 1
            try:
                self.build_stmts(node.body)
            finally:
                self.depth -= 1
                self.loops.pop()
                self.scopes.pop()

    def static_iterable(self, node):
        """The iterable of a ti.static() loop; ti.ndrange/ti.grouped are made here (elsewhere
        in a kernel they only name a loop's iteration space)."""
        if isinstance(node, ast.Call):
            func = self.eval(node.func)
            if func is ops.ndrange or func is ops.grouped or func is range:
                if node.keywords:
                    raise self.error(TaichiSyntaxError, f"{self.describe(node.func)} takes no "
                                     "keywords", node)
                args = []
                for a in node.args:
                    if isinstance(a, ast.Starred):  # ti.ndrange(*shape)
                        args.extend(self.call_args(ast.Call(func=node.func, args=[a],
                                                            keywords=[])))
                    else:
                        args.append(self.static_iterable(a))
                if any(is_ir(a) for a in args):
                    raise self.error(TaichiSyntaxError, f"ti.static() loops need bounds known at "
                                     f"compile time, got {self.describe(node)}", node)
                try:
                    return func(*args)
                except TypeError as e:
                    raise self.error(TaichiSyntaxError, f"{self.describe(node)}: {e}",
                                     node) from None
        return self.eval(node)

    # ---- loops ----
    def loop_dims(self, it):
        """[(lo, hi), ...] of a for loop's iterable: range(), ti.ndrange() or a field. Bounds
        are Python ints or IR values."""
        func = self.eval(it.func) if isinstance(it, ast.Call) else None
        if func is range:
            if it.keywords or not 1 <= len(it.args) <= 3:
                raise self.error(TaichiSyntaxError, "range() takes 1 to 3 arguments", it)
            args = [self.eval(a) for a in it.args]
            if len(args) == 3:
                step = args[2]
                if is_ir(step) or not isinstance(step, int) or step == 0:
                    raise self.error(TaichiSyntaxError, "range() in a kernel needs a step that "
                                     "is a non-zero integer known at compile time", it)
                if step != 1:
                    return [self.stepped_range(args[0], args[1], step, it)]
                args = args[:2]
            return [(0, args[0])] if len(args) == 1 else [tuple(args)]
        if func is ops.ndrange:
            if it.keywords or not it.args:
                raise self.error(TaichiSyntaxError, "ti.ndrange() takes one or more extents and "
                                 "no keywords", it)
            dims = []
            for v in self.call_args(it):  # ti.ndrange(*shape) unpacks
                if isinstance(v, (tuple, list)) and len(v) == 2:
                    v = tuple(v)
                    dims.append(v)
                elif is_ir(v) or is_scalar(v):
                    dims.append((0, v))
                else:
                    raise self.error(TaichiSyntaxError, "each ti.ndrange() argument must be an "
                                     "extent n or a pair (lo, hi)", it)
            return dims
        if func is None:
            iterable = self.eval(it)
            if isinstance(iterable, (Field, MatrixField, StructField)):
                parts = iterable._layout_parts() if hasattr(iterable, "_layout_parts") else \
                    [iterable]
                for f in parts:
                    self.field_node(f, it)
                return [(0, s) for s in iterable.shape]
            if isinstance(iterable, NdarrayRef):
                return [(0, s) for s in iterable.shape]
            if isinstance(iterable, ops.ndrange):
                return [d if isinstance(d, tuple) else (0, d) for d in iterable.dims]
        raise self.error(TaichiSyntaxError, "unsupported syntax in a kernel: for loops go over "
                         "range(), ti.ndrange(), a field, ti.grouped(...) or ti.static(...)", it)

    def stepped_range(self, lo, hi, step, node):
        """range(lo, hi, step) as (0, count, (lo, step)): the loop counts, the index is
        lo + k * step (Python's count: ceil((hi - lo) / step), at least 0)."""
        b = self.builder
        if is_scalar(lo) and is_scalar(hi):
            count = len(range(int(lo), int(hi), step))
        else:
            span = (b.binary(B.sub, self.to_ir(hi, node), self.to_ir(lo, node)) if step > 0 else
                    b.binary(B.sub, self.to_ir(lo, node), self.to_ir(hi, node)))
            n = abs(step)
            count = b.binary(B.floordiv, b.binary(B.add, span, self.to_ir(n - 1, node)),
                             self.to_ir(n, node))
            count = b.binary(B.max, count, self.to_ir(0, node))
        return (0, count, (lo, step))

    def flat_range_for(self, dims, node):
        """One range_for over the product of `dims`, and the index of each dim (recovered with
        div and mod, so an outermost loop stays flat and parallel)."""
        b = self.builder
        steps = [d[2] if len(d) == 3 else None for d in dims]  # stepped ranges: (lo, step)
        dims = [d[:2] for d in dims]
        for lo, hi in dims:
            for v in (lo, hi):
                if not (is_ir(v) or is_scalar(v)):
                    raise self.error(TaichiTypeError, f"loop bounds must be integers, got {v!r}",
                                     node)
        if len(dims) == 1:
            lo, hi = dims[0]
            loop = self.new_range_for(self.to_ir(lo, node), self.to_ir(hi, node))
            b.push_block(loop.body)
            index = self.apply_step(b.loop_index(loop), steps[0], node)
            b.pop_block()
            return loop, [index]
        extents = []
        for lo, hi in dims:
            if is_ir(lo) or is_ir(hi):
                diff = b.binary(B.sub, self.to_ir(hi, node), self.to_ir(lo, node))
                extents.append(b.binary(B.max, diff, self.to_ir(0, node)))
            else:
                extents.append(max(0, int(hi) - int(lo)))
        strides = [1] * len(dims)  # Python ints or IR values
        for d in range(len(dims) - 2, -1, -1):
            strides[d] = self.multiply(strides[d + 1], extents[d + 1], node)
        total = self.multiply(strides[0], extents[0], node)
        loop = self.new_range_for(self.to_ir(0, node), self.to_ir(total, node))
        b.push_block(loop.body)
        flat = b.loop_index(loop)
        indices = []
        for d, (lo, _) in enumerate(dims):
            v = flat
            if not (is_scalar(strides[d]) and strides[d] == 1):
                v = b.binary(B.div, v, self.to_ir(strides[d], node))
            if d > 0:
                v = b.binary(B.mod, v, self.to_ir(extents[d], node))
            if is_ir(lo) or lo != 0:
                v = b.binary(B.add, v, self.to_ir(lo, node))
            indices.append(self.apply_step(v, steps[d], node))
        b.pop_block()
        return loop, indices

    def apply_step(self, k, step, node):
        """The index of a stepped range's k-th iteration: lo + k * step."""
        if step is None:
            return k
        lo, s = step
        b = self.builder
        return b.binary(B.add, self.to_ir(lo, node), b.binary(B.mul, k, self.to_ir(s, node)))

    def new_range_for(self, begin, end):
        loop = self.builder.range_for(begin, end)
        # A loop of a func that returns from inside it must be able to stop early: serial, even
        # where it would be the kernel's outermost (parallel) loop.
        if isinstance(self.func_guard, tuple):
            loop.serialize = True
        config, self.loop_config = self.loop_config, None
        if config is not None:
            loop.serialize = bool(config.get("serialize", False))
            block_dim = config.get("block_dim")
            if block_dim:
                loop.block_dim = int(block_dim)
            # A struct-for over 1-bit quant arrays that runs on whole words (the
            # bit_vectorize pass checks the body and reports what it cannot vectorize).
            loop.bit_vectorize = bool(config.get("bit_vectorize", False))
        return loop

    def multiply(self, a, b, node):
        if is_scalar(a) and is_scalar(b):
            return int(a) * int(b)
        return self.builder.binary(B.mul, self.to_ir(a, node), self.to_ir(b, node))
