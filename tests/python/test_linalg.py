"""ti.svd, ti.polar_decompose, ti.sym_eig, ti.solve on 2x2 and 3x3 matrices, against numpy:
reconstruction, orthogonality, rotations (det +1), and the values themselves."""
import numpy as np
import pytest

import qtaichi as ti

M = 64


def random_matrices(n, seed):
    """Well-conditioned matrices, some with a negative determinant."""
    rng = np.random.default_rng(seed)
    a = rng.uniform(-1, 1, (M, n, n)) + 2.0 * np.eye(n) * rng.choice([-1, 1], (M, 1, 1))
    return a.astype(np.float32)


@pytest.mark.parametrize("n", [2, 3])
def test_svd_and_polar(n):
    a = random_matrices(n, n)
    A = ti.Matrix.field(n, n, ti.f32, shape=M)
    U, S, V, R, P = (ti.Matrix.field(n, n, ti.f32, shape=M) for _ in range(5))
    A.from_numpy(a)

    @ti.kernel
    def k():
        for i in A:
            u, s, v = ti.svd(A[i])
            U[i], S[i], V[i] = u, s, v
            r, p = ti.polar_decompose(A[i])
            R[i], P[i] = r, p

    k()
    u, s, v, r, p = U.to_numpy(), S.to_numpy(), V.to_numpy(), R.to_numpy(), P.to_numpy()
    eye = np.broadcast_to(np.eye(n), (M, n, n))
    np.testing.assert_allclose(u @ s @ np.swapaxes(v, 1, 2), a, atol=2e-5)
    np.testing.assert_allclose(u @ np.swapaxes(u, 1, 2), eye, atol=2e-6)
    np.testing.assert_allclose(v @ np.swapaxes(v, 1, 2), eye, atol=2e-6)
    np.testing.assert_allclose(np.linalg.det(u), 1, atol=1e-5)
    np.testing.assert_allclose(np.linalg.det(v), 1, atol=1e-5)
    sig = np.diagonal(s, axis1=1, axis2=2)
    want = np.linalg.svd(a.astype(np.float64), compute_uv=False)
    np.testing.assert_allclose(np.abs(sig), want, rtol=2e-6, atol=1e-6)
    assert (np.diff(np.abs(sig), axis=1) <= 1e-6).all()  # decreasing
    np.testing.assert_array_equal(np.sign(np.prod(sig, axis=1)), np.sign(np.linalg.det(a)))
    np.testing.assert_allclose(r @ p, a, atol=2e-5)
    np.testing.assert_allclose(p, np.swapaxes(p, 1, 2), atol=2e-6)
    np.testing.assert_allclose(np.linalg.det(r), 1, atol=1e-5)


@pytest.mark.parametrize("n", [2, 3])
def test_sym_eig_and_solve(n):
    a = random_matrices(n, 10 + n)
    sym = ((a + np.swapaxes(a, 1, 2)) / 2).astype(np.float32)
    A = ti.Matrix.field(n, n, ti.f32, shape=M)
    B = ti.Matrix.field(n, n, ti.f32, shape=M)
    W = ti.Vector.field(n, ti.f32, shape=M)
    E = ti.Matrix.field(n, n, ti.f32, shape=M)
    b = ti.Vector.field(n, ti.f32, shape=M)
    x = ti.Vector.field(n, ti.f32, shape=M)
    A.from_numpy(sym)
    B.from_numpy(a)
    rhs = np.random.default_rng(5).uniform(-1, 1, (M, n)).astype(np.float32)
    b.from_numpy(rhs)

    @ti.kernel
    def k():
        for i in A:
            w, e = ti.sym_eig(A[i])
            W[i], E[i] = w, e
            x[i] = ti.solve(B[i], b[i])

    k()
    w, e = W.to_numpy(), E.to_numpy()
    np.testing.assert_allclose(w, np.linalg.eigvalsh(sym.astype(np.float64)), rtol=2e-6,
                               atol=2e-6)
    np.testing.assert_allclose(sym @ e, e * w[:, None, :], atol=2e-5)  # A v = lambda v
    np.testing.assert_allclose(np.swapaxes(e, 1, 2) @ e, np.broadcast_to(np.eye(n), (M, n, n)),
                               atol=2e-6)
    np.testing.assert_allclose(x.to_numpy(), np.linalg.solve(a.astype(np.float64), rhs),
                               rtol=1e-5, atol=1e-5)
