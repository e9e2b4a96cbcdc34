"""The fixed-seed budget of random-program differential testing (tests/fuzz): random typed
kernels against the reference semantics, on every arch the harness tests. `make fuzz` runs
longer with a fresh seed."""
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "fuzz"))

import archs  # noqa: E402
import qtaichi as ti  # noqa: E402
from run_fuzz import fuzz  # noqa: E402

PROGRAMS = 500  # about 40 s on one core
CHUNKS = 5


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_random_programs_match_the_reference(chunk, tmp_path):
    np.seterr(all="ignore")
    n = PROGRAMS // CHUNKS
    ran, failures = fuzz(n, 10_000 + chunk * n, archs.current(), str(tmp_path))
    assert ran == n
    assert not failures, "\n\n".join(failures[:3])
