"""The app's view: the runtime built alone (no LLVM, no Python), installed, and a C++ app built
against the installed package only (examples/aot_effect) running an exported quantized effect,
headless and in a GLFW window (under xvfb), on every arch this machine has."""
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

import archs
import qtaichi as ti

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def sh(*cmd, **kw):
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    assert r.returncode == 0, f"{' '.join(map(str, cmd))}:\n{r.stdout}\n{r.stderr}"
    return r.stdout


@archs.cpu_only("builds the runtime and the app once, then runs every arch from there")
def test_an_app_against_the_installed_runtime_runs_the_exported_effect(tmp_path):
    build, prefix = tmp_path / "build-runtime", tmp_path / "install"
    sh("cmake", "-S", ROOT, "-B", build, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
       "-DQTAICHI_RUNTIME_ONLY=ON")
    sh("cmake", "--build", build)
    sh("cmake", "--install", build, "--prefix", prefix)
    lib = prefix / "lib" / "libqtaichi_runtime.so"
    for f in ("include/qtaichi/qtaichi.h", "include/qtaichi/qtaichi.hpp",
              "lib/cmake/qtaichi_runtime/qtaichi_runtimeConfig.cmake"):
        assert (prefix / f).exists(), f
    linked = sh("ldd", lib)
    assert "LLVM" not in linked and "libpython" not in linked, linked
    stripped = tmp_path / "stripped.so"
    sh("strip", "--strip-unneeded", "-o", stripped, lib)
    assert stripped.stat().st_size < 1 << 20, stripped.stat().st_size

    app = tmp_path / "build-effect"
    sh("cmake", "-S", os.path.join(ROOT, "examples", "aot_effect"), "-B", app, "-G", "Ninja",
       f"-DCMAKE_PREFIX_PATH={prefix}")
    sh("cmake", "--build", app)
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"))
    heights = {}
    for arch in [a for a in ("cpu", "vulkan") if ti.is_arch_supported(getattr(ti, a))]:
        module = tmp_path / f"snow_{arch}.zip"
        sh(sys.executable, os.path.join(ROOT, "examples", "aot_effect", "export.py"), "--arch",
           arch, "--particles", "2048", "--grid", "64", "--out", module, env=env)
        out = sh(app / "effect", "--module", module, "--arch", arch, "--frames", "3",
                 "--substeps", "20", "--out", tmp_path / f"frames_{arch}")
        assert "2048 particles, 20 bytes each" in out, out
        assert re.search(r"loaded in [0-9.]+ ms", out), out
        heights[arch] = float(re.search(r"mean height ([0-9.]+)", out).group(1))
        assert (tmp_path / f"frames_{arch}" / "frame_0002.png").exists()
    assert heights["cpu"] < 0.4  # the block fell from [0.2, 0.6)
    if "vulkan" in heights:
        assert abs(heights["vulkan"] - heights["cpu"]) < 1e-3, heights

    if shutil.which("xvfb-run"):  # the windowed path: what the window shows is the frame
        sh("xvfb-run", "-a", app / "effect", "--module", tmp_path / "snow_cpu.zip", "--arch",
           "cpu", "--frames", "2", "--substeps", "10", "--window", "--out", tmp_path / "win")
        from PIL import Image
        frame = np.asarray(Image.open(tmp_path / "win" / "frame_0001.png"))
        shown = np.asarray(Image.open(tmp_path / "win" / "window_0001.png"))
        np.testing.assert_array_equal(frame, shown)
        assert (frame != frame[0, 0]).any()  # particles were drawn
