"""Log marginal likelihood of a zero-mean GP and its hyperparameter gradients.

``log p(y) = -y^T K^-1 y / 2 - log|K| / 2 - n log(2 pi) / 2`` for the noisy
covariance ``K``. Every gradient uses the identity
``d log p / d p = 1/2 sum((alpha alpha^T - K^-1) * dK/dp)`` with
``alpha = K^-1 y`` (Rasmussen & Williams, 2006, eq. 5.9): the kernel shape only
decides ``dK/dp``. Gradients are returned for the log length scales, the log
signal variance and the (linear) noise variance.

The covariance is factorised without jitter: the likelihood is that of the
matrix being optimised, and a matrix that is not positive definite raises
:class:`numpy.linalg.LinAlgError` (see :mod:`hypersense.gp.fitting` for how a
hyperparameter search survives it).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import scipy.linalg
from numpy.typing import NDArray

from hypersense.gp.kernels import (
    matern52_sq,
    matern52_sq_derivative,
    product_kernel_log_derivatives,
)
from hypersense.gp.linalg import cho_solve, inverse_from_cholesky

__all__ = [
    "LikelihoodGradient",
    "log_marginal_likelihood",
    "product_log_marginal_likelihood",
    "scaled_distance_log_marginal_likelihood",
]

_LOG_2PI = math.log(2.0 * math.pi)


class LikelihoodGradient(NamedTuple):
    """A log marginal likelihood and its gradient.

    Attributes:
        value: ``log p(y | hyperparameters)``.
        d_log_lengthscales: Shape ``(d,)``.
        d_log_signal_var: Derivative with respect to ``log s2``.
        d_noise_var: Derivative with respect to the noise variance.
    """

    value: float
    d_log_lengthscales: NDArray[np.float64]
    d_log_signal_var: float
    d_noise_var: float


def log_marginal_likelihood(
    cov: NDArray[np.float64], y: NDArray[np.float64], *, with_constant: bool = True
) -> tuple[float, NDArray[np.float64]]:
    """``log p(y)`` under ``N(0, cov)``, and the weights of its gradient.

    Args:
        cov: The noisy covariance ``K``; shape ``(n, n)``.
        y: Targets; shape ``(n,)``.
        with_constant: Include ``-n log(2 pi) / 2``. Leaving it out changes no
            optimum, but it does change the relative decrease an optimiser's
            stopping rule sees, so a caller keeps the form it was tuned with.

    Returns:
        The value and ``W = alpha alpha^T - K^-1`` (shape ``(n, n)``), with
        ``d log p / d p = 1/2 sum(W * dK/dp)`` for any hyperparameter ``p``.

    Raises:
        numpy.linalg.LinAlgError: ``cov`` is not numerically positive definite.
    """
    chol = scipy.linalg.cholesky(cov, lower=True, check_finite=False)
    alpha = cho_solve(chol, y)
    value = -0.5 * float(y @ alpha) - float(np.log(np.diag(chol)).sum())
    if with_constant:
        value -= 0.5 * y.shape[0] * _LOG_2PI
    weights: NDArray[np.float64] = np.outer(alpha, alpha) - inverse_from_cholesky(chol)
    return value, weights


def scaled_distance_log_marginal_likelihood(
    deltas: NDArray[np.float64],
    y: NDArray[np.float64],
    lengthscales: NDArray[np.float64],
    signal_var: float,
    noise_var: float,
) -> LikelihoodGradient:
    """The likelihood and gradient for the Matérn of the scaled distance
    (:func:`hypersense.gp.kernels.kernel_matrix`).

    Args:
        deltas: :func:`~hypersense.gp.kernels.pairwise_deltas` of the inputs;
            shape ``(d, n, n)``.
        y: Targets; shape ``(n,)``.
        lengthscales: Shape ``(d,)``.
        signal_var: ``s2``.
        noise_var: Observation noise variance.

    Raises:
        numpy.linalg.LinAlgError: The covariance is not numerically positive definite.
    """
    n = y.shape[0]
    rho = 1.0 / np.square(lengthscales)
    t = np.tensordot(rho, deltas, axes=1)
    corr = matern52_sq(t)
    cov = signal_var * corr
    cov[np.diag_indices(n)] += noise_var
    value, w = log_marginal_likelihood(cov, y)
    d_signal = 0.5 * signal_var * float(np.sum(w * corr))
    d_noise = 0.5 * float(np.trace(w))
    # dK/d log rho_j = s2 m'(t) rho_j delta_j and d log rho_j / d log l_j = -2.
    d_rho = 0.5 * signal_var * rho * np.tensordot(deltas, w * matern52_sq_derivative(t), axes=2)
    return LikelihoodGradient(value, -2.0 * d_rho, d_signal, d_noise)


def product_log_marginal_likelihood(
    distances: NDArray[np.float64],
    y: NDArray[np.float64],
    lengthscales: NDArray[np.float64],
    signal_var: float,
    noise_var: float,
    *,
    with_constant: bool = True,
) -> LikelihoodGradient:
    """The likelihood and gradient for the product kernel
    (:func:`hypersense.gp.kernels.product_kernel_matrix`).

    Args:
        distances: :func:`~hypersense.gp.kernels.column_distances` of the
            inputs with themselves; shape ``(d, n, n)``.
        y: Targets; shape ``(n,)``.
        lengthscales: Shape ``(d,)``.
        signal_var: ``s2``.
        noise_var: Observation noise variance.
        with_constant: See :func:`log_marginal_likelihood`.

    Raises:
        numpy.linalg.LinAlgError: The covariance is not numerically positive definite.
    """
    product, log_derivatives = product_kernel_log_derivatives(
        distances * (1.0 / lengthscales)[:, None, None]
    )
    k_free = signal_var * product
    cov = k_free.copy()
    cov[np.diag_indices_from(cov)] += noise_var
    value, w = log_marginal_likelihood(cov, y, with_constant=with_constant)
    # dK/d log l_j = K_free * (d log m_j / d log l_j) and dK/d log s2 = K_free.
    w_k = w * k_free
    d_lengthscales = 0.5 * np.einsum("ab,jab->j", w_k, log_derivatives)
    return LikelihoodGradient(
        value, d_lengthscales, 0.5 * float(np.sum(w_k)), 0.5 * float(np.trace(w))
    )
