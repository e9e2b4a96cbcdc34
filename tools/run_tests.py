#!/usr/bin/env python3
"""Runs the C++ tests (ctest) and the Python tests (pytest), then prints one summary line.

Exit status is non-zero when anything failed or when no test ran.
"""
import argparse
import concurrent.futures
import glob
import os
import re
import shutil
import subprocess
import sys

PTX_ARCHS = ("sm_80", "sm_90")


def run(cmd, env=None):
    print("+", " ".join(cmd), flush=True)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    sys.stdout.write(proc.stdout)
    sys.stdout.flush()
    return proc.returncode, proc.stdout


def verdict(check):
    return "passed" if check[0] else "failed" if check[1] else "skipped"


def pytest_counts(rc, out):
    """(passed, failed, skipped, xfailed) from pytest's last line; a crash before it reported
    counts as one failure."""
    tail = out.strip().splitlines()[-1] if out.strip() else ""
    c = {k: int(v) for v, k in re.findall(r"(\d+) (passed|failed|errors?|skipped|xfailed)", tail)}
    failed = c.get("failed", 0) + c.get("error", 0) + c.get("errors", 0)
    if rc not in (0, 5) and not c:
        failed += 1
    return c.get("passed", 0), failed, c.get("skipped", 0), c.get("xfailed", 0)


def find_ptxas():
    for p in (os.environ.get("QTAICHI_PTXAS"), shutil.which("ptxas"),
              os.path.join(os.environ.get("CUDA_HOME", "/usr/local/cuda"), "bin", "ptxas")):
        if p and os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    return None


def check_ptx(ptx_dir):
    """Assembles every kernel the Python suite compiled for CUDA with ptxas, for each of
    PTX_ARCHS. The whole check counts as one test. Returns (passed, failed, skipped)."""
    ptxas = find_ptxas()
    files = sorted(glob.glob(os.path.join(ptx_dir, "*.ptx")))
    if ptxas is None:
        print("PTX check skipped: the CUDA toolkit's ptxas was not found (install CUDA at "
              "/usr/local/cuda, or set CUDA_HOME or QTAICHI_PTXAS)")
        return 0, 0, 1
    if not files:
        print(f"PTX check: no PTX was written to {ptx_dir}")
        return 0, 1, 0

    def assemble(job):
        path, arch = job
        proc = subprocess.run([ptxas, f"-arch={arch}", path, "-o", os.devnull],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        return path, arch, proc.returncode, proc.stdout

    jobs = [(f, a) for f in files for a in PTX_ARCHS]
    bad = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for path, arch, rc, text in pool.map(assemble, jobs):
            if rc != 0:
                bad.append((path, arch, text))
    for path, arch, text in bad[:20]:
        print(f"ptxas -arch={arch} {path} failed:\n{text}")
    print(f"PTX check: {len(files)} kernels x {len(PTX_ARCHS)} archs with {ptxas}: "
          f"{len(jobs) - len(bad)} assembled, {len(bad)} rejected")
    return (0, 1, 0) if bad else (1, 0, 0)


def check_spirv(spirv_dir):
    """spirv-val (Vulkan 1.2 rules) over every SPIR-V module the suite generated; one test."""
    files = sorted(glob.glob(os.path.join(spirv_dir, "*.spv")))
    tool = shutil.which("spirv-val")
    if not files or tool is None:
        print("SPIR-V check skipped: " + ("spirv-val not found (spirv-tools)" if tool is None
                                          else "the suite generated no SPIR-V (no Vulkan device)"))
        return 0, 0, 1

    def validate(path):
        proc = subprocess.run([tool, "--target-env", "vulkan1.2", path], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
        return path, proc.returncode, proc.stdout

    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        bad = [(p, text) for p, rc, text in pool.map(validate, files) if rc != 0]
    for path, text in bad[:10]:
        print(f"spirv-val {path} failed:\n{text}")
    print(f"SPIR-V check: {len(files)} modules with {tool}: {len(files) - len(bad)} valid, "
          f"{len(bad)} invalid")
    return (0, 1, 0) if bad else (1, 0, 0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--python", default=".venv/bin/python")
    args = ap.parse_args()

    passed = failed = skipped = 0
    # Kernels compiled by the tests go to a cache inside the build folder, not the user's.
    os.environ.setdefault("QTAICHI_CACHE_DIR", os.path.abspath(os.path.join(args.build, "test-kernel-cache")))
    # The Python suite imports the core module of this build folder.
    os.environ["QTAICHI_BUILD_DIR"] = os.path.abspath(args.build)

    rc, out = run(["ctest", "--test-dir", args.build, "--output-on-failure", "-j2"])
    m = re.search(r"(\d+)% tests passed, (\d+) tests? failed out of (\d+)", out)
    if m:
        total, bad = int(m.group(3)), int(m.group(2))
        passed += total - bad
        failed += bad
    elif rc != 0:
        failed += 1  # ctest itself failed
    cpp = (passed, failed)

    # Where the CUDA toolkit is installed, every kernel the Python suite compiles is also
    # compiled for CUDA (no GPU needed) and its PTX kept, for ptxas to check below.
    ptx_dir = os.path.abspath(os.path.join(args.build, "ptx-check"))
    shutil.rmtree(ptx_dir, ignore_errors=True)
    env = dict(os.environ)
    if find_ptxas():
        env.update(QTAICHI_ALSO_COMPILE_FOR="cuda", QTAICHI_DUMP_PTX=ptx_dir)
    # Every SPIR-V module the suite's Vulkan run generates is kept for spirv-val below.
    spirv_dir = os.path.abspath(os.path.join(args.build, "spirv-check"))
    shutil.rmtree(spirv_dir, ignore_errors=True)
    env["QTAICHI_DUMP_SPIRV"] = spirv_dir
    rc, out = run([args.python, "-m", "pytest", "tests/python", "-q", "-p", "no:cacheprovider"],
                  env)
    p, f, sk, known_gaps = pytest_counts(rc, out)
    passed, failed, skipped = passed + p, failed + f, skipped + sk

    # The lowerings of a phone-class GPU (no float atomics, no 64-bit atomics) on the Vulkan
    # device: the atomics, quant, MPM, field and launch-batching tests. An f64 atomic add is a
    # compile error there. The same stage moves data through staging copies, as on a
    # discrete GPU whose memory the host cannot map.
    env = dict(os.environ, QTAICHI_VULKAN_CAPS="mobile", QTAICHI_VULKAN_STAGING="1",
               QTAICHI_TEST_ARCHS="vulkan")
    probe = subprocess.run([args.python, "-c", "import qtaichi as ti; "
                            "print(ti.is_arch_supported(ti.vulkan))"], env=env,
                           capture_output=True, text=True)
    if probe.stdout.strip() == "True":
        rc, out = run(
            [args.python, "-m", "pytest", "-q", "-p", "no:cacheprovider",
             "tests/python/test_atomics.py", "tests/python/test_quant_semantics.py",
             "tests/python/test_quant_types.py", "tests/python/test_quant_mpm.py",
             "tests/python/test_fields.py", "tests/python/test_launch_batching.py",
             "tests/python/test_ndarray.py", "--deselect",
             "tests/python/test_atomics.py::test_parallel_augmented_add_into_one_element[vulkan]",
             # a 64-bit atomic needs 64-bit CAS, which this capability mask lacks
             "--deselect",
             "tests/python/test_atomics.py::test_atomic_mul_on_64_bit_integers[vulkan]"],
            env)
        p, f, _, _ = pytest_counts(rc, out)
        passed, failed = passed + p, failed + f
    else:
        print("Vulkan mobile-profile stage skipped: no Vulkan device")

    py = (passed - cpp[0], failed - cpp[1], skipped)
    spv = check_spirv(spirv_dir)
    passed, failed, skipped = passed + spv[0], failed + spv[1], skipped + spv[2]
    ptx = check_ptx(ptx_dir)
    passed, failed, skipped = passed + ptx[0], failed + ptx[1], skipped + ptx[2]
    print(f"C++: {cpp[0]} passed, {cpp[1]} failed; Python: {py[0]} passed, {py[1]} failed, "
          f"{py[2]} skipped, {known_gaps} known gaps (tests/python/vulkan_known_gaps.txt); "
          f"SPIR-V check: {verdict(spv)}; PTX check: {verdict(ptx)}")
    print(f"summary: {passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
