"""Vector and matrix values inside kernels (a mixin of KernelTransformer).

Every operation unrolls into one scalar IR statement per entry; shapes are checked at compile
time. Entries may still be Python numbers (`ti.Vector([i, 0])` in a ti.static loop): they become
IR constants (of the matrix's dtype, if it has one) only when an operation needs them."""
from qtaichi.lang.ast_expr import B, U, is_ir, is_scalar
from qtaichi.lang.errors import TaichiSyntaxError, TaichiTypeError
from qtaichi.lang.kernel_args import DynamicRef
from qtaichi.lang.matrix import _COLOR_COMPONENTS, _COMPONENTS, Matrix, check_static_index

MATRIX_METHODS = {"transpose", "dot", "norm", "norm_sqr", "normalized", "outer_product",
                  "cross", "trace", "determinant", "inverse", "sum", "max", "min", "cast"}


class BoundMatrixMethod:
    """`v.norm` evaluated in a kernel, waiting for its call."""

    def __init__(self, matrix, name):
        self.matrix, self.name = matrix, name


class MatrixMixin:
    # ---- entries as IR ----
    def entry_ir(self, mat, e, node):
        if is_ir(e) or mat.dtype is None or not is_scalar(e):
            return self.to_ir(e, node)
        dtype = self.resolve_type(mat.dtype, node)
        if dtype.is_float():
            return self.builder.const_float(dtype, float(e))
        return self.builder.const_int(dtype, int(e))

    def mat_ir(self, mat, node):
        """`mat` with every entry an IR value."""
        return Matrix._make([self.entry_ir(mat, e, node) for e in mat.entries], mat.n, mat.m,
                            mat.ndim)

    def as_matrix(self, v, node, like=None):
        """A Matrix for `v`; a list/tuple becomes one (shaped like `like` when given)."""
        if isinstance(v, Matrix):
            return v
        if isinstance(v, (tuple, list)):
            try:
                m = Matrix(list(v))
            except TaichiTypeError as e:
                raise self.error(TaichiTypeError, str(e), node) from None
            if like is not None and m.n * m.m == like.n * like.m:
                return Matrix._make(m.entries, like.n, like.m, like.ndim)
            return m
        return None

    # ---- elementwise ----
    def elementwise(self, fn, args, node, what="this operation"):
        """fn(*scalar IR values) applied entry by entry; scalars broadcast, matrices must agree
        in shape."""
        shape_of = next((a for a in args if isinstance(a, Matrix)), None)
        if shape_of is None:
            return fn(*[self.to_ir(a, node) for a in args])
        for a in args:
            if isinstance(a, Matrix) and a.shape != shape_of.shape:
                raise self.error(TaichiTypeError, f"{what}: operands have different shapes, "
                                 f"{shape_of.describe()} and {a.describe()}", node)
        cols = []
        for a in args:
            if isinstance(a, Matrix):
                cols.append(self.mat_ir(a, node).entries)
            else:
                cols.append([self.to_ir(a, node)] * len(shape_of.entries))
        self.set_loc(node)
        entries = [fn(*vals) for vals in zip(*cols)]
        return Matrix._make(entries, shape_of.n, shape_of.m, shape_of.ndim)

    def binary_op(self, op, a, b, node, what=None):
        if isinstance(a, (tuple, list)) and isinstance(b, Matrix):
            a = self.as_matrix(a, node, b)
        if isinstance(b, (tuple, list)) and isinstance(a, Matrix):
            b = self.as_matrix(b, node, a)
        return self.elementwise(lambda x, y: self.builder.binary(op, x, y), [a, b], node,
                                what or f"'{op.name}'")

    def unary_op(self, op, v, node):
        return self.elementwise(lambda x: self.builder.unary(op, x), [v], node, f"'{op.name}'")

    def cast_op(self, v, dtype, node):
        return self.elementwise(lambda x: self.builder.cast(x, dtype), [v], node, "cast")

    def sum_of(self, values, node):
        total = values[0]
        for v in values[1:]:
            total = self.builder.binary(B.add, total, v)
        return total

    # ---- @ ----
    def matmul(self, a, b, node):
        if not (isinstance(a, Matrix) and isinstance(b, Matrix)):
            raise self.error(TaichiTypeError, "'@' needs a matrix or vector on both sides", node)
        a, b = self.mat_ir(a, node), self.mat_ir(b, node)
        if a.ndim == 1 and b.ndim == 1:  # vector @ vector: the dot product (Taichi)
            return self.dot(a, b, node)
        if a.ndim == 1:
            raise self.error(TaichiTypeError, f"cannot multiply a {a.describe()} by a "
                             f"{b.describe()}: transpose the vector first", node)
        if a.m != b.n:
            raise self.error(TaichiTypeError, f"'@': cannot multiply a {a.describe()} by a "
                             f"{b.describe()}", node)
        mul = self.builder.binary
        entries = [self.sum_of([mul(B.mul, a.entry(i, k), b.entry(k, j)) for k in range(a.m)],
                               node) for i in range(a.n) for j in range(b.m)]
        return Matrix._make(entries, a.n, b.m, b.ndim)

    def dot(self, a, b, node):
        b = self.as_matrix(b, node, a)
        if not isinstance(b, Matrix) or a.shape != b.shape or a.ndim != 1:
            other = b.describe() if isinstance(b, Matrix) else repr(b)
            raise self.error(TaichiTypeError, f"dot: needs two vectors of the same size, got a "
                             f"{a.describe()} and {other}", node)
        a, b = self.mat_ir(a, node), self.mat_ir(b, node)
        return self.sum_of([self.builder.binary(B.mul, x, y)
                            for x, y in zip(a.entries, b.entries)], node)

    # ---- attributes and subscripts ----
    def matrix_attribute(self, mat, attr, node):
        if attr in ("n", "m"):
            return getattr(mat, attr)
        if attr in MATRIX_METHODS:
            return BoundMatrixMethod(mat, attr)
        names = _COMPONENTS if attr and set(attr) <= set(_COMPONENTS) else \
            _COLOR_COMPONENTS if attr and set(attr) <= set(_COLOR_COMPONENTS) else None
        if names is not None:
            if mat.ndim != 1:
                raise self.error(TaichiSyntaxError, f"'.{attr}' needs a vector, got a "
                                 f"{mat.describe()}", node)
            idx = [names.index(c) for c in attr]
            if max(idx) >= mat.n:
                raise self.error(TaichiSyntaxError, f"a {mat.describe()} has no component "
                                 f"'{attr}'", node)
            if len(idx) == 1:
                return mat.entries[idx[0]]
            return Matrix._make([mat.entries[i] for i in idx], len(idx), 1, 1, mat.dtype)
        raise self.error(TaichiSyntaxError, f"a {mat.describe()} has no attribute '{attr}'",
                         node)

    def matrix_subscript(self, mat, index, node, for_store=False):
        """`v[i]`, `M[i, j]`, `M[i]` (a row). Indices known at compile time pick an entry; a
        kernel value (loads only) selects among the entries."""
        if len(index) not in (1, 2) or (mat.ndim == 1 and len(index) != 1):
            raise self.error(TaichiSyntaxError, f"a {mat.describe()} takes {mat.ndim} "
                             f"ind{'ex' if mat.ndim == 1 else 'ices'}, got {len(index)}", node)
        if any(isinstance(i, slice) for i in index):
            return self.matrix_slice(mat, index, node)
        if any(is_ir(i) for i in index):
            if for_store:
                if len(index) != mat.ndim:
                    raise self.error(TaichiSyntaxError, "assigning to a matrix row needs an index "
                                     "known at compile time; give both indices", node)
                b = self.builder
                idx = [self.to_ir(i, node) for i in index]
                flat = idx[0] if len(idx) == 1 else b.binary(
                    B.add, b.binary(B.mul, idx[0], self.to_ir(mat.m, node)), idx[1])
                return DynamicRef(list(mat.entries), flat)
            return self.dynamic_subscript(mat, index, node)
        try:
            i = check_static_index(index[0], mat.n, mat.describe())
            if len(index) == 1:
                if mat.ndim == 1:
                    return mat.entries[i]
                return Matrix._make(mat.entries[i * mat.m:(i + 1) * mat.m], mat.m, 1, 1,
                                    mat.dtype)
            j = check_static_index(index[1], mat.m, mat.describe())
        except TaichiSyntaxError as e:
            raise self.error(TaichiSyntaxError, str(e), node) from None
        return mat.entry(i, j)

    def matrix_slice(self, mat, index, node):
        """`v[a:b]` (a vector), `M[a:b]` (rows), `M[i, a:b]` / `M[a:b, j]` (a vector),
        `M[a:b, c:d]` (a matrix); the entries are the original's (stores go through)."""
        if any(is_ir(i) for i in index):
            raise self.error(TaichiSyntaxError, "a slice and a run-time index cannot be mixed",
                             node)
        try:
            picks = []
            for k, i in enumerate(index):
                size = mat.n if k == 0 else mat.m
                picks.append(list(range(size))[i] if isinstance(i, slice) else
                             [check_static_index(i, size, mat.describe())])
        except TaichiSyntaxError as e:
            raise self.error(TaichiSyntaxError, str(e), node) from None
        if mat.ndim == 1:
            return Matrix._make([mat.entries[r] for r in picks[0]], len(picks[0]), 1, 1,
                                mat.dtype)
        rows = picks[0]
        cols = picks[1] if len(picks) == 2 else list(range(mat.m))
        entries = [mat.entry(r, c) for r in rows for c in cols]
        if not entries:
            raise self.error(TaichiSyntaxError, "this slice selects no entries", node)
        vector = len(index) == 2 and not all(isinstance(i, slice) for i in index)
        if vector:
            return Matrix._make(entries, len(entries), 1, 1, mat.dtype)
        return Matrix._make(entries, len(rows), len(cols), 2, mat.dtype)

    def dynamic_subscript(self, mat, index, node):
        """A chain of selects: every entry is compared with the runtime index."""
        mat = self.mat_ir(mat, node)
        b = self.builder
        idx = [self.to_ir(i, node) for i in index]
        if len(idx) == 1 and mat.ndim == 2:
            rows = [Matrix._make(mat.entries[r * mat.m:(r + 1) * mat.m], mat.m, 1, 1)
                    for r in range(mat.n)]
            result = rows[0]
            for r in range(1, mat.n):
                hit = b.binary(B.cmp_eq, idx[0], self.to_ir(r, node))
                result = self.elementwise(lambda x, y: b.select(hit, x, y), [rows[r], result],
                                          node)
            return result
        flat = idx[0] if len(idx) == 1 else b.binary(
            B.add, b.binary(B.mul, idx[0], self.to_ir(mat.m, node)), idx[1])
        result = mat.entries[0]
        for k in range(1, len(mat.entries)):
            result = b.select(b.binary(B.cmp_eq, flat, self.to_ir(k, node)), mat.entries[k],
                              result)
        return result

    # ---- methods ----
    def call_matrix_method(self, bound, args, kwargs, node):
        mat, name = bound.matrix, bound.name
        allowed = {"norm": {"eps"}, "normalized": {"eps"}, "cast": {"dtype"}}.get(name, set())
        if kwargs.keys() - allowed:
            raise self.error(TaichiSyntaxError, f"{name}() got unexpected keyword arguments "
                             f"{sorted(kwargs.keys() - allowed)}", node)
        if name == "cast":
            dtype = kwargs.get("dtype", args[0] if args else None)
            return self.cast_op(mat, self.resolve_type(dtype, node), node)
        if name in ("dot", "outer_product", "cross"):
            if len(args) != 1:
                raise self.error(TaichiSyntaxError, f"{name}() takes one vector", node)
            other = self.as_matrix(args[0], node, mat)
            if name == "dot":
                return self.dot(mat, other, node)
            return self.outer_or_cross(name, mat, other, node)
        if name in ("norm", "normalized") and len(args) == 1 and "eps" not in kwargs:
            kwargs, args = {"eps": args[0]}, []  # v.norm(1e-5), as Taichi allows
        if args:
            raise self.error(TaichiSyntaxError, f"{name}() takes no positional arguments", node)
        m = self.mat_ir(mat, node)
        b = self.builder
        if name == "transpose":
            if m.ndim == 1:
                return Matrix._make(m.entries, 1, m.n, 2)
            return Matrix._make([m.entry(i, j) for j in range(m.m) for i in range(m.n)], m.m,
                                m.n, 2)
        if name in ("sum", "max", "min"):
            op = {"sum": B.add, "max": B.max, "min": B.min}[name]
            result = m.entries[0]
            for e in m.entries[1:]:
                result = b.binary(op, result, e)
            return result
        if name in ("norm_sqr", "norm", "normalized"):
            sq = self.sum_of([b.binary(B.mul, e, e) for e in m.entries], node)
            if name == "norm_sqr":
                return sq
            eps = kwargs.get("eps", 0)
            if name == "norm":
                return b.unary(U.sqrt, self.binary_op(B.add, sq, eps, node))
            inv = self.binary_op(B.truediv, 1, self.binary_op(B.add, b.unary(U.sqrt, sq), eps,
                                                                node), node)
            return self.binary_op(B.mul, inv, m, node)
        # square matrices
        if m.ndim != 2 or m.n != m.m:
            raise self.error(TaichiTypeError, f"{name}() needs a square matrix, got a "
                             f"{m.describe()}", node)
        if name == "trace":
            return self.sum_of([m.entry(i, i) for i in range(m.n)], node)
        if m.n > 4:
            raise self.error(TaichiTypeError, f"{name}() supports matrices up to 4x4, got a "
                             f"{m.describe()}", node)
        rows = [[m.entry(i, j) for j in range(m.n)] for i in range(m.n)]
        det = self.determinant(rows, node)
        if name == "determinant":
            return det
        inv_det = self.binary_op(B.truediv, 1, det, node)  # one division, then multiplies
        n = m.n
        entries = []
        for i in range(n):
            for j in range(n):
                if n == 1:
                    cof = self.to_ir(1, node)
                else:
                    cof = self.determinant(_minor(rows, j, i), node)
                    if (i + j) % 2:
                        cof = b.unary(U.neg, cof)
                entries.append(self.binary_op(B.mul, cof, inv_det, node))
        return Matrix._make(entries, n, n, 2)

    def determinant(self, rows, node):
        """Laplace expansion along the first row (n <= 4: at most 24 products)."""
        b = self.builder
        if len(rows) == 1:
            return rows[0][0]
        if len(rows) == 2:
            return b.binary(B.sub, b.binary(B.mul, rows[0][0], rows[1][1]),
                            b.binary(B.mul, rows[0][1], rows[1][0]))
        total = None
        for j in range(len(rows)):
            term = b.binary(B.mul, rows[0][j], self.determinant(_minor(rows, 0, j), node))
            if total is None:
                total = term
            else:
                total = b.binary(B.sub if j % 2 else B.add, total, term)
        return total

    def outer_or_cross(self, name, a, other, node):
        if not isinstance(other, Matrix) or a.ndim != 1 or other.ndim != 1:
            raise self.error(TaichiTypeError, f"{name}() needs two vectors", node)
        a, c = self.mat_ir(a, node), self.mat_ir(other, node)
        b = self.builder
        if name == "outer_product":
            return Matrix._make([b.binary(B.mul, x, y) for x in a.entries for y in c.entries],
                                a.n, c.n, 2)
        if a.n != c.n or a.n not in (2, 3):
            raise self.error(TaichiTypeError, f"cross() needs two 2- or 3-vectors, got a "
                             f"{a.describe()} and a {c.describe()}", node)
        x, y = a.entries, c.entries

        def det2(p, q, r, s):
            return b.binary(B.sub, b.binary(B.mul, p, q), b.binary(B.mul, r, s))

        if a.n == 2:
            return det2(x[0], y[1], x[1], y[0])
        return Matrix._make([det2(x[1], y[2], x[2], y[1]), det2(x[2], y[0], x[0], y[2]),
                             det2(x[0], y[1], x[1], y[0])], 3, 1, 1)

    def matrix_from_type(self, mtype, args, node):
        try:
            m = mtype(*args)
        except TaichiTypeError as e:
            raise self.error(TaichiTypeError, str(e), node) from None
        if mtype.dtype is not None:
            dtype = self.resolve_type(mtype.dtype, node)
            m = self.cast_op(m, dtype, node)
        return m


def _minor(rows, skip_row, skip_col):
    return [[v for j, v in enumerate(r) if j != skip_col] for i, r in enumerate(rows)
            if i != skip_row]
