"""Matérn-5/2 kernels with one length scale per input dimension (ARD).

Inputs are points of the unit cube, except categorical columns, which hold a
code per choice (an index, or any distinct numbers) and are compared by the
Hamming distance ``[x_j != x'_j]``, so a category is never treated as a number.

Two kernel shapes are built on the one Matérn-5/2 correlation

    m(r) = (1 + sqrt(5) r + 5 r^2 / 3) exp(-sqrt(5) r):

* the Matérn of the scaled distance, ``k(x, x') = s2 m(sqrt(t))`` with the
  *scaled squared distance* ``t = sum_j delta_j / l_j^2`` (``delta_j`` the
  squared difference, or the Hamming distance of a categorical column). The GP
  sampler uses it; it is written as a function of ``t`` because ``m`` is then
  smooth at ``t = 0`` (``dm/dt = -5/6 (1 + sqrt(5 t)) exp(-sqrt(5 t))``), so no
  gradient divides by zero at duplicated points;
* the product of one-dimensional Matérns, ``k(x, x') = s2 prod_j m(r_j)`` with
  ``r_j = |x_j - x'_j| / l_j`` (a tensor-product kernel). The analysis
  surrogate uses it because every integral of its posterior over the unit cube
  factorises into one-dimensional integrals, which makes variance
  decompositions exact.

All functions are pure; shapes are in the docstrings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "KernelParams",
    "column_distances",
    "factor_matrix",
    "kernel_matrix",
    "matern52",
    "matern52_sq",
    "matern52_sq_derivative",
    "pairwise_deltas",
    "product_kernel_log_derivatives",
    "product_kernel_matrix",
    "scaled_sq_distances",
]

_SQRT5 = float(np.sqrt(5.0))
# Codes of two categories closer than this are the same category.
_SAME_CATEGORY = 1e-12


@dataclass(frozen=True, eq=False)
class KernelParams:
    """Hyperparameters of a GP: ARD length scales, signal and noise variances.

    Attributes:
        lengthscales: Shape ``(d,)``, positive; in unit-cube units for ordered
            columns, in units of the Hamming distance for categorical ones.
        signal_var: Prior variance ``s2`` of the latent function.
        noise_var: Variance of the observation noise.
    """

    lengthscales: NDArray[np.float64]
    signal_var: float
    noise_var: float

    @property
    def inv_sq_lengthscales(self) -> NDArray[np.float64]:
        """``rho = 1 / lengthscales**2``; shape ``(d,)``."""
        out: NDArray[np.float64] = 1.0 / np.square(self.lengthscales)
        return out


def matern52(r: NDArray[np.float64]) -> NDArray[np.float64]:
    """Matérn-5/2 correlation ``m(r)`` at scaled distances ``r >= 0`` (any shape)."""
    s = _SQRT5 * r
    out: NDArray[np.float64] = (1.0 + s + s * s / 3.0) * np.exp(-s)
    return out


def matern52_sq(t: NDArray[np.float64]) -> NDArray[np.float64]:
    """:func:`matern52` of ``r = sqrt(t)``, for scaled squared distances ``t >= 0``."""
    return matern52(np.sqrt(t))


def matern52_sq_derivative(t: NDArray[np.float64]) -> NDArray[np.float64]:
    """``d matern52_sq / dt`` (any shape); finite at ``t = 0`` (value -5/6)."""
    a = _SQRT5 * np.sqrt(t)
    out: NDArray[np.float64] = (-5.0 / 6.0) * (1.0 + a) * np.exp(-a)
    return out


def _differs(diff: NDArray[np.float64]) -> NDArray[np.float64]:
    """Hamming distance (0.0 or 1.0) from differences of category codes (any shape)."""
    out: NDArray[np.float64] = (np.abs(diff) > _SAME_CATEGORY).astype(float)
    return out


# ------------------------------------------------ Matérn of the scaled distance


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
        is_categorical: Shape ``(d,)``; True where the column holds a category code.

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
        t += inv_sq_lengthscales[j] * _differs(x1[:, j, None] - x2[None, :, j])
    out: NDArray[np.float64] = t
    return out


def kernel_matrix(
    x1: NDArray[np.float64],
    x2: NDArray[np.float64],
    params: KernelParams,
    is_categorical: NDArray[np.bool_],
) -> NDArray[np.float64]:
    """Noise-free covariances ``s2 m(sqrt(t(x1_i, x2_j)))`` of the Matérn of the
    scaled distance; shape ``(a, b)`` for inputs of shapes ``(a, d)`` and ``(b, d)``."""
    t = scaled_sq_distances(x1, x2, params.inv_sq_lengthscales, is_categorical)
    return params.signal_var * matern52_sq(t)


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
        Shape ``(d, n, n)``: squared differences, or Hamming distances.
    """
    diff = x.T[:, :, None] - x.T[:, None, :]
    deltas: NDArray[np.float64] = np.where(
        is_categorical[:, None, None], _differs(diff), diff * diff
    )
    return deltas


# ------------------------------------------------ product of one-dimensional Matérns


def column_distances(
    xa: NDArray[np.float64], xb: NDArray[np.float64], categorical: NDArray[np.bool_]
) -> NDArray[np.float64]:
    """Per-column distances ``|a - b|``, or Hamming distances; shape ``(d, na, nb)``.

    Args:
        xa: Shape ``(na, d)``.
        xb: Shape ``(nb, d)``.
        categorical: Shape ``(d,)``.
    """
    diff = np.abs(xa.T[:, :, None] - xb.T[:, None, :])
    if np.any(categorical):
        diff[categorical] = _differs(diff[categorical])
    return diff


def factor_matrix(
    a: NDArray[np.float64], b: NDArray[np.float64], lengthscale: float, categorical: bool
) -> NDArray[np.float64]:
    """One column's factor ``m(r_j)`` of the product kernel between points ``a``
    (shape ``(na,)``) and ``b`` (shape ``(nb,)``); shape ``(na, nb)``."""
    diff = np.abs(a[:, None] - b[None, :])
    if categorical:
        diff = _differs(diff)
    return matern52(diff / lengthscale)


def product_kernel_matrix(
    xa: NDArray[np.float64],
    xb: NDArray[np.float64],
    params: KernelParams,
    categorical: NDArray[np.bool_],
) -> NDArray[np.float64]:
    """Noise-free product kernel ``s2 prod_j m(r_j)`` between the rows of ``xa``
    (shape ``(na, d)``) and ``xb`` (shape ``(nb, d)``); shape ``(na, nb)``.

    Equal to ``s2`` times the product of :func:`factor_matrix` over columns,
    computed with one exponential instead of ``d``:
    ``prod_j (1 + s_j + s_j^2 / 3) exp(-s_j) = exp(-sum_j s_j) prod_j (...)``.
    """
    # Every step writes into preallocated blocks: this runs on (2000 x 2000) matrices.
    shape = (xa.shape[0], xb.shape[0])
    poly = np.full(shape, params.signal_var)
    exponent = np.zeros(shape)
    s = np.empty(shape)
    factor = np.empty(shape)
    for j in range(xa.shape[1]):
        np.subtract.outer(xa[:, j], xb[:, j], out=s)
        np.abs(s, out=s)
        if categorical[j]:
            np.greater(s, _SAME_CATEGORY, out=s)
        s *= _SQRT5 / float(params.lengthscales[j])
        exponent += s
        # factor = 1 + s + s^2 / 3 = 1 + s (1 + s / 3)
        np.multiply(s, 1.0 / 3.0, out=factor)
        factor += 1.0
        factor *= s
        factor += 1.0
        poly *= factor
    np.negative(exponent, out=exponent)
    np.exp(exponent, out=exponent)
    poly *= exponent
    return poly


def product_kernel_log_derivatives(
    scaled: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Product correlation ``prod_j m(r_j)`` and each factor's ``d log m / d log l_j``.

    Args:
        scaled: Distances over length scales ``r_j``; shape ``(d, n, n)``.

    Returns:
        The product (shape ``(n, n)``) and the log-derivatives (shape ``(d, n, n)``).
    """
    # In place on (d, n, n) blocks: each likelihood evaluation of a fit runs this.
    s = np.multiply(scaled, _SQRT5)
    poly = np.multiply(s, 1.0 / 3.0)
    poly += 1.0
    poly *= s
    poly += 1.0  # 1 + s + s^2 / 3
    product = np.prod(poly, axis=0)
    product *= np.exp(-np.sum(s, axis=0))
    # d log m / d log l = (s^2 / 3)(1 + s) / poly, finite at s = 0.
    log_derivatives = np.add(s, 1.0)
    log_derivatives *= s
    log_derivatives *= s
    log_derivatives /= poly
    log_derivatives *= 1.0 / 3.0
    return product, log_derivatives
