import os
import sys

import pytest

# Import the package from the source tree (the built _core sits next to it).
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "python"))

import qtaichi as ti  # noqa: E402


@pytest.fixture(autouse=True)
def fresh_program():
    """Every test runs in a fresh CPU program."""
    ti.init(arch=ti.cpu)
    yield
    ti.reset()
