#!/usr/bin/env python3
"""Random-program differential testing: generates typed kernels (generate.py), some with
recursive ti.real_funcs, runs them on an arch and compares every stored value with the reference
semantics (evaluate.py). A mismatch prints the seed, the program and the differing values;
`--seed N --count 1 --recursion R` (R as the report says) reproduces it, and reduce.py shrinks it.

    .venv/bin/python tests/fuzz/run_fuzz.py [--count 500] [--seed 0] [--arch cpu] [--keep DIR]
                                            [--recursion 0.25]
"""
import argparse
import importlib.util
import itertools
import math
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))

import numpy as np  # noqa: E402

import qtaichi as ti  # noqa: E402
import reference as R  # noqa: E402
from evaluate import Evaluator  # noqa: E402
from generate import LANES, SLOTS, Gen  # noqa: E402

qt = ti.types.quant
# The share of programs with a recursive ti.real_func (generate.py): small in the fixed-seed
# budget of `make test` (such a program takes ~5x longer to compile on the CPU, ~20x with
# lavapipe), larger from the command line (`make fuzz`). Their call stack: the default size
# (no generated program needs half of it; a bigger one compiles slower on lavapipe).
RECURSION = 0.05
CLI_RECURSION = 0.25
STACK_BYTES = 4096


def quant_type(m):
    if m[0] == "int":
        return qt.int(m[1], m[2])
    if m[0] == "fixed":
        return qt.fixed(m[1], m[2], scale=m[3])
    return qt.float(m[1], m[2], m[3])


_modules = itertools.count()


def build_module(prog, folder):
    """The program as a module file: the frontend reads kernel source from files (a new name
    each time: variants of one program, reduce.py's, must not meet a cached older one)."""
    path = os.path.join(folder, f"fuzz_{prog.seed}_{next(_modules)}.py")
    with open(path, "w") as f:
        f.write("import qtaichi as ti\n\n\n" + prog.source())
    spec = importlib.util.spec_from_file_location(os.path.basename(path)[:-3], path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod, path


def run_one(seed, arch, folder, recursion=RECURSION):
    """Returns None when the arch agrees with the reference, else a report."""
    return run_program(Gen(seed, recursion=recursion).program(), arch, folder)


def run_program(prog, arch, folder):
    seed = f"{prog.seed} (--recursion {prog.recursion:g})"
    want = Evaluator(prog).run()
    extra = {"real_func_stack_bytes": STACK_BYTES} if prog.funcs else {}
    ti.init(arch=arch, offline_cache=False, **extra)
    try:
        mod, path = build_module(prog, folder)
        for t in R.TYPES:
            setattr(mod, f"out_{t}", ti.field(getattr(ti, t), shape=(LANES, SLOTS)))
        for t in prog.atomic_types:
            setattr(mod, f"acc_{t}", ti.field(getattr(ti, t), shape=()))
        if prog.quant:
            fields = [ti.field(quant_type(m)) for _, m, _ in prog.quant]
            bp = ti.BitpackedFields(max_num_bits=prog.quant[0][0])
            shared = [f for f, q in zip(fields, prog.quant) if q[2] is not None]
            if shared:
                bp.place(*shared, shared_exponent=True)
            own = [f for f, q in zip(fields, prog.quant) if q[2] is None]
            if own:
                bp.place(*own)
            ti.root.dense(ti.i, LANES).place(bp)
            for k, f in enumerate(fields):
                setattr(mod, f"q{k}", f)
        mod.fuzz_kernel(*prog.arg_values)
        diffs = []
        for t in R.TYPES:
            got = getattr(mod, f"out_{t}").to_numpy()
            for lane in range(LANES):
                for slot in range(SLOTS):
                    w = want.out[t][lane][slot]
                    g = got[lane, slot]
                    if not R.same(g, w, t):
                        diffs.append(f"out_{t}[{lane}, {slot}]: got {g!r}, want {w!r}")
        for t in prog.atomic_types:
            g = getattr(mod, f"acc_{t}")[None]
            if int(g) != int(want.acc[t]):
                diffs.append(f"acc_{t}: got {g!r}, want {want.acc[t]!r}")
        for k in range(len(prog.quant)):
            got = getattr(mod, f"q{k}").to_numpy()
            for lane in range(LANES):
                w = want.quant[k][lane]
                ok = (got[lane] == w) or (isinstance(w, float) and math.isnan(w) and
                                          math.isnan(got[lane]))
                if not ok:
                    diffs.append(f"q{k}[{lane}] ({prog.quant[k][1]}): got {got[lane]!r}, "
                                 f"want {w!r}")
    except Exception as e:  # noqa: BLE001 - a compiler error on a valid program is a bug too
        return f"seed {seed}: {type(e).__name__}: {e}\n{prog.source()}"
    finally:
        ti.reset()
    if diffs:
        more = f"\n  ... {len(diffs) - 8} more" if len(diffs) > 8 else ""
        return (f"seed {seed} on {arch}: {len(diffs)} values differ\n  " +
                "\n  ".join(diffs[:8]) + more + f"\nargs {prog.arg_values} {prog.args}\n" +
                prog.source())
    return None


def fuzz(count, seed, arch, folder=None, budget_s=None, recursion=RECURSION, on_failure=None):
    """Runs `count` programs from `seed` on; returns (programs run, failure reports).
    `on_failure(report)` is called as each failure is found."""
    folder = folder or tempfile.mkdtemp(prefix="qtaichi-fuzz-")
    start, failures, ran = time.time(), [], 0
    for s in range(seed, seed + count):
        if budget_s is not None and time.time() - start > budget_s:
            break
        report = run_one(s, arch, folder, recursion)
        ran += 1
        if report:
            failures.append(report)
            if on_failure:
                on_failure(report)
    return ran, failures


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=500)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--arch", default="cpu")
    ap.add_argument("--keep", help="write the program files here")
    ap.add_argument("--recursion", type=float, default=CLI_RECURSION,
                    help="the share of programs with a recursive ti.real_func (0 to 1)")
    args = ap.parse_args()
    np.seterr(all="ignore")
    ran, failures = fuzz(args.count, args.seed, getattr(ti, args.arch), args.keep,
                         recursion=args.recursion,
                         on_failure=lambda r: print(r, "\n", flush=True))  # a crash keeps them
    print(f"fuzz: {ran} programs on {args.arch}, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
