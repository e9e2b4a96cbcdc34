"""ti.polar_decompose, ti.svd, ti.sym_eig and ti.solve for 2x2 and 3x3 matrices, written as
ti.funcs (inlined like any other): closed forms in 2D; in 3D, Jacobi rotations with a fixed
number of sweeps (one-sided for the SVD, so singular values keep their relative accuracy
instead of going through A^T A). Results follow Taichi's conventions: U and V are rotations
(determinant +1), singular values in decreasing order (the last one carries the sign of
det(A)); sym_eig's eigenvalues ascend with eigenvectors in the columns."""
from qtaichi.lang.func import func
from qtaichi.lang.matrix import Matrix
from qtaichi.lang.ops import abs, select, sqrt, static

_SWEEPS = 6  # Jacobi sweeps in 3D: quadratic convergence, enough for f64 on 3x3


@func
def _polar2(A):
    x = A[0, 0] + A[1, 1]
    y = A[1, 0] - A[0, 1]
    scale = 1.0 / sqrt(x * x + y * y)
    c = x * scale
    s = y * scale
    R = Matrix([[c, -s], [s, c]])
    return R, R.transpose() @ A


@func
def _sym_eig2(A):
    """Eigenvalues (ascending) and eigenvectors (columns) of a symmetric 2x2 matrix."""
    tr = A[0, 0] + A[1, 1]
    half_gap = 0.5 * (A[0, 0] - A[1, 1])
    r = sqrt(half_gap * half_gap + A[0, 1] * A[0, 1])
    lo = 0.5 * tr - r
    hi = 0.5 * tr + r
    # the eigenvector of lo: the rotation that diagonalizes A (angle from atan2 keeps accuracy)
    c, s = _jacobi_rotation(A[0, 0], A[1, 1], A[0, 1])
    v0 = Matrix([c, -s])
    v1 = Matrix([s, c])
    a0 = c * c * A[0, 0] - 2.0 * c * s * A[0, 1] + s * s * A[1, 1]
    swap = a0 > 0.5 * tr
    e0 = select(swap, v1, v0)
    e1 = select(swap, -v0, v1)
    return Matrix([lo, hi]), Matrix([[e0[0], e1[0]], [e0[1], e1[1]]])


@func
def _jacobi_rotation(app, aqq, apq):
    """(c, s) of the rotation [[c, s], [-s, c]] that zeroes the off-diagonal entry apq of a
    symmetric 2x2 block (c = 1, s = 0 when it is zero already)."""
    zero = abs(apq) == 0.0
    zeta = (aqq - app) / select(zero, 1.0, 2.0 * apq)
    t = select(zeta >= 0.0, 1.0, -1.0) / (abs(zeta) + sqrt(1.0 + zeta * zeta))
    c = 1.0 / sqrt(1.0 + t * t)
    return select(zero, 1.0, c), select(zero, 0.0, c * t)


@func
def _svd2(A):
    R, S = _polar2(A)
    sig, V = _sym_eig2(S)
    # descending singular values, V a rotation
    V = Matrix([[V[0, 1], -V[0, 0]], [V[1, 1], -V[1, 0]]])
    U = R @ V
    return U, Matrix([[sig[1], 0.0], [0.0, sig[0]]]), V


@func
def _svd3(A):
    """One-sided Jacobi: rotate column pairs of B = A V until they are orthogonal; then the
    column norms are the singular values and the normalized columns U."""
    B = A
    V = Matrix([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    for _ in static(range(_SWEEPS)):
        for p, q in static(((0, 1), (0, 2), (1, 2))):
            alpha = B[0, p] * B[0, p] + B[1, p] * B[1, p] + B[2, p] * B[2, p]
            beta = B[0, q] * B[0, q] + B[1, q] * B[1, q] + B[2, q] * B[2, q]
            gamma = B[0, p] * B[0, q] + B[1, p] * B[1, q] + B[2, p] * B[2, q]
            c, s = _jacobi_rotation(alpha, beta, gamma)
            for r in static(range(3)):
                bp = B[r, p]
                bq = B[r, q]
                B[r, p] = c * bp - s * bq
                B[r, q] = s * bp + c * bq
                vp = V[r, p]
                vq = V[r, q]
                V[r, p] = c * vp - s * vq
                V[r, q] = s * vp + c * vq
    sig = Matrix([sqrt(B[0, i] * B[0, i] + B[1, i] * B[1, i] + B[2, i] * B[2, i])
                  for i in static(range(3))])
    # sort descending (a 3-element network), columns of B and V along
    for i, j in static(((0, 1), (1, 2), (0, 1))):
        if sig[i] < sig[j]:
            t = sig[i]
            sig[i] = sig[j]
            sig[j] = t
            for r in static(range(3)):
                tb = B[r, i]
                B[r, i] = B[r, j]
                B[r, j] = tb
                tv = V[r, i]
                V[r, i] = V[r, j]
                V[r, j] = tv
    U = Matrix([[B[r, i] / select(sig[i] > 0.0, sig[i], 1.0) for i in static(range(3))]
                for r in static(range(3))])
    # a zero singular value leaves its column of U undetermined: complete U to a basis
    if sig[2] == 0.0:
        u2 = Matrix([U[0, 0], U[1, 0], U[2, 0]]).cross(Matrix([U[0, 1], U[1, 1], U[2, 1]]))
        for r in static(range(3)):
            U[r, 2] = u2[r]
    # rotations: a reflection moves into the smallest singular value's sign
    if V.determinant() < 0.0:
        for r in static(range(3)):
            V[r, 2] = -V[r, 2]
        sig[2] = -sig[2]
    if U.determinant() < 0.0:
        for r in static(range(3)):
            U[r, 2] = -U[r, 2]
        sig[2] = -sig[2]
    return U, Matrix([[sig[0], 0.0, 0.0], [0.0, sig[1], 0.0], [0.0, 0.0, sig[2]]]), V


@func
def _sym_eig3(A):
    """Cyclic Jacobi on a symmetric 3x3 matrix: eigenvalues ascending, eigenvectors in columns."""
    D = A
    V = Matrix([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    for _ in static(range(_SWEEPS)):
        for p, q in static(((0, 1), (0, 2), (1, 2))):
            c, s = _jacobi_rotation(D[p, p], D[q, q], D[p, q])
            J = Matrix([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
            J[p, p] = c
            J[q, q] = c
            J[p, q] = s
            J[q, p] = -s
            D = J.transpose() @ D @ J
            V = V @ J
    w = Matrix([D[0, 0], D[1, 1], D[2, 2]])
    for i, j in static(((0, 1), (1, 2), (0, 1))):
        if w[i] > w[j]:
            t = w[i]
            w[i] = w[j]
            w[j] = t
            for r in static(range(3)):
                tv = V[r, i]
                V[r, i] = V[r, j]
                V[r, j] = tv
    return w, V


@func
def _polar3(A):
    U, S, V = _svd3(A)
    return U @ V.transpose(), V @ S @ V.transpose()


@func
def polar_decompose(A, dt=None):
    """A = U P with U a rotation and P symmetric (Taichi's ti.polar_decompose)."""
    if static(A.n == 2):
        return _polar2(A)
    else:
        return _polar3(A)


@func
def svd(A, dt=None):
    """A = U S V^T (Taichi's ti.svd): U, V rotations, S diagonal, decreasing."""
    if static(A.n == 2):
        return _svd2(A)
    else:
        return _svd3(A)


@func
def sym_eig(A, dt=None):
    """Eigenvalues (a vector, ascending) and eigenvectors (columns) of a symmetric matrix."""
    if static(A.n == 2):
        return _sym_eig2(A)
    else:
        return _sym_eig3(A)


@func
def solve(A, b, dt=None):
    """x with A x = b, for an invertible 2x2 or 3x3 A."""
    return A.inverse() @ b
