import fnmatch
import os
import sys
import tempfile

import pytest

# Import the package from the source tree (the built _core sits next to it).
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "python"))
sys.path.insert(0, os.path.dirname(__file__))

import qtaichi as ti  # noqa: E402
import archs  # noqa: E402

# A kernel cache of this session only: a cache left by an older build must not hide a compiler
# change (its key does not cover the compiler's own code).
os.environ["QTAICHI_CACHE_DIR"] = tempfile.mkdtemp(prefix="qtaichi-test-cache-")
# Vulkan runs under the Khronos validation layer: anything it reports fails the test.
os.environ.setdefault("QTAICHI_VULKAN_VALIDATION", "1")


def _known_gaps():
    path = os.path.join(os.path.dirname(__file__), "vulkan_known_gaps.txt")
    gaps = []
    with open(path) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                pattern, reason = (x.strip() for x in line.split("|", 1))
                gaps.append((pattern, reason))
    return gaps


VULKAN_GAPS = _known_gaps()

ARCHS = archs.selected()


def pytest_configure(config):
    config.addinivalue_line("markers", "cpu_only(reason): runs on the CPU only, and why")


@pytest.fixture(autouse=True, params=ARCHS, ids=lambda a: str(a).split(".")[-1])
def fresh_program(request):
    """Every test runs in a fresh program, once per arch under test."""
    marker = request.node.get_closest_marker("cpu_only")
    if marker and request.param != ti.cpu:
        pytest.skip(f"CPU only: {marker.kwargs.get('reason', '')}")
    if request.param == ti.vulkan:
        for pattern, reason in VULKAN_GAPS:
            if fnmatch.fnmatch(request.node.nodeid, pattern):
                request.applymarker(pytest.mark.xfail(reason=f"vulkan: {reason}", strict=True))
                break
    before = ti._core.vulkan_validation_messages() if request.param == ti.vulkan else 0
    archs.use(request.param)
    yield
    ti.reset()
    if request.param == ti.vulkan:
        assert ti._core.vulkan_validation_messages() == before, \
            "the Vulkan validation layer reported problems (see stderr)"
