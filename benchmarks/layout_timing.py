"""Timing f32 against quant layouts in one run, as the layout benchmarks do: every layout is
built and warmed up first, then `repeats` timed runs alternate f32, quant, f32, ... so that a
slow spell of the (shared) machine hits both; the best run counts."""
import time

import qtaichi as ti


def seconds(reset, step, steps):
    """Seconds for `steps` calls of step() after reset(), synchronized on both ends."""
    reset()
    ti.sync()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    ti.sync()
    return time.perf_counter() - start


def best_alternating(sims, repeats, time_one):
    """{layout: best seconds of time_one(sim)} over `repeats` alternating rounds."""
    best = {layout: float("inf") for layout in sims}
    for _ in range(repeats):
        for layout, sim in sims.items():
            best[layout] = min(best[layout], time_one(sim))
    return best
