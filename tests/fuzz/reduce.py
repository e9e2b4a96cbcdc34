#!/usr/bin/env python3
"""Shrinks a failing fuzz program (run_fuzz.py) while it keeps failing the same way: removes
statements, inlines ifs, shortens loops and replaces expressions by their operands or small
literals (the depth arguments of recursive calls stay decreasing). Prints the smallest
program and its report.

    .venv/bin/python tests/fuzz/reduce.py --seed N [--arch cpu] [--recursion 0.25]
"""
import argparse
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402

import run_fuzz  # noqa: E402
import qtaichi as ti  # noqa: E402
from generate import Gen, Program  # noqa: E402

DEPTH_GUARD = ("bin", ">", ("var", "d"), ("lit", "i32", 0))
FUNCS = []  # the program's functions, while reducing
EXPR_KINDS = {"lit", "idx", "arg", "var", "q", "out", "vel", "bin", "un", "cast", "sel",
              "call"}


def expr_variants(e, keep_depth=False):
    """Expressions that replace e (one edit each), smallest first."""
    k = e[0]
    if k == "call":
        args = e[2]
        if FUNCS[e[1]].kind != "rec":  # a helper: (lane, parameters...)
            for i in range(1, len(args)):
                for a in expr_variants(args[i]):
                    yield ("call", e[1], args[:i] + [a] + args[i + 1:])
            return
        for i in range(2, len(args)):
            for a in expr_variants(args[i]):
                yield ("call", e[1], args[:i] + [a] + args[i + 1:])
        d = args[1]
        if d[0] == "bin" and d[1] == "%":  # the kernel's depth: a small constant
            for c in range(d[3][2]):
                yield ("call", e[1], [args[0], ("lit", "i32", c)] + args[2:])
        elif d[0] == "lit":  # a smaller one
            for c in range(d[2]):
                yield ("call", e[1], [args[0], ("lit", "i32", c)] + args[2:])
        elif d != ("bin", "-", ("var", "d"), ("lit", "i32", 1)):  # in a function
            yield ("call", e[1], [args[0], ("bin", "-", ("var", "d"), ("lit", "i32", 1))] +
                   args[2:])
        return
    if k == "vec":
        for i, x in enumerate(e[2]):
            for v in expr_variants(x):
                yield ("vec", e[1], e[2][:i] + [v] + e[2][i + 1:])
        return
    if k in ("lit", "idx", "var", "arg", "q", "out", "vel"):
        if k != "lit":
            yield ("lit", "i32", 0)
        elif e[2] not in (0, 1):
            yield ("lit", e[1], 0 if e[2] == 0 else 1)
        return
    children = [i for i, c in enumerate(e) if isinstance(c, tuple) and c and c[0] in EXPR_KINDS]
    for i in children:
        yield e[i]
    yield ("lit", "i32", 0)
    for i in children:
        for v in expr_variants(e[i]):
            yield e[:i] + (v,) + e[i + 1:]


def stmt_variants(s):
    k = s[0]
    if k in ("new", "assign"):
        for v in expr_variants(s[2]):
            yield (k, s[1], v) + s[3:]
    elif k == "aug":
        for v in expr_variants(s[3]):
            yield (k, s[1], s[2], v) + s[4:]
    elif k == "store":
        for v in expr_variants(s[3]):
            yield (k, s[1], s[2], v)
    elif k in ("atomic",):
        for v in expr_variants(s[3]):
            yield (k, s[1], s[2], v)
    elif k == "qstore":
        for v in expr_variants(s[2]):
            yield (k, s[1], v)
    elif k == "ret" and isinstance(s[1], tuple):
        for v in expr_variants(s[1]):
            yield (k, v)
    elif k == "ret" and s[1] is not None:
        for i, e in enumerate(s[1]):
            for v in expr_variants(e):
                yield (k, s[1][:i] + [v] + s[1][i + 1:])
    elif k == "vset":
        for v in expr_variants(s[2]):
            yield (k, s[1], v, s[3])
    elif k == "callstmt":
        for v in expr_variants(s[1]):
            yield (k, v)
    elif k == "unpack":
        for v in expr_variants(s[2]):
            yield (k, s[1], v, s[3])
    elif k == "faug":
        for v in expr_variants(s[4]):
            yield s[:4] + (v,)
    elif k == "if" and s[1] == DEPTH_GUARD:  # recursion stops there: keep it
        for b in block_variants(s[2]):
            yield (k, s[1], b, s[3])
        for b in block_variants(s[3]):
            yield (k, s[1], s[2], b)
    elif k == "if":
        for v in expr_variants(s[1]):
            yield (k, v, s[2], s[3])
        for b in block_variants(s[2]):
            yield (k, s[1], b, s[3])
        for b in block_variants(s[3]):
            yield (k, s[1], s[2], b)
    elif k in ("for", "while"):
        for n in range(s[2]):
            yield (k, s[1], n) + s[3:]
        if len(s) > 4:  # a while's extra condition
            yield s[:4]
            for v in expr_variants(s[4]):
                yield s[:4] + (v,)
        for b in block_variants(s[3]):
            yield (k, s[1], s[2], b) + s[4:]
    elif k == "forx":
        yield ("for", s[1], s[2], s[4])
        for v in expr_variants(s[3]):
            yield (k, s[1], s[2], v, s[4])
        for b in block_variants(s[4]):
            yield (k, s[1], s[2], s[3], b)


def block_variants(stmts, keep_last=False):
    n = len(stmts) - (1 if keep_last else 0)
    size = max(n // 2, 1)
    while size >= 1 and n > 0:  # cuts of `size` statements
        for i in range(0, n - size + 1, size):
            yield stmts[:i] + stmts[i + size:]
        size //= 2
    for i, s in enumerate(stmts):
        if s[0] == "if":
            if s[1] != DEPTH_GUARD:
                yield stmts[:i] + s[2] + stmts[i + 1:]
            yield stmts[:i] + s[3] + stmts[i + 1:]
    for i, s in enumerate(stmts):
        for v in stmt_variants(s):
            yield stmts[:i] + [v] + stmts[i + 1:]


def program_variants(p):
    def with_(body=None, fk=None, fbody=None):
        import copy
        funcs = []
        for k, f in enumerate(p.funcs):
            g = copy.copy(f)
            if k == fk:
                g.body = fbody
            funcs.append(g)
        return Program(p.args, p.arg_values, p.quant, p.atomic_types,
                       p.body if body is None else body, p.seed, funcs, p.recursion)
    FUNCS[:] = p.funcs
    for b in block_variants(p.body):
        yield with_(body=b)
    for k, f in enumerate(p.funcs):
        for b in block_variants(f.body, keep_last=True):
            yield with_(fk=k, fbody=b)


def signature(report):
    if report is None:
        return None
    first = report.splitlines()[0]
    if "values differ" in first:
        return "mismatch"
    return first.split(":")[1].strip() + ":" + first.split(":")[2][:40]


def check(prog, arch, folder):
    try:
        return run_fuzz.run_program(prog, arch, folder)
    except Exception as e:  # noqa: BLE001 - the reference failed: not the same failure
        return f"seed x: reference {type(e).__name__}: {e}"


def reduce(prog, arch, folder, log=print):
    report = check(prog, arch, folder)
    want = signature(report)
    if want is None:
        raise SystemExit("the program does not fail")
    log(f"reducing: {report.splitlines()[0]}")
    tries = 0
    progress = True
    while progress:
        progress = False
        for v in program_variants(prog):
            tries += 1
            r = check(v, arch, folder)
            if signature(r) == want:
                prog, report, progress = v, r, True
                log(f"  {tries} tries: {len(prog.source())} chars")
                break
    return prog, report


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--arch", default="cpu")
    ap.add_argument("--recursion", type=float, default=run_fuzz.CLI_RECURSION)
    args = ap.parse_args()
    np.seterr(all="ignore")
    folder = tempfile.mkdtemp(prefix="qtaichi-reduce-")
    prog = Gen(args.seed, recursion=args.recursion).program()
    prog, report = reduce(prog, getattr(ti, args.arch), folder)
    print(report)


if __name__ == "__main__":
    main()
