"""Quantized MPM (examples/mpm88_quant.py, examples/mpm3d_quant.py) stays close to the float32
run of the same kernels from the same particles, and takes the advertised storage.

Tolerance: each quantized particle differs from its f32 twin by rounding errors that are
unbiased (round to nearest) and, after a few hundred substeps, of order 1e-4..1e-3 (fixed
point steps of 6e-8 / 1.9e-6 for positions, 2^-12..2^-18 relative for velocities, 6e-5 for F,
amplified by the dynamics). The mean over thousands of particles averages them: we allow
a tenth of a grid cell (dx/10), while gravity moves the mean by several cells in that time
(checked too, so the comparison is not vacuous). A systematic error -- a wrong rounding
direction, a lost member, a clamped range -- shifts every particle the same way and breaks it.
"""
import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "examples"))


def _run(sim, reset, steps):
    reset()
    for _ in range(steps):
        sim.substep()
    return sim.x.to_numpy().astype(np.float64)


def test_mpm88_quant_stays_close_to_f32():
    from mpm88_quant import MPM88Quant, initial_positions

    n, grid, steps = 4096, 64, 300
    pos = initial_positions(n)
    xs, sims = {}, {}
    for quant in (False, True):
        sim = sims[quant] = MPM88Quant(n, grid, quant=quant)
        xs[quant] = _run(sim, lambda: sim.reset(pos), steps)
        assert np.isfinite(xs[quant]).all()
    assert sims[False].bytes_per_particle == 36 and sims[True].bytes_per_particle == 20
    mf, mq = xs[False].mean(0), xs[True].mean(0)
    fell = pos[:, 1].mean() - mf[1]
    assert fell > 3 / grid, fell  # three cells
    assert np.abs(mq - mf).max() < 0.1 / grid, (mq, mf)


def test_mpm3d_quant_stays_close_to_f32_and_in_range():
    from mpm3d_quant import MPM3D, initial_particles

    n, grid, steps = 4096, 16, 250
    pos, mat = initial_particles(n)
    xs, sims = {}, {}
    for quant in (False, True):
        sim = sims[quant] = MPM3D(n, grid, quant=quant)
        xs[quant] = _run(sim, lambda: sim.reset(pos, mat), steps)
        assert np.isfinite(xs[quant]).all()
        # F's entries stay well inside fixed(16, max_value=2)'s range; the floor was hit
        # (the jelly and water deformed: F moved away from the identity)
        assert 1.01 < sim.max_abs_F() < 1.9
    assert sims[False].bytes_per_particle == 68 and sims[True].bytes_per_particle == 40
    mf, mq = xs[False].mean(0), xs[True].mean(0)
    fell = pos[:, 1].mean() - mf[1]
    assert fell > 0.08, fell  # more than a cell (dx = 0.0625)
    assert np.abs(mq - mf).max() < 0.1 / grid, (mq, mf)
    # the material ids survive next to F[2, 2] and Jp in their shared word
    np.testing.assert_array_equal(sims[True].material.to_numpy(), mat)
    # snow's plastic volume ratio Jp moved (the cube reached the floor and compacted) and
    # stays near the f32 run's; the other materials keep Jp = 1 exactly
    from mpm3d_quant import SNOW
    snow = mat == SNOW
    assert snow.any()
    for quant in (False, True):
        jp = sims[quant].Jp.to_numpy()
        assert (jp[~snow] == 1).all()
        lo, hi = jp[snow].min(), jp[snow].max()
        assert 0.5 < lo < 0.99 and hi < 1.5, (lo, hi)
    jf, jq = (sims[q].Jp.to_numpy()[snow].astype(np.float64).mean() for q in (False, True))
    assert abs(jq - jf) < 1e-3, (jq, jf)
