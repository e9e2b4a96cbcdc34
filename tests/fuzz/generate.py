"""Random typed kernels for differential testing: a program is a small tree of statements and
expressions that renders to qtaichi kernel source and is evaluated by reference.py's rules.

Each program has scalar arguments of random types, a parallel loop over `LANES` lanes, and in
the loop body random locals, arithmetic of every operator on all ten primitive types, casts,
selects, if/else, serial inner loops with break/continue, integer atomics into accumulators,
stores into one output field per type, and a random bit-packed layout of quant members that is
written and read back."""
import math

import numpy as np

import reference as R

LANES = 16
SLOTS = 6
BIN_ANY = ["+", "-", "*", "/", "//", "%", "min", "max", "<", "<=", ">", ">=", "==", "!=",
           "and", "or"]
BIN_INT = ["&", "|", "^", "<<", ">>", "**"]
UN_ANY = ["-", "abs", "not", "sqrt", "floor", "ceil", "round"]
UN_INT = ["~"]
AUG = ["+", "-", "*", "//", "%", "&", "|", "^", "<<", ">>", "min", "max"]
ATOMIC_OPS = ["add", "sub", "min", "max", "and", "or", "xor"]


class Gen:
    def __init__(self, seed, quant=True):
        self.rng = np.random.default_rng(seed)
        self.seed = seed
        self.n_vars = 0
        self.args = [self.rand_type() for _ in range(int(self.rng.integers(1, 4)))]
        self.arg_values = [self.rand_value(t) for t in self.args]
        self.quant = self.rand_quant_layout() if quant else []
        self.atomic_types = []
        self.atomic_family = {}

    # ---- random choices ----
    def pick(self, seq):
        return seq[int(self.rng.integers(len(seq)))]

    def chance(self, p):
        return self.rng.random() < p

    def rand_type(self):
        return self.pick(R.TYPES)

    def rand_value(self, t):
        """A value of type t: edges of the range, small numbers, and (floats) values exact in
        f32 so that literals and arguments mean the same to both sides."""
        if R.is_float(t):
            kind = self.rng.integers(6)
            if kind == 0:
                return float(self.pick([0.0, -0.0, 0.5, -1.5, 1e30, -1e-30, 3.0e38, 65504.0]))
            if kind == 1:
                return float(np.float32(self.rng.uniform(-4, 4)))
            if kind == 2:
                return float(np.float32(self.rng.uniform(-1, 1) * 2.0 ** self.rng.integers(-20, 40)))
            return float(self.rng.integers(-20, 21)) / float(self.pick([1, 2, 4, 8, 3]))
        lo, hi = R.int_range(t)
        kind = self.rng.integers(5)
        if kind == 0:
            return int(self.pick([lo, hi, lo + 1, hi - 1, 0]))
        if kind == 1:
            return int(self.rng.integers(max(lo, -9), min(hi, 9) + 1))
        span = hi - lo + 1
        return int(lo + int(self.rng.integers(0, 2**62)) * (span // 2**62 + 1) % span)

    def rand_quant_layout(self):
        """Members of one bit struct (int, fixed, float, and sometimes a shared-exponent group
        of floats), as (container bits, reference tuple, shared group or None)."""
        container = int(self.pick([8, 16, 32, 64]))
        members, used = [], 0
        if container >= 16 and self.chance(0.4):
            e = int(self.rng.integers(2, 6))
            n = int(self.rng.integers(2, 4))
            per = (container - e) // n
            if per >= 3:
                for _ in range(n):
                    sg = bool(self.rng.integers(2))
                    f = int(self.rng.integers(1 + sg + 1, min(23 + sg, per) + 1))
                    members.append((container, ("float", e, f, sg), 0))
                    used += f
                used += e
        for _ in range(int(self.rng.integers(1, 4))):
            room = container - used
            kind = self.pick(["int", "fixed", "float"])
            sg = bool(self.rng.integers(2))
            if kind == "int" and room >= 1 + sg:
                b = int(self.rng.integers(1 + sg, min(room, 32) + 1))
                members.append((container, ("int", b, sg), None))
                used += b
            elif kind == "fixed" and room >= 2 + sg:
                b = int(self.rng.integers(2 + sg, min(room, 24) + 1))
                members.append((container, ("fixed", b, sg,
                                                float(self.pick([0.25, 0.1, 1.5, 2.0**-6]))),
                                None))
                used += b
            elif kind == "float" and room >= 4 + 2 * sg:
                e = int(self.rng.integers(2, min(8, room - 2 - sg) + 1))
                f = int(self.rng.integers(1 + sg, min(23 + sg, room - e) + 1))
                members.append((container, ("float", e, f, sg), None))
                used += e + f
        return members

    # ---- expressions: (node, type) ----
    def expr(self, scope, depth, want_int=False):
        if depth <= 0 or self.chance(0.25):
            return self.leaf(scope, want_int)
        r = self.rng.random()
        if r < 0.5:
            ops = BIN_INT if want_int else BIN_ANY + BIN_INT
            op = self.pick(ops)
            need_int = want_int or op in BIN_INT
            a, ta = self.expr(scope, depth - 1, need_int)
            b, tb = self.expr(scope, depth - 1, need_int)
            if op == "**" and (R.is_float(ta) or R.is_float(tb)):
                op = "*"
            if op in BIN_INT and (R.is_float(ta) or R.is_float(tb)):
                return a, ta
            t = self.binary_type(op, ta, tb)
            if want_int and R.is_float(t):
                return a, ta
            return ("bin", op, a, b), t
        if r < 0.65:
            op = self.pick(UN_INT if want_int else UN_ANY + UN_INT)
            a, ta = self.expr(scope, depth - 1, want_int or op in UN_INT)
            if op == "~" and R.is_float(ta):
                op = "-"
            t = "i32" if op == "not" else ta
            if op in ("sqrt", "floor", "ceil", "round"):
                if want_int:
                    return a, ta
                t = ta if R.is_float(ta) else "f32"
            return ("un", op, a), t
        if r < 0.85:
            t = self.pick(R.INTS) if want_int else self.rand_type()
            a, _ = self.expr(scope, depth - 1)
            return ("cast", t, a), t
        c, _ = self.expr(scope, depth - 1)
        a, ta = self.expr(scope, depth - 1, want_int)
        b, tb = self.expr(scope, depth - 1, want_int)
        return ("sel", c, a, b), R.promote(ta, tb)

    def binary_type(self, op, ta, tb):
        if op in ("<", "<=", ">", ">=", "==", "!=", "and", "or"):
            return "i32"
        if op in ("<<", ">>"):
            return ta
        if op == "/" and not R.is_float(ta) and not R.is_float(tb):
            return "f32"
        return R.promote(ta, tb)

    def leaf(self, scope, want_int):
        choices = ["lit", "idx", "arg"] + ["var"] * 3 + (["q"] if self.quant else [])
        kind = self.pick(choices)
        if kind == "var":
            names = [n for n, t in scope.items() if not (want_int and R.is_float(t))]
            if names:
                n = self.pick(names)
                return ("var", n), scope[n]
        if kind == "arg":
            ks = [k for k, t in enumerate(self.args) if not (want_int and R.is_float(t))]
            if ks:
                k = self.pick(ks)
                return ("arg", k), self.args[k]
        if kind == "q":
            k = int(self.rng.integers(len(self.quant)))
            t = quant_compute(self.quant[k][1])
            if not (want_int and R.is_float(t)):
                return ("q", k), t
        if kind == "idx":
            return ("idx",), "i32"
        t = self.pick(R.INTS) if want_int else self.rand_type()
        return ("lit", t, self.rand_value(t)), t

    # ---- statements ----
    def block(self, scope, depth, n, in_loop):
        out = []
        scope = dict(scope)
        for _ in range(n):
            out.append(self.stmt(scope, depth, in_loop))
        return out

    def stmt(self, scope, depth, in_loop):
        r = self.rng.random()
        if r < 0.22 or not scope:
            name = f"v{self.n_vars}"
            self.n_vars += 1
            e, t = self.expr(scope, 3)
            scope[name] = t
            return ("new", name, e, t)
        assignable = [n for n in scope if not n.startswith("j")]  # loop variables are not
        if r < 0.34 and assignable:
            name = self.pick(assignable)
            e, _ = self.expr(scope, 3)
            return ("assign", name, e)
        if r < 0.46 and assignable:
            name = self.pick(assignable)
            int_var = not R.is_float(scope[name])
            op = self.pick(AUG if int_var else ["+", "-", "*", "//", "%", "min", "max"])
            e, te = self.expr(scope, 2, want_int=op in ("&", "|", "^", "<<", ">>"))
            return ("aug", name, op, e)
        if r < 0.64:
            t = self.rand_type()
            e, _ = self.expr(scope, 3)
            return ("store", t, int(self.rng.integers(SLOTS)), e)
        if r < 0.70:
            t = self.pick(R.INTS)
            if t not in self.atomic_types:
                self.atomic_types.append(t)
            e, _ = self.expr(scope, 2)
            return ("atomic", self.atomic_op(t), t, e)
        if r < 0.76 and self.quant:
            k = int(self.rng.integers(len(self.quant)))
            e, _ = self.expr(scope, 3)
            return ("qstore", k, e)
        if r < 0.86 and depth > 0:
            c, _ = self.expr(scope, 2)
            return ("if", c, self.block(scope, depth - 1, int(self.rng.integers(1, 4)), in_loop),
                    self.block(scope, depth - 1, int(self.rng.integers(0, 3)), in_loop))
        if r < 0.94 and depth > 0:
            j = f"j{self.n_vars}"
            self.n_vars += 1
            inner = dict(scope)
            inner[j] = "i32"
            return ("for", j, int(self.rng.integers(0, 5)),
                    self.block(inner, depth - 1, int(self.rng.integers(1, 4)), True))
        if in_loop and self.chance(0.5):
            c, _ = self.expr(scope, 2)
            return ("if", c, [("break",) if self.chance(0.5) else ("continue",)], [])
        e, t = self.expr(scope, 3)
        return ("store", t, int(self.rng.integers(SLOTS)), e)

    def atomic_op(self, t):
        """One family of atomics per accumulator: different ones (an and after an xor, a min
        after an add) do not commute, so lanes running in parallel could legally end with
        another value than the sequential reference. add and sub commute (wrapping)."""
        if t not in self.atomic_family:
            op = self.pick(ATOMIC_OPS)
            self.atomic_family[t] = ["add", "sub"] if op in ("add", "sub") else [op]
        return self.pick(self.atomic_family[t])

    def program(self):
        body = self.block({}, 2, int(self.rng.integers(3, 10)), False)
        return Program(self.args, self.arg_values, self.quant, self.atomic_types, body,
                       self.seed)


def quant_compute(m):
    if m[0] == "int":
        return ("i" if m[2] else "u") + ("32" if m[1] <= 32 else "64")
    return "f32"


class Program:
    def __init__(self, args, arg_values, quant, atomic_types, body, seed):
        self.args, self.arg_values, self.quant = args, arg_values, quant
        self.atomic_types, self.body, self.seed = atomic_types, body, seed

    # ---- rendering ----
    def source(self):
        params = ", ".join(f"a{k}: ti.{t}" for k, t in enumerate(self.args))
        lines = [f"def fuzz_kernel({params}):", f"    for i in range({LANES}):"]
        self.render_block(self.body, lines, 2)
        return "\n".join(lines) + "\n"

    def render_block(self, stmts, lines, indent):
        pad = "    " * indent
        if not stmts:
            lines.append(pad + "pass")
        for s in stmts:
            k = s[0]
            if k == "new":
                lines.append(f"{pad}{s[1]} = {self.render(s[2])}")
            elif k == "assign":
                lines.append(f"{pad}{s[1]} = {self.render(s[2])}")
            elif k == "aug":
                if s[2] in ("min", "max"):
                    lines.append(f"{pad}{s[1]} = ti.{s[2]}({s[1]}, {self.render(s[3])})")
                else:
                    lines.append(f"{pad}{s[1]} {s[2]}= {self.render(s[3])}")
            elif k == "store":
                lines.append(f"{pad}out_{s[1]}[i, {s[2]}] = {self.render(s[3])}")
            elif k == "atomic":
                lines.append(f"{pad}ti.atomic_{s[1]}(acc_{s[2]}[None], {self.render(s[3])})")
            elif k == "qstore":
                lines.append(f"{pad}q{s[1]}[i] = {self.render(s[2])}")
            elif k == "if":
                lines.append(f"{pad}if {self.render(s[1])}:")
                self.render_block(s[2], lines, indent + 1)
                if s[3]:
                    lines.append(f"{pad}else:")
                    self.render_block(s[3], lines, indent + 1)
            elif k == "for":
                lines.append(f"{pad}for {s[1]} in range({s[2]}):")
                self.render_block(s[3], lines, indent + 1)
            else:
                lines.append(f"{pad}{k}")

    def render(self, e):
        k = e[0]
        if k == "lit":
            v = e[2]
            text = repr(float(v)) if R.is_float(e[1]) else str(v)
            if R.is_float(e[1]) and not math.isfinite(v):
                text = f"float('{v}')"
            return f"ti.cast({text}, ti.{e[1]})"
        if k == "idx":
            return "i"
        if k == "arg":
            return f"a{e[1]}"
        if k == "var":
            return e[1]
        if k == "q":
            return f"q{e[1]}[i]"
        if k == "bin":
            a, b = self.render(e[2]), self.render(e[3])
            if e[1] in ("min", "max"):
                return f"ti.{e[1]}({a}, {b})"
            return f"({a} {e[1]} {b})"
        if k == "un":
            a = self.render(e[2])
            if e[1] in ("-", "~"):
                return f"({e[1]}{a})"
            if e[1] == "not":
                return f"(not {a})"
            return f"ti.{e[1]}({a})" if e[1] != "abs" else f"abs({a})"
        if k == "cast":
            return f"ti.cast({self.render(e[2])}, ti.{e[1]})"
        if k == "sel":
            return f"({self.render(e[2])} if {self.render(e[1])} else {self.render(e[3])})"
        raise ValueError(k)
