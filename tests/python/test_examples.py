"""Every example that shows frames runs headless, as CI runs them: with --out (PNG frames) and,
for one, with no display and no --out (frames go to its default folder). The frames must show
something (not one flat colour)."""
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

import archs

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
pytestmark = archs.cpu_only("runs the example scripts as programs (their default arch is cpu)")

EXAMPLES = {
    "mpm88.py": ["--particles", "2048", "--grid", "64", "--steps", "40", "--frames", "2"],
    "mpm88_quant.py": ["--compare", "--particles", "2048", "--grid", "64", "--steps", "40",
                       "--frames", "1"],
    "mpm3d_quant.py": ["--particles", "2048", "--grid", "16", "--steps", "30", "--frames", "1"],
    "smoke_quant.py": ["--res", "16", "--steps", "6", "--every", "3", "--img", "64"],
    "heat_diffusion.py": ["--n", "64", "--steps", "50"],
    "game_of_life.py": ["--n", "64", "--steps", "8", "--frames", "2"],
}


def run_example(name, args, cwd, env_extra=None):
    env = dict(os.environ)
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    env["PYTHONPATH"] = os.path.join(ROOT, "python")
    if env.get("QTAICHI_BUILD_DIR"):  # the scripts run elsewhere: a relative folder would move
        env["QTAICHI_BUILD_DIR"] = os.path.abspath(env["QTAICHI_BUILD_DIR"])
    env.update(env_extra or {})
    proc = subprocess.run([sys.executable, os.path.join(ROOT, "examples", name), *args],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    return proc


def pngs(folder):
    return sorted(os.path.join(d, f) for d, _, fs in os.walk(folder) for f in fs
                  if f.endswith(".png"))


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_writes_frames_headless(name, tmp_path):
    out = tmp_path / "frames"
    args = list(EXAMPLES[name])
    if name in ("heat_diffusion.py", "game_of_life.py"):
        args += ["--out", str(out / "image.png")]
    else:
        args += ["--out", str(out)]
    run_example(name, args, tmp_path)
    files = pngs(out)
    assert files, f"{name} wrote no frames"
    for f in files:
        img = np.asarray(Image.open(f).convert("RGB"), np.float64)
        assert img.std() > 1.0, f"{f} is one flat colour"


def test_without_a_display_frames_go_to_the_default_folder(tmp_path):
    proc = run_example("mpm88.py", EXAMPLES["mpm88.py"], tmp_path)
    assert "runs headless" in proc.stderr          # said once, with the reason
    assert len(pngs(tmp_path / "out" / "mpm88")) == 2
