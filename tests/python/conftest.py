import os
import sys
import tempfile

import pytest

# Import the package from the source tree (the built _core sits next to it).
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "python"))

import qtaichi as ti  # noqa: E402

# A kernel cache of this session only: a cache left by an older build must not hide a compiler
# change (its key does not cover the compiler's own code).
os.environ["QTAICHI_CACHE_DIR"] = tempfile.mkdtemp(prefix="qtaichi-test-cache-")


@pytest.fixture(autouse=True)
def fresh_program():
    """Every test runs in a fresh CPU program."""
    ti.init(arch=ti.cpu)
    yield
    ti.reset()
