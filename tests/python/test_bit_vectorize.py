"""ti.loop_config(bit_vectorize=True): Game of Life on 1-bit quant arrays, one container word
(32 or 64 cells) per iteration, against a numpy implementation of the rule with cells outside
the field dead (QUANT_SPEC.md "Where we go beyond Taichi" item 7); and the errors for loops the
bit_vectorize pass cannot handle."""
import numpy as np
import pytest

import qtaichi as ti

qu1 = ti.types.quant.int(1, False)


def bit_fields(n, m, bits=32, count=2):
    fields = [ti.field(dtype=qu1) for _ in range(count)]
    for f in fields:
        ti.root.dense(ti.ij, (n, m // bits)).quant_array(ti.j, bits, max_num_bits=bits).place(f)
    return fields


@ti.kernel
def evolve(x: ti.template(), y: ti.template()):
    ti.loop_config(bit_vectorize=True)
    for i, j in x:
        num_active_neighbors = 0
        num_active_neighbors += ti.cast(x[i - 1, j - 1], ti.u32)
        num_active_neighbors += ti.cast(x[i - 1, j], ti.u32)
        num_active_neighbors += ti.cast(x[i - 1, j + 1], ti.u32)
        num_active_neighbors += ti.cast(x[i, j - 1], ti.u32)
        num_active_neighbors += ti.cast(x[i, j + 1], ti.u32)
        num_active_neighbors += ti.cast(x[i + 1, j - 1], ti.u32)
        num_active_neighbors += ti.cast(x[i + 1, j], ti.u32)
        num_active_neighbors += ti.cast(x[i + 1, j + 1], ti.u32)
        y[i, j] = (num_active_neighbors == 3) | ((num_active_neighbors == 2) & (x[i, j] == 1))


@ti.kernel
def evolve_static(x: ti.template(), y: ti.template()):
    """The same rule with the neighbours in a ti.static loop and a select."""
    ti.loop_config(bit_vectorize=True)
    for i, j in x:
        n = 0
        for di, dj in ti.static(ti.ndrange((-1, 2), (-1, 2))):
            if ti.static(di != 0 or dj != 0):
                n += ti.cast(x[i + di, j + dj], ti.u32)
        y[i, j] = (n == 3) if x[i, j] == 0 else (n >= 2 and n <= 3)


@ti.kernel
def evolve_grouped(x: ti.template(), y: ti.template()):
    """ti.grouped indices, `n = n + cell` (the local's 0 is cast before the first add) and
    and/or on the counts."""
    ti.loop_config(bit_vectorize=True)
    for I in ti.grouped(x):
        n = 0
        for d in ti.static(ti.grouped(ti.ndrange((-1, 2), (-1, 2)))):
            if ti.static(d[0] != 0 or d[1] != 0):
                n = n + x[I + d]
        y[I] = 1 if n == 3 or (n == 2 and x[I]) else 0


def life_step(a):
    """One step of the rule in numpy; cells outside the grid are dead."""
    p = np.pad(a, 1)
    rows, cols = a.shape
    n = sum(p[1 + di:1 + di + rows, 1 + dj:1 + dj + cols]
            for di in (-1, 0, 1) for dj in (-1, 0, 1) if di or dj)
    return ((n == 3) | ((n == 2) & (a == 1))).astype(a.dtype)


def run(kernel, x, y, state, steps):
    x.from_numpy(state)
    for _ in range(steps):
        kernel(x, y)
        x, y = y, x
    return x.to_numpy()


@pytest.mark.parametrize("shape,bits,kernel", [
    ((64, 128), 32, evolve), ((96, 96), 32, evolve), ((64, 128), 64, evolve),
    ((96, 96), 32, evolve_static), ((64, 128), 32, evolve_grouped)])
def test_random_grids_match_numpy(shape, bits, kernel):
    x, y = bit_fields(*shape, bits=bits)
    rng = np.random.default_rng(shape[0] + bits)
    state = (rng.random(shape) < 0.35).astype(np.int32)
    x.from_numpy(state)
    expected = state
    for step in range(8):
        kernel(x, y)
        x, y = y, x
        expected = life_step(expected)
        got = x.to_numpy()
        assert np.array_equal(got, expected), f"step {step + 1}: {np.sum(got != expected)} cells"
    assert 200 < expected.sum() < expected.size


def test_border_cells_see_dead_neighbours():
    """Full rows and columns at the edges: anything outside would change the counts."""
    x, y = bit_fields(64, 64)
    state = np.zeros((64, 64), np.int32)
    state[0, :] = 1
    state[:, 63] = 1
    state[63, 30:34] = 1
    state[10:13, 0] = 1
    got = run(evolve, x, y, state, 1)
    assert np.array_equal(got, life_step(state))


def test_glider_moves_one_cell_diagonally_every_four_steps():
    x, y = bit_fields(32, 64)
    glider = np.array([[0, 1, 0], [0, 0, 1], [1, 1, 1]], np.int32)
    state = np.zeros((32, 64), np.int32)
    state[2:5, 28:31] = glider  # crosses the boundary between the first two words
    got = run(evolve, x, y, state, 4)
    expected = np.zeros_like(state)
    expected[3:6, 29:32] = glider
    assert np.array_equal(got, expected)
    got = run(evolve, x, y, state, 40)
    expected = np.zeros_like(state)
    expected[12:15, 38:41] = glider
    assert np.array_equal(got, expected)


def test_blinker_oscillates_with_period_two():
    x, y = bit_fields(8, 32)
    state = np.zeros((8, 32), np.int32)
    state[4, 29:32] = 1  # horizontal, touching the right edge of the word
    vertical = np.zeros_like(state)
    vertical[3:6, 30] = 1
    x.from_numpy(state)
    for _ in range(3):
        evolve(x, y)
        assert np.array_equal(y.to_numpy(), vertical)
        evolve(y, x)
        assert np.array_equal(x.to_numpy(), state)


def error_of(kernel):
    with pytest.raises(ti.TaichiSyntaxError) as e:
        kernel()
    return str(e.value)


def test_unsupported_bodies_are_syntax_errors_with_the_line():
    x, y = bit_fields(8, 32)

    @ti.kernel
    def multiply():
        ti.loop_config(bit_vectorize=True)
        for i, j in x:
            y[i, j] = x[i, j] * 3

    @ti.kernel
    def branch():
        ti.loop_config(bit_vectorize=True)
        for i, j in x:
            if x[i, j] == 1:
                y[i, j] = 1

    @ti.kernel
    def far_neighbour():
        ti.loop_config(bit_vectorize=True)
        for i, j in x:
            y[i, j] = x[i, j + 32]

    @ti.kernel
    def shifted_store():
        ti.loop_config(bit_vectorize=True)
        for i, j in x:
            y[i, j + 1] = x[i, j]

    for kernel, message, source in [
            (multiply, "bit_vectorize: 'mul' on cell values is not supported",
             "y[i, j] = x[i, j] * 3"),
            (branch, "bit_vectorize: the loop body must not contain nested blocks",
             "if x[i, j] == 1:"),
            (far_neighbour, "bit_vectorize: a neighbour offset along j must be below the word "
             "size", "for i, j in x:"),
            (shifted_store, "bit_vectorize: stores must go to x[i, j] itself",
             "y[i, j + 1] = x[i, j]")]:
        text = error_of(kernel)
        assert text.startswith(message), text
        assert f'File "{__file__}", line' in text and source in text, text


def test_bit_vectorize_on_a_non_quant_field_is_a_clear_error():
    z = ti.field(ti.u8, shape=(8, 32))
    x, = bit_fields(8, 32, count=1)
    qu2 = ti.types.quant.int(2, False)
    w = ti.field(dtype=qu2)
    ti.root.dense(ti.ij, (8, 2)).quant_array(ti.j, 16, max_num_bits=32).place(w)

    @ti.kernel
    def over_u8():
        ti.loop_config(bit_vectorize=True)
        for i, j in z:
            z[i, j] = z[i, j] + 1

    @ti.kernel
    def over_2_bits():
        ti.loop_config(bit_vectorize=True)
        for i, j in w:
            w[i, j] = 1

    @ti.kernel
    def touches_u8():
        ti.loop_config(bit_vectorize=True)
        for i, j in x:
            z[i, j] = x[i, j]

    text = error_of(over_u8)
    assert text.startswith("bit_vectorize: 'z' is a field of u8; ti.loop_config(bit_vectorize="
                           "True) needs a struct-for over a 1-bit quant array"), text
    assert "for i, j in z:" in text
    text = error_of(over_2_bits)
    assert text.startswith("bit_vectorize: 'w' is a field of unsigned quant int2;"), text
    text = error_of(touches_u8)
    assert "is not a 2-D 1-bit quant array packed along j into full words" in text, text
    assert "z[i, j] = x[i, j]" in text


def test_loop_config_applies_to_the_next_loop_only():
    x, y = bit_fields(8, 32)

    @ti.kernel
    def two_loops():
        ti.loop_config(bit_vectorize=True)
        for i, j in x:
            y[i, j] = x[i, j] == 0
        for i, j in x:  # an ordinary loop: multiplication is fine here
            x[i, j] = y[i, j] * 1

    state = np.zeros((8, 32), np.int32)
    state[::2, ::3] = 1
    x.from_numpy(state)
    two_loops()
    assert np.array_equal(x.to_numpy(), 1 - state)


def test_example_u8_and_quant_versions_agree():
    """examples/game_of_life.py: the 1-bit bit-vectorized grids (32- and 64-bit words) and the
    u8 grids (dead border; both loop forms) evolve alike from the glider gun and a random
    start."""
    import os
    import sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "examples"))
    try:
        from game_of_life import QuantLife, U8Life, initial_state
    finally:
        sys.path.pop(0)
    for start in ("gun", "random"):
        state = initial_state(64, start, seed=3)
        grids = [QuantLife(64), QuantLife(64, word_bits=64), U8Life(64), U8Life(64, rows=True)]
        for g in grids:
            g.load(state)
        expected = state
        for _ in range(40):
            for g in grids:
                g.step()
            expected = life_step(expected)
        for g in grids:
            assert np.array_equal(g.state(), expected), type(g).__name__
        assert grids[0].bits_per_cell == 1 and grids[2].bits_per_cell > 8
