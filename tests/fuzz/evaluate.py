"""Evaluates a generated program (generate.py) with the reference semantics (reference.py):
what every lane stores, the atomics' totals and the quant fields' final values."""
import os
import sys

import reference as R
from generate import LANES, SLOTS, quant_compute

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "python"))
import quant_reference as Q  # noqa: E402  (the spec's codecs, written from QUANT_SPEC)


class Break(Exception):
    pass


class Continue(Exception):
    pass


class Return(Exception):
    def __init__(self, value):
        super().__init__()
        self.value = value


ATOMIC_BIN = {"add": "+", "sub": "-", "min": "min", "max": "max", "and": "&", "or": "|",
              "xor": "^"}


def literal_value(t, v):
    """A literal means what the frontend makes of it: an int literal is i32 (i64/u64 when it
    does not fit), a float literal is f32 (default_fp); then ti.cast converts it to t."""
    if R.is_float(t):
        return R.convert(R.NP["f32"](v), "f32", t)
    for lt in ("i32", "i64", "u64"):
        lo, hi = R.int_range(lt)
        if lo <= v <= hi:
            return R.convert(v, lt, t)
    raise ValueError(v)


class Evaluator:
    def __init__(self, prog):
        self.p = prog
        self.out = {t: [[R.NP[t](0) if R.is_float(t) else 0] * SLOTS for _ in range(LANES)]
                    for t in R.TYPES}
        self.acc = {t: 0 for t in prog.atomic_types}
        self.quant = [[Q.roundtrip(m, 0.0 if m[0] != "int" else 0) for _ in range(LANES)]
                      for _, m, _ in prog.quant]
        self.args = [R.convert(float(v), "f64", t) if R.is_float(t) else v
                     for v, t in zip(prog.arg_values, prog.args)]

    def run(self):
        for lane in range(LANES):
            self.lane = lane
            self.env = {}  # names are unique per program: one table holds every scope
            self.block(self.p.body)
        return self

    def iteration(self, body):
        """Runs one loop iteration; False when it breaks."""
        try:
            self.block(body)
        except Continue:
            pass
        except Break:
            return False
        return True

    def block(self, stmts):
        for s in stmts:
            self.stmt(s)

    def stmt(self, s):
        env = self.env
        k = s[0]
        if k == "new":
            env[s[1]] = self.expr(s[2])
        elif k == "assign":
            v, t = self.expr(s[2])
            vt = env[s[1]][1]
            env[s[1]] = (R.convert(v, t, vt), vt)
        elif k == "aug":
            v, t = self.expr(s[3])
            old, vt = env[s[1]]
            op = s[2]
            if op in ("+", "-", "&", "|", "^"):  # an atomic: the operand is converted first
                r, rt = R.binary(op, old, vt, R.convert(v, t, vt), vt)
            else:
                r, rt = R.binary(op, old, vt, v, t)
            env[s[1]] = (R.convert(r, rt, vt), vt)
        elif k == "store":
            v, t = self.expr(s[3])
            self.out[s[1]][self.lane][s[2]] = R.convert(v, t, s[1])
        elif k == "atomic":
            v, t = self.expr(s[3])
            at = s[2]
            r, _ = R.binary(ATOMIC_BIN[s[1]], self.acc[at], at, R.convert(v, t, at), at)
            self.acc[at] = r
        elif k == "qstore":
            v, t = self.expr(s[2])
            _, m, group = self.p.quant[s[1]]
            ct = quant_compute(m)
            cv = R.convert(v, t, ct)
            if group is None:
                self.quant[s[1]][self.lane] = Q.roundtrip(m, cv if m[0] == "int" else float(cv))
                return
            # A shared exponent: the whole group is re-rounded (QUANT_SPEC, docs/quant.md).
            ks = [k for k, q in enumerate(self.p.quant) if q[2] == group]
            new = Q.shared_write([self.p.quant[k][1] for k in ks],
                                 [self.quant[k][self.lane] for k in ks], ks.index(s[1]),
                                 float(cv))
            for k, v in zip(ks, new):
                self.quant[k][self.lane] = v
        elif k == "if":
            c, ct = self.expr(s[1])
            self.block(s[2] if R.truthy(c, ct) else s[3])
        elif k == "for":
            for j in range(s[2]):
                env[s[1]] = (j, "i32")
                if not self.iteration(s[3]):
                    break
        elif k == "forx":
            e, te = self.expr(s[3])
            for j in range(min(R.convert(e, te, "i32"), s[2])):
                env[s[1]] = (j, "i32")
                if not self.iteration(s[4]):
                    break
        elif k == "while":
            env[s[1]] = (0, "i32")
            while self.while_cond(s):
                env[s[1]] = (env[s[1]][0] + 1, "i32")
                if not self.iteration(s[3]):
                    break
        elif k == "ret":
            if s[1] is None or isinstance(s[1], tuple):
                raise Return(None if s[1] is None else self.expr(s[1]))
            raise Return([self.expr(v) for v in s[1]])
        elif k == "vset":
            v, t = self.expr(s[2])
            env["pv"][self.vec_index(s[1])] = (R.convert(v, t, s[3]), s[3])
        elif k == "callstmt":
            self.expr(s[1])
        elif k == "unpack":
            values, _ = self.expr(s[2])
            for n, v in zip(s[1], values):
                env[n] = v
        elif k == "faug":
            v, t = self.expr(s[4])
            ft, op = s[1], s[3]
            old = self.out[ft][self.lane][s[2]]
            if op in ("+", "-", "&", "|", "^"):  # an atomic: the operand is converted first
                r, rt = R.binary(op, old, ft, R.convert(v, t, ft), ft)
            else:
                r, rt = R.binary(op, old, ft, v, t)
            self.out[ft][self.lane][s[2]] = R.convert(r, rt, ft)
        elif k == "break":
            raise Break()
        elif k == "continue":
            raise Continue()
        else:
            raise ValueError(k)

    def call(self, f, vals):
        """A real func's result: its body in a fresh environment (the lane is the caller's:
        its first argument is always the lane index)."""
        saved = self.env
        self.env = {}
        if f.kind == "rec":
            self.env["d"] = (vals[0], "i32")
            vals = vals[1:]
        for k, (v, t) in enumerate(zip(vals, f.params)):
            self.env[f"p{k}"] = (v, t)
        if f.vec:
            self.env["pv"] = list(vals[-1])
        try:
            self.block(f.body)
            if f.ret is not None:
                raise ValueError(f"{f.name} did not return")
            return None
        except Return as r:
            if f.ret is None:
                return None
            if isinstance(f.ret, str):
                v, t = r.value
                return R.convert(v, t, f.ret)
            return [(R.convert(v, t, rt), rt) for (v, t), rt in zip(r.value, f.ret)]
        finally:
            self.env = saved

    def vec_index(self, i):
        if isinstance(i, int):
            return i
        v, t = self.expr(i)
        return v  # `... & 1` of an i32: 0 or 1

    def while_cond(self, s):
        """`j < n and cond`: both sides evaluated (`and` does not short-circuit)."""
        go = self.env[s[1]][0] < s[2]
        if len(s) > 4:
            c, t = self.expr(s[4])
            go = go and R.truthy(c, t)
        return go

    def expr(self, e):
        k = e[0]
        if k == "lit":
            return literal_value(e[1], e[2]), e[1]
        if k == "idx":
            return self.lane, "i32"
        if k == "arg":
            return self.args[e[1]], self.p.args[e[1]]
        if k == "var":
            return self.env[e[1]]
        if k == "out":
            return self.out[e[1]][self.lane][e[2]], e[1]
        if k == "vel":
            return self.env["pv"][self.vec_index(e[1])]
        if k == "vec":  # each element cast to the vector's type
            out = []
            for x in e[2]:
                v, t = self.expr(x)
                out.append((R.convert(v, t, e[1]), e[1]))
            return out, None
        if k == "q":
            m = self.p.quant[e[1]][1]
            ct = quant_compute(m)
            v = self.quant[e[1]][self.lane]
            return (R.NP["f32"](v) if R.is_float(ct) else int(v)), ct
        if k == "bin":
            a, ta = self.expr(e[2])
            b, tb = self.expr(e[3])
            return R.binary(e[1], a, ta, b, tb)
        if k == "un":
            a, ta = self.expr(e[2])
            return R.unary(e[1], a, ta)
        if k == "cast":
            a, ta = self.expr(e[2])
            return R.convert(a, ta, e[1]), e[1]
        if k == "call":
            f = self.p.funcs[e[1]]
            vals = []
            for a, t in zip(e[2], f.arg_types()):
                v, ta = self.expr(a)
                vals.append(R.convert(v, ta, t))
            if f.vec:
                vals.append(self.expr(e[2][-1])[0])
            return self.call(f, vals[1:]), f.ret
        if k == "sel":
            c, tc = self.expr(e[1])
            a, ta = self.expr(e[2])
            b, tb = self.expr(e[3])
            t = R.promote(ta, tb)
            return (R.convert(a, ta, t) if R.truthy(c, tc) else R.convert(b, tb, t)), t
        raise ValueError(k)
