"""The Matérn-5/2 kernel with one length scale per input dimension (ARD).

Inputs live in the model space of the GP: a numeric parameter is its unit-cube
encoding, a categorical parameter is the index of its choice. The distance
between two points is the *scaled squared distance*

    t(x, x') = sum_j rho_j * delta_j(x, x'),   rho_j = 1 / l_j**2,

where ``delta_j = (x_j - x'_j)**2`` for a numeric dimension and
``delta_j = [x_j != x'_j]`` (Hamming) for a categorical one, so a categorical
parameter is modelled as unordered categories, never as a number. The kernel is

    k(x, x') = s2 * m(t),   m(t) = (1 + sqrt(5 t) + 5 t / 3) * exp(-sqrt(5 t)),

the Matérn-5/2 covariance written as a function of ``t`` rather than of the
distance ``r = sqrt(t)``: ``m`` is then smooth at ``t = 0`` with
``dm/dt = -5/6 (1 + sqrt(5 t)) exp(-sqrt(5 t))``, so no gradient divides by zero
at duplicated points.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "KernelParams",
    "kernel_matrix",
    "matern52",
    "matern52_derivative",
    "pairwise_deltas",
    "scaled_sq_distances",
]

_SQRT5 = float(np.sqrt(5.0))


@dataclass(frozen=True, eq=False)
class KernelParams:
    """Hyperparameters of the GP: ARD length scales, signal and noise variances.

    Attributes:
        lengthscales: Shape ``(d,)``, positive; in unit-cube units for numeric
            dimensions, in units of the Hamming distance for categorical ones.
        signal_var: Prior variance ``s2`` of the latent function.
        noise_var: Variance of the observation noise (includes a small floor).
    """

    lengthscales: NDArray[np.float64]
    signal_var: float
    noise_var: float

    @property
    def inv_sq_lengthscales(self) -> NDArray[np.float64]:
        """``rho = 1 / lengthscales**2``; shape ``(d,)``."""
        out: NDArray[np.float64] = 1.0 / np.square(self.lengthscales)
        return out


def matern52(t: NDArray[np.float64]) -> NDArray[np.float64]:
    """Matérn-5/2 correlation ``m(t)`` of a scaled squared distance ``t >= 0`` (any shape)."""
    a = _SQRT5 * np.sqrt(t)
    out: NDArray[np.float64] = (1.0 + a + a * a / 3.0) * np.exp(-a)
    return out


def matern52_derivative(t: NDArray[np.float64]) -> NDArray[np.float64]:
    """``dm/dt`` of :func:`matern52` (any shape); finite at ``t = 0`` (value -5/6)."""
    a = _SQRT5 * np.sqrt(t)
    out: NDArray[np.float64] = (-5.0 / 6.0) * (1.0 + a) * np.exp(-a)
    return out


def scaled_sq_distances(
    x1: NDArray[np.float64],
    x2: NDArray[np.float64],
    inv_sq_lengthscales: NDArray[np.float64],
    is_categorical: NDArray[np.bool_],
) -> NDArray[np.float64]:
    """Scaled squared distances ``t`` between two sets of points.

    Numeric dimensions use the expansion ``|a|^2 + |b|^2 - 2 a.b`` (one matrix
    product, so large candidate batches stay cheap); the result is clipped at 0
    because rounding can make it slightly negative for coincident points.

    Args:
        x1: Shape ``(a, d)``.
        x2: Shape ``(b, d)``.
        inv_sq_lengthscales: ``rho``; shape ``(d,)``.
        is_categorical: Shape ``(d,)``; True where the column holds a choice index.

    Returns:
        Shape ``(a, b)``.
    """
    numeric = ~is_categorical
    scale = np.sqrt(inv_sq_lengthscales[numeric])
    a = x1[:, numeric] * scale
    b = x2[:, numeric] * scale
    t = np.einsum("ij,ij->i", a, a)[:, None] + np.einsum("ij,ij->i", b, b)[None, :]
    t -= 2.0 * (a @ b.T)
    np.maximum(t, 0.0, out=t)
    for j in np.flatnonzero(is_categorical):
        t += inv_sq_lengthscales[j] * (x1[:, j, None] != x2[None, :, j])
    out: NDArray[np.float64] = t
    return out


def kernel_matrix(
    x1: NDArray[np.float64],
    x2: NDArray[np.float64],
    params: KernelParams,
    is_categorical: NDArray[np.bool_],
) -> NDArray[np.float64]:
    """Covariances ``k(x1_i, x2_j)`` without noise; shape ``(a, b)`` for inputs
    of shapes ``(a, d)`` and ``(b, d)``."""
    t = scaled_sq_distances(x1, x2, params.inv_sq_lengthscales, is_categorical)
    return params.signal_var * matern52(t)


def pairwise_deltas(
    x: NDArray[np.float64], is_categorical: NDArray[np.bool_]
) -> NDArray[np.float64]:
    """Per-dimension distances ``delta_j(x_a, x_b)`` of one set of points.

    Computed once per hyperparameter fit, so each marginal-likelihood
    evaluation is a contraction ``rho . delta`` and its gradient another one.

    Args:
        x: Shape ``(n, d)``.
        is_categorical: Shape ``(d,)``.

    Returns:
        Shape ``(d, n, n)``.
    """
    diff = x.T[:, :, None] - x.T[:, None, :]
    deltas: NDArray[np.float64] = np.where(
        is_categorical[:, None, None], (diff != 0.0).astype(float), diff * diff
    )
    return deltas
