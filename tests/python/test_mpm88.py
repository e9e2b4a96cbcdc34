"""mpm88 in qtaichi agrees with the hand-written C++ baseline (benchmarks/mpm88_baseline.cpp)."""
import os
import re
import subprocess
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
sys.path.insert(0, os.path.join(ROOT, "examples"))

from mpm88_init import initial_positions  # noqa: E402


def baseline_exe():
    exe = os.path.join(os.environ.get("QTAICHI_BUILD_DIR", os.path.join(ROOT, "build")),
                       "mpm88_baseline")
    assert os.path.exists(exe), f"{exe} is missing: the build makes it (QTAICHI_BUILD_BENCHMARKS)"
    return exe


def test_mpm88_matches_the_cpp_baseline_after_200_substeps(tmp_path):
    import qtaichi as ti
    from mpm88 import MPM88

    n, grid, steps = 8192, 128, 200
    pos = initial_positions(n)
    init = tmp_path / "init.bin"
    pos.tofile(init)
    out = subprocess.run([baseline_exe(), "--particles", str(n), "--grid", str(grid), "--steps",
                          str(steps), "--warmup", "0", "--init", str(init), "--threads", "1"],
                         check=True, capture_output=True, text=True).stdout
    cpp = np.array([float(re.search(r"mean_x=(\S+)", out).group(1)),
                    float(re.search(r"mean_y=(\S+)", out).group(1))])

    sim = MPM88(n, grid)
    sim.reset(pos)
    for _ in range(steps):
        sim.substep()
    x = sim.x.to_numpy()
    assert np.isfinite(x).all()
    ours = x.astype(np.float64).mean(axis=0)
    assert np.abs(ours - cpp).max() < 1e-4, (ours, cpp)
    # The material moved: it fell under gravity.
    assert ours[1] < pos[:, 1].mean() - 0.01
