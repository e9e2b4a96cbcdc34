"""mpm88: qtaichi against the hand-written C++/OpenMP baseline, side by side in one run.

Prints ns per particle-substep of each and their ratio at (8 192 particles, 128^2 grid) and
(1 000 000, 512^2); then the cold and warm compile time of mpm88's kernels and the import time.
Both sides start from the same positions (benchmarks/mpm88_init.py) and use the same dt.

    .venv/bin/python benchmarks/mpm88_bench.py [--build build] [--quick]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "examples"))

from mpm88_init import initial_positions  # noqa: E402


def run_baseline(exe, n, grid, steps, warmup, init_path, threads):
    out = subprocess.run([exe, "--particles", str(n), "--grid", str(grid), "--steps", str(steps),
                          "--warmup", str(warmup), "--init", init_path, "--threads", str(threads)],
                         check=True, capture_output=True, text=True).stdout
    ns = float(re.search(r"ns_per_particle_substep=([0-9.eE+-]+)", out).group(1))
    mx = float(re.search(r"mean_x=([0-9.eE+-]+)", out).group(1))
    my = float(re.search(r"mean_y=([0-9.eE+-]+)", out).group(1))
    return ns, (mx, my)


def run_qtaichi(n, grid, steps, warmup, positions):
    import qtaichi as ti
    from mpm88 import MPM88

    sim = MPM88(n, grid)
    sim.reset(positions)
    for _ in range(warmup):
        sim.substep()
    sim.reset(positions)  # like the baseline: time from the initial state
    ti.sync()
    start = time.perf_counter()
    for _ in range(steps):
        sim.substep()
    ti.sync()
    elapsed = time.perf_counter() - start
    x = sim.x.to_numpy()
    return elapsed * 1e9 / (n * steps), (float(x[:, 0].mean()), float(x[:, 1].mean()))


COMPILE_CHILD = r"""
import sys, time
sys.path.insert(0, {examples!r})
import qtaichi as ti
ti.init(arch=getattr(ti, {arch!r}))
from mpm88 import MPM88
sim = MPM88(8192, 128)
sim.reset()
sim.substep()
"""


def compile_times(arch):
    """(cold ms, warm ms): summed compiler telemetry of every kernel mpm88 compiles for arch."""
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "mpm88_compile.py")
        with open(script, "w") as f:
            f.write(COMPILE_CHILD.format(examples=os.path.join(ROOT, "examples"), arch=arch))
        env = dict(os.environ, QTAICHI_CACHE_DIR=os.path.join(tmp, "cache"), QTAICHI_LOG="debug")
        result = []
        for _ in range(2):
            err = subprocess.run([sys.executable, script], check=True, env=env,
                                 capture_output=True, text=True).stderr
            result.append(sum(float(m) for m in re.findall(r"compiled in ([0-9.]+) ms", err)))
        return tuple(result)


def import_time():
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import qtaichi"], check=True)
        t1 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        best = min(best, (t1 - t0) - (time.perf_counter() - t1))
    return best * 1e3


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--quick", action="store_true", help="fewer substeps")
    ap.add_argument("--archs", default="cpu",
                    help="comma-separated qtaichi archs, one column each (cpu,cuda)")
    ap.add_argument("--sizes", default="8192,1000000",
                    help="particle counts (grid 128^2 below 100k particles, else 512^2)")
    ap.add_argument("--no-compile-times", action="store_true")
    args = ap.parse_args()
    exe = os.path.join(args.build, "mpm88_baseline")
    if not os.path.exists(exe):
        sys.exit(f"{exe} is missing: build the project first (make build)")
    import qtaichi as ti

    archs = [a.strip() for a in args.archs.split(",") if a.strip()]
    configs = []
    for n in (int(float(x)) for x in args.sizes.split(",")):
        small = n < 100_000
        configs.append((n, 128 if small else 512,
                        (200 if args.quick else 2000) if small else (5 if args.quick else 40),
                        20 if small else 3))
    cols = " | ".join(f"qtaichi {a} (ns) | {a} / C++" for a in archs)
    print(f"ns per particle-substep; C++ OpenMP with {args.threads} threads\n")
    print(f"| particles | grid | C++ OpenMP (ns) | {cols} | mean x (C++ / " +
          " / ".join(archs) + ") |")
    print("|---|---|---|" + "---|---|" * len(archs) + "---|")
    with tempfile.TemporaryDirectory() as tmp:
        for n, grid, steps, warmup in configs:
            pos = initial_positions(n)
            init_path = os.path.join(tmp, f"init_{n}.bin")
            pos.tofile(init_path)
            cpp_ns, cpp_mean = run_baseline(exe, n, grid, steps, warmup, init_path, args.threads)
            cells, means = [], [f"{cpp_mean[0]:.6f}"]
            for a in archs:
                ti.init(arch=getattr(ti, a), num_threads=args.threads)
                if str(ti.cfg.arch).split(".")[-1] != a:
                    sys.exit(f"arch {a} is not available here")
                qt_ns, qt_mean = run_qtaichi(n, grid, steps, warmup, pos)
                cells.append(f"{qt_ns:.2f} | {qt_ns / cpp_ns:.2f}")
                means.append(f"{qt_mean[0]:.6f}")
            print(f"| {n} | {grid}^2 | {cpp_ns:.1f} | {' | '.join(cells)} | {' / '.join(means)} |",
                  flush=True)
    if args.no_compile_times:
        return
    print()
    print("| compile and import | ms |")
    print("|---|---|")
    for a in archs:
        cold, warm = compile_times(a)
        print(f"| mpm88 kernels on {a}, cold (empty disk cache) | {cold:.1f} |")
        print(f"| mpm88 kernels on {a}, warm (disk cache) | {warm:.1f} |")
    print(f"| `import qtaichi` | {import_time():.1f} |")


if __name__ == "__main__":
    main()
