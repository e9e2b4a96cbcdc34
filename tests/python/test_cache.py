"""The offline cache across processes, and the compile telemetry line."""
import os
import subprocess
import sys

import archs
import qtaichi as ti

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

PROGRAM = """
import qtaichi as ti
ti.init(arch=ti.{arch}, log_level=ti.DEBUG)
x = ti.Vector.field(2, ti.f32, 16, name="x")

@ti.kernel
def fill(s: ti.f32):
    for i in x:
        x[i] = [i * s, ti.random()]

fill(0.5)
print(x[3][0])
"""


def run(cache_dir, env_extra=None):
    script = os.path.join(str(cache_dir), "program.py")  # kernels need a source file
    with open(script, "w") as f:
        # The arch under test: its backend's artifacts (object code, SPIR-V) are what is cached.
        f.write(PROGRAM.replace("{arch}", str(archs.current()).split(".")[-1]))
    env = dict(os.environ, QTAICHI_CACHE_DIR=str(cache_dir),
               PYTHONPATH=os.path.join(ROOT, "python"))
    env.pop("QTAICHI_LOG", None)
    env.update(env_extra or {})
    return subprocess.run([sys.executable, script], env=env, capture_output=True,
                          text=True, check=True)


def test_second_process_hits_the_cache(tmp_path):
    first, second = run(tmp_path), run(tmp_path)
    assert "[qtaichi] kernel fill: compiled in" in first.stderr
    assert "cache miss)" in first.stderr
    assert "cache hit)" in second.stderr
    assert first.stdout.strip() == second.stdout.strip() == "1.5"


def test_offline_cache_off_always_misses(tmp_path):
    archs.init(offline_cache=False, offline_cache_file_path=str(tmp_path))
    x = ti.field(ti.i32, 4, name="x")

    @ti.kernel
    def k():
        for i in x:
            x[i] = i

    k()
    assert not k._last_compiled.cache_hit
    archs.init(offline_cache=False, offline_cache_file_path=str(tmp_path))
    x = ti.field(ti.i32, 4, name="x")
    k()
    assert not k._last_compiled.cache_hit



def test_a_corrupt_cache_directory_is_recompiled_not_trusted(tmp_path):
    """Every file in the cache directory (kernels; Vulkan's pipeline cache) damaged: the next
    process compiles again and gets the same result; it never hands bad bytes to a driver."""
    first = run(tmp_path)
    pipelines = tmp_path / "vulkan_pipelines.bin"
    if archs.current() == ti.vulkan:
        assert pipelines.exists()
    for f in list(tmp_path.iterdir()):
        if f.suffix in (".qtk", ".bin"):
            data = f.read_bytes()
            f.write_bytes(data[: len(data) // 2] + b"\xff" * 64)
    pipelines.write_bytes(b"QQTIPCP1" + os.urandom(200))
    again = run(tmp_path)
    assert again.stdout.strip() == first.stdout.strip() == "1.5"
