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
ti.init(arch=ti.cpu)
from mpm88 import MPM88
sim = MPM88(8192, 128)
sim.reset()
sim.substep()
"""


def compile_times():
    """(cold ms, warm ms): summed compiler telemetry of every kernel mpm88 compiles."""
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "mpm88_compile.py")
        with open(script, "w") as f:
            f.write(COMPILE_CHILD.format(examples=os.path.join(ROOT, "examples")))
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
    args = ap.parse_args()
    exe = os.path.join(args.build, "mpm88_baseline")
    if not os.path.exists(exe):
        sys.exit(f"{exe} is missing: build the project first (make build)")

    import qtaichi as ti

    ti.init(arch=ti.cpu, num_threads=args.threads)
    configs = [(8192, 128, 200 if args.quick else 2000, 20), (1_000_000, 512, 5 if args.quick else 40, 3)]
    print(f"| particles | grid | C++ OpenMP (ns) | qtaichi (ns) | qtaichi / C++ | mean position (C++ / qtaichi) |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for n, grid, steps, warmup in configs:
            pos = initial_positions(n)
            init_path = os.path.join(tmp, f"init_{n}.bin")
            pos.tofile(init_path)
            cpp_ns, cpp_mean = run_baseline(exe, n, grid, steps, warmup, init_path, args.threads)
            qt_ns, qt_mean = run_qtaichi(n, grid, steps, warmup, pos)
            print(f"| {n} | {grid}^2 | {cpp_ns:.1f} | {qt_ns:.1f} | {qt_ns / cpp_ns:.2f} | "
                  f"({cpp_mean[0]:.6f}, {cpp_mean[1]:.6f}) / ({qt_mean[0]:.6f}, {qt_mean[1]:.6f}) |")
    cold, warm = compile_times()
    print()
    print("| compile and import | ms |")
    print("|---|---|")
    print(f"| mpm88 kernels, cold (empty disk cache) | {cold:.1f} |")
    print(f"| mpm88 kernels, warm (disk cache) | {warm:.1f} |")
    print(f"| `import qtaichi` | {import_time():.1f} |")


if __name__ == "__main__":
    main()
