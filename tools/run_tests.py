#!/usr/bin/env python3
"""Runs the C++ tests (ctest) and the Python tests (pytest), then prints one summary line.

Exit status is non-zero when anything failed or when no test ran.
"""
import argparse
import os
import re
import subprocess
import sys


def run(cmd):
    print("+", " ".join(cmd), flush=True)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    sys.stdout.write(proc.stdout)
    sys.stdout.flush()
    return proc.returncode, proc.stdout


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

    rc, out = run([args.python, "-m", "pytest", "tests/python", "-q", "-p", "no:cacheprovider"])
    tail = out.strip().splitlines()[-1] if out.strip() else ""
    counts = {k: int(v) for v, k in re.findall(r"(\d+) (passed|failed|errors?|skipped)", tail)}
    passed += counts.get("passed", 0)
    failed += counts.get("failed", 0) + counts.get("error", 0) + counts.get("errors", 0)
    skipped += counts.get("skipped", 0)
    if rc not in (0, 5) and not counts:
        failed += 1  # pytest crashed before reporting

    print(f"C++: {cpp[0]} passed, {cpp[1]} failed; Python: {passed - cpp[0]} passed, "
          f"{failed - cpp[1]} failed, {skipped} skipped")
    print(f"summary: {passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
