"""A Gaussian process with a product Matérn-5/2 kernel: the numerical core.

The kernel is a *product* of one-dimensional Matérn-5/2 factors (a tensor
product kernel, as in DiceKriging), not a Matérn of the Euclidean distance:

    k(x, x') = s2 * prod_j m(r_j),   m(r) = (1 + sqrt(5) r + 5 r^2 / 3) exp(-sqrt(5) r),

with ``r_j = |x_j - x'_j| / l_j`` for an ordered column and
``r_j = [x_j != x'_j] / l_j`` (a Hamming distance) for a categorical one. The
product form is what makes variance decompositions exact: every integral over
the unit cube of a posterior function factorises into one-dimensional integrals
(see :mod:`hypersense.analysis.methods.decomposition`).

Hyperparameters (log length scales, log signal and noise variances) maximise
the log marginal likelihood of standardised targets with L-BFGS-B and analytic
gradients. All functions are pure; shapes are in the docstrings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg
import scipy.optimize
from numpy.typing import NDArray

__all__ = [
    "GPHyperparameters",
    "HyperparameterBounds",
    "column_distances",
    "factor_matrix",
    "fit_hyperparameters",
    "kernel_matrix",
    "matern52",
    "negative_log_likelihood",
    "stable_cholesky",
]

_SQRT5 = float(np.sqrt(5.0))
# Relative diagonal jitter tried in turn when a Cholesky factorisation fails.
_JITTERS = (0.0, 1e-10, 1e-8, 1e-6, 1e-4)


def matern52(r: NDArray[np.float64]) -> NDArray[np.float64]:
    """Matérn-5/2 correlation at scaled distances ``r >= 0`` (any shape)."""
    s = _SQRT5 * r
    out: NDArray[np.float64] = (1.0 + s + s * s / 3.0) * np.exp(-s)
    return out


def _product_kernel_with_log_derivatives(
    scaled: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Product over columns of Matérn-5/2 factors, and each factor's ``d log m / d log l``.

    Args:
        scaled: Distances over length scales; shape ``(d, n, n)``.

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


@dataclass(frozen=True, eq=False)
class GPHyperparameters:
    """Kernel hyperparameters, for standardised targets.

    Attributes:
        lengthscales: Shape ``(d,)``; in unit-cube units (ordered columns) or
            Hamming units (categorical columns).
        signal_var: Prior variance ``s2`` of the function.
        noise_var: Variance of the observation noise.
    """

    lengthscales: NDArray[np.float64]
    signal_var: float
    noise_var: float

    def to_theta(self) -> NDArray[np.float64]:
        """Log-space vector ``[log l_1..l_d, log s2, log noise]``; shape ``(d + 2,)``."""
        return np.concatenate(
            [np.log(self.lengthscales), [np.log(self.signal_var), np.log(self.noise_var)]]
        )

    @classmethod
    def from_theta(cls, theta: NDArray[np.float64]) -> GPHyperparameters:
        """Inverse of :meth:`to_theta`."""
        d = theta.shape[0] - 2
        return cls(np.exp(theta[:d]), float(np.exp(theta[d])), float(np.exp(theta[d + 1])))


@dataclass(frozen=True)
class HyperparameterBounds:
    """Box constraints of the hyperparameters (standardised targets).

    Attributes:
        lengthscale: Smallest and largest length scale. The lower bound keeps a
            hyperparameter's effect from varying faster than 1/20 of its range.
        signal_var: Smallest and largest signal variance.
        noise_var: Smallest and largest noise variance; the floor keeps the
            kernel matrix well conditioned for noise-free objectives.
    """

    lengthscale: tuple[float, float] = (0.05, 50.0)
    signal_var: tuple[float, float] = (0.05, 20.0)
    noise_var: tuple[float, float] = (1e-6, 2.0)

    def log_box(self, d: int) -> list[tuple[float, float]]:
        """Bounds of the log-space vector, for L-BFGS-B."""
        ls = (float(np.log(self.lengthscale[0])), float(np.log(self.lengthscale[1])))
        sv = (float(np.log(self.signal_var[0])), float(np.log(self.signal_var[1])))
        nv = (float(np.log(self.noise_var[0])), float(np.log(self.noise_var[1])))
        return [ls] * d + [sv, nv]


def column_distances(
    xa: NDArray[np.float64], xb: NDArray[np.float64], categorical: NDArray[np.bool_]
) -> NDArray[np.float64]:
    """Per-column distances: ``|a - b|`` or ``[a != b]``; shape ``(d, na, nb)``.

    Args:
        xa: Shape ``(na, d)``.
        xb: Shape ``(nb, d)``.
        categorical: Shape ``(d,)``.
    """
    diff = np.abs(xa.T[:, :, None] - xb.T[:, None, :])
    if np.any(categorical):
        diff[categorical] = (diff[categorical] > 1e-12).astype(float)
    return diff


def factor_matrix(
    a: NDArray[np.float64], b: NDArray[np.float64], lengthscale: float, categorical: bool
) -> NDArray[np.float64]:
    """One column's kernel factor between points ``a`` (shape ``(na,)``) and
    ``b`` (shape ``(nb,)``); shape ``(na, nb)``."""
    diff = np.abs(a[:, None] - b[None, :])
    if categorical:
        diff = (diff > 1e-12).astype(float)
    return matern52(diff / lengthscale)


def kernel_matrix(
    xa: NDArray[np.float64],
    xb: NDArray[np.float64],
    params: GPHyperparameters,
    categorical: NDArray[np.bool_],
) -> NDArray[np.float64]:
    """Noise-free kernel between rows of ``xa`` (``(na, d)``) and ``xb`` (``(nb, d)``);
    shape ``(na, nb)``."""
    # prod_j (1 + s_j + s_j^2 / 3) exp(-s_j) = exp(-sum_j s_j) prod_j (...): one exp, not d.
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
            np.greater(s, 1e-12, out=s)
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


def stable_cholesky(matrix: NDArray[np.float64]) -> NDArray[np.float64]:
    """Lower Cholesky factor of a symmetric positive semi-definite ``matrix``
    (shape ``(n, n)``), adding growing diagonal jitter when rounding broke it."""
    scale = float(np.mean(np.diag(matrix))) if matrix.size else 1.0
    eye = np.eye(matrix.shape[0])
    for jitter in _JITTERS:
        try:
            chol: NDArray[np.float64] = scipy.linalg.cholesky(
                matrix + jitter * scale * eye, lower=True, check_finite=False
            )
            return chol
        except np.linalg.LinAlgError:
            continue
    raise np.linalg.LinAlgError("matrix is not positive definite even with jitter")


def _inverse_from_cholesky(chol: NDArray[np.float64]) -> NDArray[np.float64]:
    """``K^-1`` from the lower Cholesky factor of ``K`` (shape ``(n, n)``), by
    LAPACK's potri: a third of the work of solving against the identity."""
    inverse, info = scipy.linalg.lapack.dpotri(chol, lower=1)
    if info != 0:
        return np.asarray(scipy.linalg.cho_solve((chol, True), np.eye(chol.shape[0])), dtype=float)
    lower = np.tril(inverse)
    out: NDArray[np.float64] = lower + np.tril(lower, -1).T
    return out


def negative_log_likelihood(
    theta: NDArray[np.float64], distances: NDArray[np.float64], z: NDArray[np.float64]
) -> tuple[float, NDArray[np.float64]]:
    """Negative log marginal likelihood (without the constant) and its gradient.

    Args:
        theta: Log hyperparameters, see :meth:`GPHyperparameters.to_theta`;
            shape ``(d + 2,)``.
        distances: :func:`column_distances` of the training inputs with
            themselves; shape ``(d, n, n)``.
        z: Standardised targets; shape ``(n,)``.
    """
    d = distances.shape[0]
    ls = np.exp(theta[:d])
    signal, noise = float(np.exp(theta[d])), float(np.exp(theta[d + 1]))
    product, log_derivatives = _product_kernel_with_log_derivatives(
        distances * (1.0 / ls)[:, None, None]
    )
    k_free = signal * product
    k = k_free.copy()
    k[np.diag_indices_from(k)] += noise
    try:
        chol = scipy.linalg.cholesky(k, lower=True, check_finite=False)
    except np.linalg.LinAlgError:
        return 1e25, np.zeros_like(theta)
    alpha = scipy.linalg.cho_solve((chol, True), z, check_finite=False)
    value = 0.5 * float(z @ alpha) + float(np.sum(np.log(np.diag(chol))))
    k_inv = _inverse_from_cholesky(chol)
    # d(value)/d(theta_i) = -0.5 tr((alpha alpha^T - K^-1) dK/dtheta_i)
    w_k = (np.outer(alpha, alpha) - k_inv) * k_free
    grad = np.empty_like(theta)
    grad[:d] = -0.5 * np.einsum("ab,jab->j", w_k, log_derivatives)
    grad[d] = -0.5 * float(np.sum(w_k))
    grad[d + 1] = -0.5 * noise * float(np.trace(np.outer(alpha, alpha) - k_inv))
    return value, grad


def fit_hyperparameters(
    x: NDArray[np.float64],
    z: NDArray[np.float64],
    categorical: NDArray[np.bool_],
    rng: np.random.Generator,
    *,
    bounds: HyperparameterBounds,
    n_starts: int,
    initial: GPHyperparameters | None = None,
    max_iter: int = 200,
) -> GPHyperparameters:
    """Maximise the marginal likelihood from several starting points.

    Args:
        x: Inputs in the unit cube; shape ``(n, d)``.
        z: Standardised targets; shape ``(n,)``.
        categorical: Shape ``(d,)``.
        rng: Draws the random starting points.
        bounds: Box constraints.
        n_starts: Starting points besides ``initial``: the first is a neutral
            default (all length scales 0.5), the others are random.
        initial: A warm start (e.g. the fit on all trials when refitting on a
            fold or a resample).
        max_iter: L-BFGS-B iterations per start.
    """
    d = x.shape[1]
    distances = column_distances(x, x, categorical)
    box = bounds.log_box(d)
    starts = [] if initial is None else [initial.to_theta()]
    for i in range(n_starts):
        if i == 0:
            starts.append(np.concatenate([np.full(d, np.log(0.5)), [0.0, np.log(1e-2)]]))
        else:
            starts.append(
                np.concatenate(
                    [
                        rng.uniform(np.log(0.1), np.log(2.0), d),
                        [rng.uniform(-1.0, 1.0), rng.uniform(np.log(1e-4), np.log(0.1))],
                    ]
                )
            )
    best_theta, best_value = starts[0], np.inf
    for start in starts:
        start = np.clip(start, [b[0] for b in box], [b[1] for b in box])
        res = scipy.optimize.minimize(
            negative_log_likelihood,
            start,
            args=(distances, z),
            jac=True,
            method="L-BFGS-B",
            bounds=box,
            options={"maxiter": max_iter},
        )
        if float(res.fun) < best_value:
            best_theta, best_value = np.asarray(res.x, dtype=float), float(res.fun)
    return GPHyperparameters.from_theta(best_theta)
