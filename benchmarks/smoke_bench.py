"""Quantized vs float32 grids in 3D smoke (examples/smoke_quant.py), side by side per arch.

For each arch both layouts run the same kernels from the same (empty) state; the table gives
the allocated bytes per voxel over all grid fields, their total, ms per step and the quant/f32
ratios. Timing: both layouts are built and warmed up first (two steps: the two buffers swap, so
every kernel has two instances to compile), then --repeats timed runs of --steps steps each,
every run from the initial state, alternating f32 and quant so that a slow spell of the
(shared) machine hits both; the best run counts. Sanity: the total density after the run must
agree between the layouts within --tol (relative; tests/python/test_smoke.py checks 1e-3 at
24^3); the run's first step also checks that the projection cut max |div| by > 100x.

    .venv/bin/python benchmarks/smoke_bench.py                        # 128^3, cpu
    .venv/bin/python benchmarks/smoke_bench.py --res 64 --archs cpu,vulkan
    .venv/bin/python benchmarks/smoke_bench.py --res 256 --archs cuda  # on a GPU
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "examples"))

import qtaichi as ti  # noqa: E402
import smoke_quant as smoke  # noqa: E402 - the example's kernels, not a copy
from layout_timing import best_alternating, seconds  # noqa: E402


def run_arch(arch, res, steps, repeats):
    """Both layouts on one arch: rows of bytes/voxel, MB, ms/step, total density, div check."""
    ti.init(arch=getattr(ti, arch))
    used = str(ti.cfg.arch).split(".")[-1]
    sims = {layout: smoke.Smoke(res, quant=(layout == "quant"), img_res=(16, 16))
            for layout in ("f32", "quant")}
    div = {}
    for layout, sim in sims.items():
        sim.reset()
        div[layout] = sim.step(verbose=True)  # compiles; max |div| before / after projection
        sim.step()  # the swapped buffers' instances
    best = best_alternating(sims, repeats, lambda sim: seconds(sim.reset, sim.step, steps))
    rows = {}
    for layout, sim in sims.items():
        rows[layout] = dict(bpv=sim.bytes_per_voxel, mb=sim.bytes_per_voxel * res ** 3 / 1e6,
                            ms=best[layout] * 1e3 / steps, density=sim.total_density(),
                            div=div[layout])
        print(f"  {used} {layout}: {rows[layout]['ms']:.1f} ms/step", flush=True)
    ti.reset()
    return used, rows


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--res", type=int, default=128, help="cells per side (res^3 voxels)")
    ap.add_argument("--steps", type=int, default=5, help="timed steps per run")
    ap.add_argument("--repeats", type=int, default=2, help="timed runs; the best counts")
    ap.add_argument("--archs", default="cpu", help="comma-separated: cpu, vulkan, cuda")
    ap.add_argument("--tol", type=float, default=1e-2,
                    help="largest allowed relative difference of the total density")
    args = ap.parse_args()

    results = []
    for arch in (a.strip() for a in args.archs.split(",") if a.strip()):
        results.append(run_arch(arch, args.res, args.steps, args.repeats))

    print(f"\n{args.res}^3 voxels, {args.steps} steps per run from the empty state, "
          f"best of {args.repeats}; {os.cpu_count()} CPU threads\n")
    print("| arch | layout | bytes/voxel | grid fields (MB) | ms/step | quant/f32 time |"
          " f32/quant memory | total density | max abs div before -> after (1/s) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---|")
    ok = True
    for arch, r in results:
        f, q = r["f32"], r["quant"]
        diff = abs(q["density"] - f["density"]) / f["density"]
        for layout, d in (("f32", f), ("quant", q)):
            ratio_t = f"**{q['ms'] / f['ms']:.2f}x**" if layout == "quant" else ""
            ratio_m = f"**{f['bpv'] / q['bpv']:.2f}x**" if layout == "quant" else ""
            before, after = d["div"]
            print(f"| {arch} | {layout} | {d['bpv']:.2f} | {d['mb']:.1f} | {d['ms']:.1f} | "
                  f"{ratio_t} | {ratio_m} | {d['density']:.2f} | "
                  f"{before:.2e} -> {after:.2e} |")
            ok &= before > 100 * after
        good = diff < args.tol
        ok &= good
        print(f"| {arch} | quant vs f32 | | | | | | differ by {diff:.1e} "
              f"({'ok' if good else 'FAIL'}: tol {args.tol:g}) | |")
    if not ok:
        sys.exit("a check failed (see the table)")


if __name__ == "__main__":
    main()
