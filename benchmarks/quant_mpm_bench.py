"""Quantized vs float32 particles in MLS-MPM, side by side in one run: 2D (examples/
mpm88_quant.py's layouts) and 3D (examples/mpm3d_quant.py's: the QuanTaichi paper's scheme).

For each case both layouts start from the same particles and run the same kernels; the table
gives the allocated bytes per particle, the total particle-field bytes, ns per particle-substep
and the quant/f32 ratios. Timing: both layouts are built and warmed up (compiled) first, then
--repeats timed runs of --steps substeps each, every run from the initial state, alternating
f32 and quant so that a slow spell of the (shared) machine hits both; the best run counts.
Sanity: the mean particle position after the run must agree between the layouts within --tol
(each particle's quantization error is small and unbiased, so the mean over >= 1M particles
moves far less than a grid cell; the test tests/python/test_quant_mpm.py checks dx/10).

    .venv/bin/python benchmarks/quant_mpm_bench.py                # 1M particles each (default)
    .venv/bin/python benchmarks/quant_mpm_bench.py --particles 100000 --steps 5 --repeats 1
    .venv/bin/python benchmarks/quant_mpm_bench.py --arch cuda --particles 8000000   # on a GPU
"""
import argparse
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "examples"))

import qtaichi as ti  # noqa: E402
from layout_timing import best_alternating, seconds  # noqa: E402


def run_case(name, make, reset_of, n, steps, repeats):
    """Both layouts built and warmed up (compiled) first; then the timed runs alternate
    f32, quant, f32, ... so that a slow spell of the machine hits both; the best run counts."""
    sims = {layout: make(layout == "quant") for layout in ("f32", "quant")}
    for sim in sims.values():
        reset_of(sim)()
        for _ in range(2):
            sim.substep()
    best = best_alternating(sims, repeats,
                            lambda sim: seconds(reset_of(sim), sim.substep, steps))
    rows = {}
    for layout, sim in sims.items():
        x = sim.x.to_numpy().astype(np.float64)
        rows[layout] = dict(bpp=sim.bytes_per_particle, total=sim.bytes_per_particle * n,
                            ns=best[layout] * 1e9 / (n * steps), mean=x.mean(axis=0),
                            finite=bool(np.isfinite(x).all()))
        print(f"  {name} {layout}: {rows[layout]['ns']:.2f} ns per particle-substep", flush=True)
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--particles", type=int, default=1_000_000)
    ap.add_argument("--grid2d", type=int, default=512)
    ap.add_argument("--grid3d", type=int, default=128)
    ap.add_argument("--steps", type=int, default=20, help="timed substeps per run")
    ap.add_argument("--repeats", type=int, default=3, help="timed runs; the best counts")
    ap.add_argument("--tol", type=float, default=2e-3,
                    help="largest allowed difference of the mean position, quant vs f32")
    ap.add_argument("--only", choices=("2d", "3d"), default=None)
    ap.add_argument("--arch", choices=("cpu", "cuda", "vulkan", "gpu"), default="cpu")
    args = ap.parse_args()

    ti.init(arch=getattr(ti, args.arch))
    arch = str(ti.cfg.arch).split(".")[-1]
    import mpm3d_quant
    import mpm88_quant

    n = args.particles
    cases = []
    if args.only in (None, "2d"):
        pos2 = mpm88_quant.initial_positions(n)
        cases.append((f"2D mpm88, {args.grid2d}^2 grid", run_case(
            "2D", lambda q: mpm88_quant.MPM88Quant(n, args.grid2d, quant=q),
            lambda sim: (lambda: sim.reset(pos2)), n, args.steps, args.repeats)))
    if args.only in (None, "3d"):
        pos3, mat3 = mpm3d_quant.initial_particles(n)
        cases.append((f"3D mpm3d, {args.grid3d}^3 grid", run_case(
            "3D", lambda q: mpm3d_quant.MPM3D(n, args.grid3d, quant=q),
            lambda sim: (lambda: sim.reset(pos3, mat3)), n, args.steps, args.repeats)))

    where = f"{os.cpu_count()} CPU threads" if arch == "cpu" else ti.lang.runtime.get_program().core.device_name
    print(f"\n{n} particles, {args.steps} substeps per run, best of {args.repeats}; "
          f"arch {arch}: {where}\n")
    print("| case | layout | bytes/particle | particle fields (MB) | ns/particle-substep |"
          " mean position after the run |")
    print("|---|---|---:|---:|---:|---|")
    ok = True
    for name, r in cases:
        f, q = r["f32"], r["quant"]
        for layout, d in (("f32", f), ("quant", q)):
            print(f"| {name} | {layout} | {d['bpp']:.0f} | {d['total'] / 1e6:.1f} | "
                  f"{d['ns']:.2f} | ({', '.join(f'{c:.5f}' for c in d['mean'])}) |")
        diff = float(np.abs(q["mean"] - f["mean"]).max())
        good = diff < args.tol and f["finite"] and q["finite"]
        ok &= good
        print(f"| {name} | **f32 / quant** | **{f['bpp'] / q['bpp']:.2f}x** | "
              f"**{f['total'] / q['total']:.2f}x** | **quant {q['ns'] / f['ns']:.2f}x of f32** | "
              f"differ by {diff:.1e} ({'ok' if good else 'FAIL'}: tol {args.tol:g}) |")
    if not ok:
        sys.exit("quant and f32 runs disagree (see the table)")


if __name__ == "__main__":
    main()
