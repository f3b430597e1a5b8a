"""Cholesky factors, triangular solves and posterior moments of a GP.

One failure policy for every factorisation: :func:`cholesky_with_jitter` adds
growing diagonal jitter when rounding has made a covariance matrix indefinite
and raises :class:`numpy.linalg.LinAlgError` if even the largest jitter fails;
:func:`inverse_from_cholesky` raises the same error when the factor is
singular. Nothing falls back silently: a caller that can survive a failure
(a hyperparameter search, see :mod:`hypersense.gp.fitting`) catches it.

All functions are pure; shapes are in the docstrings.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg
from numpy.typing import NDArray

__all__ = [
    "JITTERS",
    "cho_solve",
    "cholesky_with_jitter",
    "extend_cholesky",
    "gls_constant_mean",
    "inverse_from_cholesky",
    "posterior_covariance",
    "posterior_mean_var",
    "solve_lower",
    "solve_lower_transpose",
]

#: Diagonal jitter tried in turn, relative to the mean of the diagonal, when a
#: Cholesky factorisation fails. The smallest that works changes the model least.
JITTERS = (0.0, 1e-10, 1e-8, 1e-6, 1e-4)


def cholesky_with_jitter(matrix: NDArray[np.float64]) -> NDArray[np.float64]:
    """Lower Cholesky factor of a symmetric positive semi-definite ``matrix``
    (shape ``(n, n)``), adding the first diagonal jitter of :data:`JITTERS`
    that makes the factorisation succeed.

    Raises:
        numpy.linalg.LinAlgError: Not positive definite even with the largest jitter.
    """
    scale = float(np.mean(np.diag(matrix))) if matrix.size else 1.0
    eye = np.eye(matrix.shape[0])
    for jitter in JITTERS:
        try:
            chol: NDArray[np.float64] = scipy.linalg.cholesky(
                matrix + jitter * scale * eye, lower=True, check_finite=False
            )
            return chol
        except np.linalg.LinAlgError:
            continue
    raise np.linalg.LinAlgError(
        f"a {matrix.shape[0]}x{matrix.shape[0]} covariance matrix is not positive definite "
        f"even with diagonal jitter {JITTERS[-1]:g} x its mean diagonal"
    )


def inverse_from_cholesky(chol: NDArray[np.float64]) -> NDArray[np.float64]:
    """``K^-1`` from the lower Cholesky factor of ``K`` (shape ``(n, n)``).

    LAPACK's ``potri`` needs a third of the work of solving against the identity.

    Raises:
        numpy.linalg.LinAlgError: The factor has a zero on its diagonal.
    """
    inverse, info = scipy.linalg.lapack.dpotri(chol, lower=1)
    if info != 0:
        raise np.linalg.LinAlgError(f"the Cholesky factor is singular (potri info={info})")
    lower = np.tril(inverse)
    out: NDArray[np.float64] = lower + np.tril(lower, -1).T
    return out


def solve_lower(chol: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    """``L^-1 b`` for a lower triangular ``chol`` (shape ``(n, n)``) and ``b`` of
    shape ``(n,)`` or ``(n, m)``."""
    out: NDArray[np.float64] = scipy.linalg.solve_triangular(
        chol, b, lower=True, check_finite=False
    )
    return out


def solve_lower_transpose(chol: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    """``L^-T b`` for a lower triangular ``chol`` (shape ``(n, n)``) and ``b`` of
    shape ``(n,)`` or ``(n, m)``; after :func:`solve_lower`, this completes ``K^-1 b``."""
    out: NDArray[np.float64] = scipy.linalg.solve_triangular(
        chol.T, b, lower=False, check_finite=False
    )
    return out


def cho_solve(chol: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    """``K^-1 b`` from the lower Cholesky factor of ``K`` (shape ``(n, n)``), for
    ``b`` of shape ``(n,)`` or ``(n, m)``."""
    out: NDArray[np.float64] = scipy.linalg.cho_solve((chol, True), b, check_finite=False)
    return out


def gls_constant_mean(chol: NDArray[np.float64], y: NDArray[np.float64]) -> float:
    """Generalised-least-squares estimate of a GP's constant prior mean,
    ``1' K^-1 y / 1' K^-1 1`` (the mean of ordinary kriging).

    Unlike the plain average of ``y``, it weighs observations by how much they
    tell apart: strongly correlated observations (a cluster that a search
    gathered around a good point) count together about as much as one
    isolated observation.

    Args:
        chol: Lower Cholesky factor of the observations' noisy covariance ``K``;
            shape ``(n, n)``, ``n >= 1``.
        y: Observations; shape ``(n,)``.
    """
    weights = cho_solve(chol, np.ones(chol.shape[0]))
    return float(weights @ y / np.sum(weights))


def extend_cholesky(
    chol: NDArray[np.float64], k21: NDArray[np.float64], k22: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Cholesky factor of ``[[K11, K21^T], [K21, K22]]`` from that of ``K11``.

    A block update in ``O(n^2 m)``; the new diagonal block (a Schur complement)
    is factorised by :func:`cholesky_with_jitter`.

    Args:
        chol: Lower factor of ``K11``; shape ``(n, n)``.
        k21: Shape ``(m, n)``.
        k22: Shape ``(m, m)``.

    Returns:
        Shape ``(n + m, n + m)``.
    """
    l21 = solve_lower(chol, k21.T).T
    l22 = cholesky_with_jitter(k22 - l21 @ l21.T)
    n, m = chol.shape[0], k22.shape[0]
    out = np.zeros((n + m, n + m))
    out[:n, :n] = chol
    out[n:, :n] = l21
    out[n:, n:] = l22
    return out


def posterior_mean_var(
    k_cross: NDArray[np.float64],
    chol: NDArray[np.float64],
    alpha: NDArray[np.float64],
    prior_var: float,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Posterior mean and variance of a zero-mean GP at ``b`` points.

    Args:
        k_cross: Prior covariances between the points and the ``n``
            observations; shape ``(b, n)``.
        chol: Lower Cholesky factor of the observations' noisy covariance;
            shape ``(n, n)``.
        alpha: ``K^-1 y``; shape ``(n,)``.
        prior_var: Prior variance at every point (the signal variance of a
            stationary kernel).

    Returns:
        The mean (shape ``(b,)``), the variance (shape ``(b,)``, not clipped:
        rounding can make it slightly negative) and ``v = L^-1 k_cross^T``
        (shape ``(n, b)``), which gradients and covariances reuse.
    """
    v = solve_lower(chol, k_cross.T)
    mean: NDArray[np.float64] = k_cross @ alpha
    var: NDArray[np.float64] = prior_var - np.einsum("ij,ij->j", v, v)
    return mean, var, v


def posterior_covariance(
    k_cross: NDArray[np.float64], k_points: NDArray[np.float64], chol: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Posterior covariance of a GP between ``b`` points, symmetrised.

    Args:
        k_cross: Prior covariances between the points and the observations;
            shape ``(b, n)``.
        k_points: Prior covariances among the points; shape ``(b, b)``.
        chol: Lower Cholesky factor of the observations' noisy covariance;
            shape ``(n, n)``.

    Returns:
        Shape ``(b, b)``.
    """
    v = solve_lower(chol, k_cross.T)
    cov = k_points - v.T @ v
    out: NDArray[np.float64] = 0.5 * (cov + cov.T)
    return out
