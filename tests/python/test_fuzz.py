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


@archs.cpu_only("lowers for another arch's capabilities and runs the result on the CPU")
@pytest.mark.parametrize("lower_as", ["cuda"])
def test_random_programs_lowered_for_a_gpu_match_the_reference(lower_as, tmp_path, monkeypatch):
    """The passes take other paths for a GPU's capabilities (32-bit words for 8/16-bit atomics,
    native float atomics, no merged atomics); QTAICHI_LOWER_AS runs those lowerings here."""
    np.seterr(all="ignore")
    monkeypatch.setenv("QTAICHI_LOWER_AS", lower_as)
    archs.init()
    x = ti.field(ti.i32, 4)

    @ti.kernel
    def probe():
        x[0] = 1

    probe()
    assert probe._last_compiled.final_ir.splitlines()[0].startswith(f"target {lower_as}: ")
    n = PROGRAMS // CHUNKS
    ran, failures = fuzz(n, 30_000, archs.current(), str(tmp_path))
    assert ran == n
    assert not failures, "\n\n".join(failures[:3])
