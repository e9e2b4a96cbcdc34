"""ti.graph: a recorded graph run with a dict of arguments gives what the same launches in
Python give (numpy reference)."""
import numpy as np
import pytest

import qtaichi as ti


def test_graph_runs_its_kernels_in_order_with_the_given_arguments():
    @ti.kernel
    def scale(x: ti.types.ndarray(ti.f32, ndim=1), k: ti.f32):
        for i in x:
            x[i] *= k

    @ti.kernel
    def add(x: ti.types.ndarray(ti.f32, ndim=1), y: ti.types.ndarray(ti.f32, ndim=1)):
        for i in x:
            y[i] += x[i]

    sx = ti.graph.Arg(ti.graph.ArgKind.NDARRAY, "x", ti.f32, ndim=1)
    sy = ti.graph.Arg(ti.graph.ArgKind.NDARRAY, "y", ti.f32, ndim=1)
    sk = ti.graph.Arg(ti.graph.ArgKind.SCALAR, "k", ti.f32)
    b = ti.graph.GraphBuilder()
    step = b.create_sequential()
    step.dispatch(scale, sx, sk)
    step.dispatch(add, sx, sy)
    for _ in range(3):
        b.append(step)
    g = b.compile()

    x = ti.ndarray(ti.f32, shape=5)
    y = ti.ndarray(ti.f32, shape=5)
    x.from_numpy(np.arange(5, dtype=np.float32))
    g.run({"x": x, "y": y, "k": 2.0})
    xs, ys = np.arange(5.0), np.zeros(5)
    for _ in range(3):
        xs *= 2
        ys += xs
    np.testing.assert_allclose(x.to_numpy(), xs)
    np.testing.assert_allclose(y.to_numpy(), ys)
    with pytest.raises(ti.TaichiRuntimeTypeError, match="no value for argument 'k'"):
        g.run({"x": x, "y": y})
