"""Compile-time and import-time measurements (not a timed test: prints a table).

- `import qtaichi` in a fresh interpreter, minus the interpreter's own start-up;
- compiling a one-loop kernel, cold (empty disk cache) and warm (disk cache hit), as reported by
  the compiler's own telemetry (frontend + passes + LLVM + JIT load) and as seen from Python
  (first call minus a later call).
"""
import os
import re
import subprocess
import sys
import tempfile
import time

PY = sys.executable


def best_of(n, cmd, env=None):
    best = float("inf")
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - t0)
    return best


CHILD = r"""
import time, sys
t0 = time.perf_counter()
import qtaichi as ti
t_import = time.perf_counter() - t0
ti.init(arch=ti.cpu)
x = ti.field(ti.f32, shape=1 << 16)

@ti.kernel
def fill(v: ti.f32):
    for i in x:
        x[i] = v * i

t0 = time.perf_counter(); fill(1.0); first = time.perf_counter() - t0
t0 = time.perf_counter(); fill(2.0); second = time.perf_counter() - t0
print(f"{t_import*1e3:.2f} {first*1e3:.2f} {second*1e3:.2f}")
"""


def run_child(env, script):
    """Returns [import ms, first call ms, second call ms, compiler telemetry ms]."""
    env = dict(env, QTAICHI_LOG="debug")
    out = subprocess.run([PY, script], check=True, env=env, capture_output=True, text=True)
    m = re.search(r"kernel fill: compiled in ([0-9.]+) ms", out.stderr)
    return [float(v) for v in out.stdout.split()] + [float(m.group(1))]


def main():
    startup = best_of(5, [PY, "-c", "pass"])
    imp = best_of(5, [PY, "-c", "import qtaichi"])
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "one_loop.py")  # kernels need a source file
        with open(script, "w") as f:
            f.write(CHILD)
        env = dict(os.environ, QTAICHI_CACHE_DIR=os.path.join(tmp, "cache"))
        cold = run_child(env, script)
        warm = min((run_child(env, script) for _ in range(3)), key=lambda r: r[3])
    print("| measurement | ms |")
    print("|---|---|")
    print(f"| `import qtaichi` (fresh interpreter, start-up subtracted) | {(imp - startup) * 1e3:.1f} |")
    print(f"| one-loop kernel, cold compile (compiler telemetry) | {cold[3]:.1f} |")
    print(f"| one-loop kernel, cold first call minus second call | {cold[1] - cold[2]:.1f} |")
    print(f"| one-loop kernel, warm compile from disk cache (telemetry) | {warm[3]:.1f} |")
    print(f"| one-loop kernel, warm first call minus second call | {warm[1] - warm[2]:.1f} |")


if __name__ == "__main__":
    main()
