"""Random typed kernels for differential testing: a program is a small tree of statements and
expressions that renders to qtaichi kernel source and is evaluated by reference.py's rules.

Each program has scalar arguments of random types, a parallel loop over `LANES` lanes, and in
the loop body random locals, arithmetic of every operator on all ten primitive types, casts,
selects, if/else, serial inner loops with break/continue, integer atomics into accumulators,
stores into one output field per type, and a random bit-packed layout of quant members that is
written and read back.

With probability `recursion` a program also has a recursive `@ti.real_func` (sometimes two
that call each other) `rf0(ln, d, p0, ..., [pv])`: random locals, ifs, serial for/while loops
(some with a condition that calls), break/continue, early returns, reads and augmented
assignments of the output fields, and calls (of itself or the other one, with a smaller depth)
under `if d > 0:` in expressions (two in one, nested in arguments), loops and ifs, followed by
code that uses values made before them. `ln` is the lane (the functions' stores use it), `d`
the depth, `pv` an optional vector parameter; the result is one value, none or a tuple of two.
Sometimes a helper without recursion (a real func or a ti.func) is called from them and from
the kernel. The kernel calls them from its loop body with a depth the size of the call tree
bounds. A separate random stream decides it, so the programs without recursion
are the same as without the option."""
import math
import os

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


# Recursive functions: at most this many calls in one call tree (the state machine's dispatch
# loop counts toward lavapipe's 65535 loop iterations), depth at most MAX_DEPTH.
MAX_CALLS = 200
MAX_DEPTH = 6
MAX_DEPTH_LINEAR = 10  # when every activation makes at most one call
MAX_SITES = 4   # call sites per function body
MAX_KERNEL_SITES = 2
MAX_HELPER_SITES = 3  # calls of the helper per function body, and in the kernel
# Shapes of program that hit a known compiler bug, which the generator can steer around while
# the bug is open (so that the fixed-seed budget, tests/python/test_fuzz.py, stays green and
# other bugs still show): KNOWN_BUGS by default, QTAICHI_FUZZ_AVOID=a,b for others,
# QTAICHI_FUZZ_AVOID=none for none.
# assign-cast: in functions, an assignment or a non-atomic augmented assignment converts its
# value with an explicit ti.cast (the same meaning) instead of leaving it to the store, and so
# does a `return` (lower_calls stored a value of another type into a frame slot unconverted).
# atomic-ptr: in functions, the operand of an atomic that makes a call is computed into a
# local first (the field element's pointer, made before the call, did not survive it).
# tuple-early-return: a function with a tuple result returns only at its end (the frontend
# rejected an earlier `return a, b`: "tuple ... cannot be used as a value in a kernel").
KNOWN_BUGS = ""  # all fixed: assign-cast and atomic-ptr in dea4d41, tuple-early-return 6b786fa
AVOID = set(os.environ.get("QTAICHI_FUZZ_AVOID", KNOWN_BUGS).split(",")) - {"", "none"}


class Func:
    """A recursive real func, rf{k}(ln: i32, d: i32, p0: params[0], ...) -> ret, or (kind
    "real" or "func") a helper without recursion, hf(ln: i32, p0: params[0], ...) -> ret, that
    the recursive functions and the kernel call (a real func copied into its callers, or a
    ti.func). `ret` is a type name, or (recursive functions) None (no result: called as a
    statement) or a tuple of two (`a, b = rf0(...)`). A recursive function may also take a
    vector of two `vec` values as its last parameter `pv`."""

    def __init__(self, name, params, ret, kind="rec", vec=None):
        self.name, self.params, self.ret, self.kind, self.vec = name, params, ret, kind, vec
        self.body = []
        self.fanout = 0  # calls one activation makes at most (loop trips counted)

    def single(self):
        return isinstance(self.ret, str)

    def annotation(self):
        if self.ret is None:
            return ""
        if self.single():
            return f" -> ti.{self.ret}"
        return " -> (" + ", ".join(f"ti.{t}" for t in self.ret) + ")"

    def arg_types(self):
        return ["i32", "i32"] + self.params if self.kind == "rec" else ["i32"] + self.params


class Gen:
    def __init__(self, seed, quant=True, recursion=0.0):
        self.rng = np.random.default_rng(seed)
        self.seed = seed
        self.n_vars = 0
        self.args = [self.rand_type() for _ in range(int(self.rng.integers(1, 4)))]
        self.arg_values = [self.rand_value(t) for t in self.args]
        self.quant = self.rand_quant_layout() if quant else []
        self.atomic_types = []
        self.atomic_family = {}
        # recursion: decided by its own stream (programs without it are unchanged)
        self.recursion = recursion
        self.recursive = recursion > 0 and np.random.default_rng([seed, 1]).random() < recursion
        self.funcs = []
        self.no_calls = False   # making an expression that must not call
        self.cur = None         # the function being made
        self.in_func = False    # generating a function body (no kernel args; `i` is `ln`)
        self.call_ok = False    # calls may be made here (under `if d > 0:`, or in the kernel)
        self.loop_mult = 1      # the most times the statement being made runs per activation
        self.fanout = 0
        self.sites = 0
        self.helper_sites = 0
        self.max_depth = 0

    # ---- random choices ----
    def loop_var(self, scope):
        """A fresh loop variable and the scope of the loop's body."""
        j = f"j{self.n_vars}"
        self.n_vars += 1
        return j, {**scope, j: "i32"}

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
        if self.funcs and not self.no_calls and self.callees() and \
                self.chance(0.1 if self.in_func else 0.06):
            e, t = self.call_expr(scope, recursive=False)
            if not (want_int and R.is_float(t)):
                return e, t
        choices = ["lit", "idx", "arg"] + ["var"] * 3 + (["q"] if self.quant else [])
        if self.in_func:  # the kernel's arguments are not visible in a function
            choices.remove("arg")
        if self.funcs:  # programs with functions read the output fields too
            choices.append("out")
        vec = self.cur.vec if self.cur is not None else None
        if vec and not (want_int and R.is_float(vec)):
            choices.append("vel")
        kind = self.pick(choices)
        if kind == "vel":  # an element of the vector parameter
            return self.vec_index(scope), vec
        if kind == "out":
            t = self.pick(R.INTS) if want_int else self.rand_type()
            return ("out", t, int(self.rng.integers(SLOTS))), t
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
        if self.in_func:
            made = self.func_stmt(scope, depth, in_loop)
            if made is not None:
                return made
        if self.funcs and self.chance(0.06):  # an augmented assignment of a field element
            t = self.rand_type()
            op = self.pick(AUG if not R.is_float(t) else ["+", "-", "*", "min", "max"])
            e, _ = self.expr(scope, 2, want_int=op in ("&", "|", "^", "<<", ">>"))
            return ("faug", t, int(self.rng.integers(SLOTS)), op, e)
        r = self.rng.random()
        if r < 0.22 or not scope:
            name = f"v{self.n_vars}"
            self.n_vars += 1
            e, t = self.expr(scope, 3)
            scope[name] = t
            return ("new", name, e, t)
        assignable = [n for n in scope if not n.startswith("j") and n != "d"]  # loop variables
        # (and a function's depth) are not
        if r < 0.34 and assignable:
            name = self.pick(assignable)
            e, _ = self.expr(scope, 3)
            return ("assign", name, e, scope[name])
        if r < 0.46 and assignable:
            name = self.pick(assignable)
            int_var = not R.is_float(scope[name])
            op = self.pick(AUG if int_var else ["+", "-", "*", "//", "%", "min", "max"])
            e, te = self.expr(scope, 2, want_int=op in ("&", "|", "^", "<<", ">>"))
            return ("aug", name, op, e, scope[name])
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
            j, inner = self.loop_var(scope)
            n = int(self.rng.integers(0, 5))
            return ("for", j, n, self.loop_block(inner, depth - 1, n))
        if in_loop and self.chance(0.5):
            c, _ = self.expr(scope, 2)
            return ("if", c, [("break",) if self.chance(0.5) else ("continue",)], [])
        e, t = self.expr(scope, 3)
        return ("store", t, int(self.rng.integers(SLOTS)), e)

    def loop_block(self, scope, depth, trips):
        saved = self.loop_mult
        self.loop_mult *= max(trips, 1)
        try:
            return self.block(scope, depth, int(self.rng.integers(1, 4)), True)
        finally:
            self.loop_mult = saved

    # ---- recursive functions ----
    def callees(self):
        """The functions a call made here may call."""
        if self.cur is not None and self.cur.kind != "rec":
            return []  # helpers call nothing
        helpers = [k for k, f in enumerate(self.funcs) if f.kind != "rec" and f.body and
                   self.helper_sites < MAX_HELPER_SITES]
        if not self.call_ok or self.sites >= (MAX_SITES if self.in_func else MAX_KERNEL_SITES):
            return helpers if self.in_func else []
        return [k for k, f in enumerate(self.funcs) if f.kind == "rec" and f.single()] + helpers

    def call_expr(self, scope, recursive=True, k=None):
        """A call of one of the functions (of a recursive one with one result where
        `recursive`; of function k where given): (node, result type)."""
        if k is None:
            ks = [k for k, f in enumerate(self.funcs) if f.kind == "rec" and f.single()] \
                if recursive else self.callees()
            k = self.pick(ks)
        f = self.funcs[k]
        if f.kind != "rec":
            self.helper_sites += 1
            return ("call", k, [("idx",)] + [self.expr(scope, 2)[0] for _ in f.params]), f.ret
        self.sites += 1
        if self.in_func:
            self.fanout += self.loop_mult
            r = self.rng.random()
            one = ("lit", "i32", 1)
            if r < 0.6:
                depth = ("bin", "-", ("var", "d"), one)
            elif r < 0.75:
                depth = ("bin", "-", ("var", "d"), ("lit", "i32", 2))
            else:
                e, _ = self.expr(scope, 1)
                depth = ("bin", "-", ("bin", "-", ("var", "d"), one),
                         ("bin", "&", ("cast", "i32", e), one))
        else:
            e, _ = self.expr(scope, 1) if self.chance(0.6) else (("idx",), "i32")
            depth = ("bin", "%", ("cast", "i32", e), ("lit", "i32", self.max_depth + 1))
        args = [("idx",), depth] + [self.expr(scope, 2)[0] for _ in f.params]
        if f.vec:
            args.append(("vec", f.vec, [self.expr(scope, 2)[0] for _ in range(2)]))
        return ("call", k, args), f.ret

    def func_stmt(self, scope, depth, in_loop):
        """Statements only functions have (None: an ordinary one)."""
        r = self.rng.random()
        if r < 0.07 and depth > 0 and (self.cur.single() or self.cur.ret is None or
                                       "tuple-early-return" not in AVOID):  # an early return
            c, _ = self.expr(scope, 2)
            pre = self.block(scope, 0, int(self.rng.integers(0, 2)), in_loop)
            return ("if", c, pre + [self.ret_stmt(scope)], [])
        if r < 0.14 and depth > 0:
            j, inner = self.loop_var(scope)
            n = int(self.rng.integers(0, 4))
            if self.chance(0.5):
                return ("while", j, n, self.loop_block(inner, depth - 1, n))
            saved = self.loop_mult
            self.loop_mult *= n + 1
            c, _ = self.expr(scope, 2)  # evaluated before each iteration and at the end
            self.loop_mult = saved
            return ("while", j, n, self.loop_block(inner, depth - 1, n), c)
        if r < 0.26 and self.cur.vec:  # pv[k] = e
            target = self.vec_index(scope)
            return ("vset", target[1], self.expr(scope, 3)[0], self.cur.vec)
        if r < 0.32 and depth > 0:
            j, inner = self.loop_var(scope)
            n = int(self.rng.integers(1, 4))
            e, _ = self.expr(scope, 2)
            return ("forx", j, n, e, self.loop_block(inner, depth - 1, n))
        return None

    def call_value(self, scope):
        """An expression with one or two calls: (node, type)."""
        call, t = self.call_expr(scope)
        if self.chance(0.4):
            e, te = self.expr(scope, 2)
            op = self.pick(["+", "-", "*", "min", "max"])
            call = ("bin", op, e, call) if self.chance(0.5) else ("bin", op, call, e)
            t = self.binary_type(op, t, te)
        elif self.chance(0.3) and self.sites < MAX_SITES:
            op = self.pick(["+", "-", "*", "max"])
            other, t2 = self.call_expr(scope)
            call, t = ("bin", op, call, other), self.binary_type(op, t, t2)
        return call, t

    def vec_index(self, scope):
        """pv[0], pv[1] or pv[<expr> & 1] (an expression without calls)."""
        if self.chance(0.6):
            return ("vel", int(self.rng.integers(2)))
        saved, self.no_calls = self.no_calls, True
        e, _ = self.expr(scope, 1, want_int=True)
        self.no_calls = saved
        return ("vel", ("bin", "&", ("cast", "i32", e), ("lit", "i32", 1)))

    def ret_stmt(self, scope):
        f = self.cur
        if f.ret is None:
            return ("ret", None)
        if f.single():
            return ("ret", self.expr(scope, 3)[0])
        return ("ret", [self.expr(scope, 2)[0] for _ in f.ret])

    def multi_call_stmt(self, scope, k):
        """A call of a function without a result, or of one with two."""
        call, _ = self.call_expr(scope, k=k)
        f = self.funcs[k]
        if f.ret is None:
            return ("callstmt", call)
        names = []
        for t in f.ret:
            names.append(f"v{self.n_vars}")
            self.n_vars += 1
        for n, t in zip(names, f.ret):
            scope[n] = t
        return ("unpack", names, call, list(f.ret))

    def call_stmt(self, scope, depth, in_loop):
        """A statement that surely makes a call (when its loop runs)."""
        r = self.rng.random()
        assignable = [n for n in scope if not n.startswith("j") and n != "d"]
        if r >= 0.7 and depth > 0:
            return self.call_control(scope, r, in_loop)
        multi = [k for k, f in enumerate(self.funcs) if f.kind == "rec" and not f.single()]
        if multi and (self.chance(0.5) or all(not f.single() for f in self.funcs
                                               if f.kind == "rec")):
            return self.multi_call_stmt(scope, self.pick(multi))
        call, t = self.call_value(scope)
        if r < 0.3 or not assignable:
            name = f"v{self.n_vars}"
            self.n_vars += 1
            scope[name] = t
            return ("new", name, call, t)
        if r < 0.5:
            name = self.pick(assignable)
            return ("assign", name, call, scope[name])
        if r < 0.6:
            name = self.pick(assignable)
            int_var = not R.is_float(scope[name])
            return ("aug", name, self.pick(["+", "-", "max"] if int_var else ["+", "-"]), call,
                    scope[name])
        return ("store", self.rand_type(), int(self.rng.integers(SLOTS)), call)

    def call_control(self, scope, r, in_loop):
        """A loop or an if with a call inside."""
        if r < 0.85:
            j, inner = self.loop_var(scope)
            n = int(self.rng.integers(1, 4))
            saved = self.loop_mult
            self.loop_mult *= n
            body = self.block(inner, 0, int(self.rng.integers(0, 2)), True)
            body.insert(int(self.rng.integers(len(body) + 1)), self.call_stmt(inner, 0, True))
            body += self.block(inner, 0, int(self.rng.integers(0, 2)), True)
            self.loop_mult = saved
            if self.chance(0.5):
                return ("for", j, n, body)
            return ("while", j, n, body)
        c, _ = self.expr(scope, 2)
        inner = dict(scope)
        yes = [self.call_stmt(inner, 0, in_loop)]
        yes += [self.stmt(inner, 0, in_loop) for _ in range(int(self.rng.integers(0, 2)))]
        no = self.block(scope, 0, int(self.rng.integers(0, 2)), in_loop)
        if self.chance(0.3):
            no.insert(0, self.call_stmt(dict(scope), 0, in_loop))
        return ("if", c, yes, no)

    def func_body(self, f):
        self.in_func, self.fanout, self.sites, self.loop_mult = True, 0, 0, 1
        self.cur, self.helper_sites = f, 0
        scope = {"d": "i32"} if f.kind == "rec" else {}
        for k, t in enumerate(f.params):
            scope[f"p{k}"] = t
        body = [self.stmt(scope, 2, False) for _ in range(int(self.rng.integers(1, 5)))]
        if f.kind != "rec":
            f.body = body + [self.ret_stmt(scope)]
            self.in_func, self.cur = False, None
            return
        self.call_ok = True
        inner = dict(scope)
        rec = [self.stmt(inner, 1, False) for _ in range(int(self.rng.integers(0, 3)))]
        rec.append(self.call_stmt(inner, 2, False))
        rec += [self.stmt(inner, 1, False) for _ in range(int(self.rng.integers(0, 4)))]
        self.call_ok = False
        other = self.block(scope, 1, int(self.rng.integers(0, 3)), False)
        body.append(("if", ("bin", ">", ("var", "d"), ("lit", "i32", 0)), rec, other))
        body += [self.stmt(scope, 2, False) for _ in range(int(self.rng.integers(0, 3)))]
        if f.ret is not None or self.chance(0.5):  # no result: it may end without a return
            body.append(self.ret_stmt(scope))
        f.body, f.fanout = body, max(self.fanout, 1)
        self.in_func, self.cur = False, None

    def make_funcs(self):
        n = 2 if self.chance(0.3) else 1

        def params():
            return [self.rand_type() for _ in range(int(self.rng.integers(1, 4)))]

        def result():
            r = self.rng.random()
            if r < 0.15:
                return None
            if r < 0.3:
                return (self.rand_type(), self.rand_type())
            return self.rand_type()
        self.funcs = [Func(f"rf{k}", params(), result(),
                           vec=self.rand_type() if self.chance(0.3) else None) for k in range(n)]
        if self.chance(0.4):
            helper = Func("hf", params(), self.rand_type(), self.pick(["real", "func"]))
            self.func_body(helper)  # first: the others may call it
            self.funcs.append(helper)
        for f in self.funcs[:n]:
            self.func_body(f)
        fan = max(f.fanout for f in self.funcs)
        self.max_depth, calls = 0, 1
        most = MAX_DEPTH_LINEAR if fan == 1 else MAX_DEPTH
        while self.max_depth < most and calls + fan ** (self.max_depth + 1) <= MAX_CALLS:
            self.max_depth += 1
            calls += fan ** self.max_depth
        self.call_ok, self.sites, self.loop_mult, self.helper_sites = True, 0, 1, 0

    def atomic_op(self, t):
        """One family of atomics per accumulator: different ones (an and after an xor, a min
        after an add) do not commute, so lanes running in parallel could legally end with
        another value than the sequential reference. add and sub commute (wrapping)."""
        if t not in self.atomic_family:
            op = self.pick(ATOMIC_OPS)
            self.atomic_family[t] = ["add", "sub"] if op in ("add", "sub") else [op]
        return self.pick(self.atomic_family[t])

    def program(self):
        if self.recursive:
            self.make_funcs()
        body = self.block({}, 2, int(self.rng.integers(3, 10)), False)
        if self.recursive:
            # The kernel calls a recursive function at least once, and each without a single
            # result (they make no call expressions).
            for k, f in enumerate(self.funcs):
                if f.kind == "rec" and not f.single():
                    body.insert(int(self.rng.integers(len(body) + 1)),
                                self.multi_call_stmt({}, k))
            if self.sites == 0:
                call, t = self.call_expr({})
                body.insert(int(self.rng.integers(len(body) + 1)),
                            ("store", t, int(self.rng.integers(SLOTS)), call))
        return Program(self.args, self.arg_values, self.quant, self.atomic_types, body,
                       self.seed, self.funcs, self.recursion)


def quant_compute(m):
    if m[0] == "int":
        return ("i" if m[2] else "u") + ("32" if m[1] <= 32 else "64")
    return "f32"


class Program:
    def __init__(self, args, arg_values, quant, atomic_types, body, seed, funcs=(),
                 recursion=0.0):
        self.args, self.arg_values, self.quant = args, arg_values, quant
        self.atomic_types, self.body, self.seed = atomic_types, body, seed
        self.funcs, self.recursion = list(funcs), recursion
        self.lane = "i"  # the lane index's name where rendering

    # ---- rendering ----
    def source(self):
        """The module's text after its imports: the real funcs, then the kernel."""
        lines = []
        for f in self.funcs:
            params = ", ".join(["ln: ti.i32"] + (["d: ti.i32"] if f.kind == "rec" else []) +
                               [f"p{k}: ti.{t}" for k, t in enumerate(f.params)] +
                               ([f"pv: ti.types.vector(2, ti.{f.vec})"] if f.vec else []))
            lines += ["@ti.func" if f.kind == "func" else "@ti.real_func",
                      f"def {f.name}({params}){f.annotation()}:"]
            self.lane, self.ret = "ln", f.ret
            self.render_block(f.body, lines, 1)
            self.lane = "i"
            lines += ["", ""]
        params = ", ".join(f"a{k}: ti.{t}" for k, t in enumerate(self.args))
        lines += ["@ti.kernel", f"def fuzz_kernel({params}):", f"    for i in range({LANES}):"]
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
                value = self.render(s[2])
                if self.lane == "ln" and "assign-cast" in AVOID:
                    value = f"ti.cast({value}, ti.{s[3]})"
                lines.append(f"{pad}{s[1]} = {value}")
            elif k == "aug" and self.lane == "ln" and "assign-cast" in AVOID and \
                    s[2] not in ("+", "-", "&", "|", "^"):
                value = self.render(("bin", s[2], ("var", s[1]), s[3]))
                lines.append(f"{pad}{s[1]} = ti.cast({value}, ti.{s[4]})")
            elif k == "aug":
                if s[2] in ("min", "max"):
                    lines.append(f"{pad}{s[1]} = ti.{s[2]}({s[1]}, {self.render(s[3])})")
                else:
                    lines.append(f"{pad}{s[1]} {s[2]}= {self.render(s[3])}")
            elif k == "store":
                lines.append(f"{pad}out_{s[1]}[{self.lane}, {s[2]}] = {self.render(s[3])}")
            elif k == "atomic":
                value = self.render(s[3])
                if self.lane == "ln" and "atomic-ptr" in AVOID and "rf" in value:
                    lines.append(f"{pad}t_{len(lines)} = {value}")
                    value = f"t_{len(lines) - 1}"
                lines.append(f"{pad}ti.atomic_{s[1]}(acc_{s[2]}[None], {value})")
            elif k == "qstore":
                lines.append(f"{pad}q{s[1]}[{self.lane}] = {self.render(s[2])}")
            elif k == "if":
                lines.append(f"{pad}if {self.render(s[1])}:")
                self.render_block(s[2], lines, indent + 1)
                if s[3]:
                    lines.append(f"{pad}else:")
                    self.render_block(s[3], lines, indent + 1)
            elif k == "for":
                lines.append(f"{pad}for {s[1]} in range({s[2]}):")
                self.render_block(s[3], lines, indent + 1)
            elif k == "forx":
                lines.append(f"{pad}for {s[1]} in range(ti.min(ti.cast({self.render(s[3])}, "
                             f"ti.i32), {s[2]})):")
                self.render_block(s[4], lines, indent + 1)
            elif k == "while":  # counted at the top: `continue` cannot skip the count
                lines.append(f"{pad}{s[1]} = 0")
                cond = f" and {self.render(s[4])}" if len(s) > 4 else ""
                lines.append(f"{pad}while {s[1]} < {s[2]}{cond}:")
                lines.append(f"{pad}    {s[1]} += 1")
                self.render_block(s[3], lines, indent + 1)
            elif k == "ret":
                if s[1] is None:
                    lines.append(f"{pad}return")
                    continue
                values = [s[1]] if isinstance(s[1], tuple) else s[1]
                types = [self.ret] if isinstance(self.ret, str) else self.ret
                texts = [self.render(v) for v in values]
                if "assign-cast" in AVOID:
                    texts = [f"ti.cast({v}, ti.{t})" for v, t in zip(texts, types)]
                lines.append(f"{pad}return {', '.join(texts)}")
            elif k == "callstmt":
                lines.append(f"{pad}{self.render(s[1])}")
            elif k == "vset":
                lines.append(f"{pad}{self.render(('vel', s[1]))} = {self.render(s[2])}")
            elif k == "unpack":
                lines.append(f"{pad}{', '.join(s[1])} = {self.render(s[2])}")
            elif k == "faug":
                ref = f"out_{s[1]}[{self.lane}, {s[2]}]"
                if s[3] in ("min", "max"):
                    lines.append(f"{pad}{ref} = ti.{s[3]}({ref}, {self.render(s[4])})")
                else:
                    lines.append(f"{pad}{ref} {s[3]}= {self.render(s[4])}")
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
            return self.lane
        if k == "arg":
            return f"a{e[1]}"
        if k == "var":
            return e[1]
        if k == "q":
            return f"q{e[1]}[{self.lane}]"
        if k == "out":
            return f"out_{e[1]}[{self.lane}, {e[2]}]"
        if k == "vel":
            return f"pv[{e[1] if isinstance(e[1], int) else self.render(e[1])}]"
        if k == "vec":
            return "ti.Vector([" + ", ".join(f"ti.cast({self.render(x)}, ti.{e[1]})"
                                             for x in e[2]) + "])"
        if k == "call":
            return f"{self.funcs[e[1]].name}({', '.join(self.render(a) for a in e[2])})"
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
