"""Log marginal likelihood of the GP, the hyperparameter priors, and their gradients.

Hyperparameters are fitted in a log parametrisation,

    theta = [log l_1, ..., log l_d, log s2, log(noise_var - noise_floor)],

(the last entry absent when the noise is fixed at its floor), which keeps every
variance positive and makes the priors below plain normals on ``theta``. The
noise floor keeps the covariance matrix well conditioned even for a
deterministic objective.

Priors (all on the standardised outputs the GP is fitted to):

* length scales: log-normal with median ``sqrt(d) / 3`` and a factor-e
  standard deviation. The ``sqrt(d)`` growth follows Hvarfner, Hellsten &
  Nardi (2024, "Vanilla Bayesian optimization performs great in high
  dimensions"): a typical distance between points grows like ``sqrt(d)``, so
  a length scale that does not grow with it makes the GP forget everything
  between observations. The factor 1/3 (their median is about 4 sqrt(d))
  keeps the few-dozen-evaluation regime honest: with very long length
  scales the posterior variance is highest in the corners, and expected
  improvement then spends the early budget on the boundary of the space;
* signal variance: log-normal centred on 1 (the outputs are standardised);
* noise variance above the floor: log-normal centred well below 1 and wide, so
  the data decide between a near-interpolating and a smoothing model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.linalg
from numpy.typing import NDArray

from hypersense.samplers.gp.kernels import matern52, matern52_derivative

__all__ = ["HyperPrior", "log_marginal_likelihood", "negative_log_posterior"]

_LOG_2PI = math.log(2.0 * math.pi)


@dataclass(frozen=True)
class HyperPrior:
    """Normal priors on the log hyperparameters (see the module docstring).

    Attributes:
        lengthscale_loc: Mean of log length scale at d = 1; ``0.5 log d`` is added.
        lengthscale_scale: Standard deviation of log length scale.
        signal_loc: Mean of ``log s2``.
        signal_scale: Standard deviation of ``log s2``.
        noise_loc: Mean of ``log(noise_var - floor)``.
        noise_scale: Standard deviation of ``log(noise_var - floor)``.
    """

    lengthscale_loc: float = -math.log(3.0)
    lengthscale_scale: float = 1.0
    signal_loc: float = 0.0
    signal_scale: float = 1.0
    noise_loc: float = -6.0
    noise_scale: float = 2.0

    def locs_scales(
        self, n_dims: int, *, fit_noise: bool
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Prior means and standard deviations of ``theta``; shapes ``(d + 1 [+ 1],)``."""
        ls_loc = self.lengthscale_loc + 0.5 * math.log(max(n_dims, 1))
        locs = [ls_loc] * n_dims + [self.signal_loc]
        scales = [self.lengthscale_scale] * n_dims + [self.signal_scale]
        if fit_noise:
            locs.append(self.noise_loc)
            scales.append(self.noise_scale)
        return np.array(locs), np.array(scales)


def _inverse_from_cholesky(chol: NDArray[np.float64]) -> NDArray[np.float64]:
    """``K^-1`` from the lower Cholesky factor of ``K`` (shape ``(n, n)``).

    LAPACK's ``potri`` needs a third of the work of solving against the identity.
    """
    inv, info = scipy.linalg.lapack.dpotri(chol, lower=1)
    if info != 0:
        raise np.linalg.LinAlgError(f"potri failed (info={info})")
    lower = np.tril(inv)
    out: NDArray[np.float64] = lower + np.tril(lower, -1).T
    return out


def log_marginal_likelihood(
    deltas: NDArray[np.float64],
    y: NDArray[np.float64],
    lengthscales: NDArray[np.float64],
    signal_var: float,
    noise_var: float,
) -> tuple[float, NDArray[np.float64], float, float]:
    """``log p(y | X, hyperparameters)`` of a zero-mean GP and its gradient.

    Uses the identity ``d lml / d p = 1/2 tr((alpha alpha^T - K^-1) dK/dp)``
    with ``alpha = K^-1 y`` (Rasmussen & Williams, eq. 5.9).

    Args:
        deltas: Per-dimension distances from
            :func:`~hypersense.samplers.gp.kernels.pairwise_deltas`; shape ``(d, n, n)``.
        y: Targets; shape ``(n,)``.
        lengthscales: Shape ``(d,)``.
        signal_var: ``s2``.
        noise_var: Observation noise variance.

    Returns:
        ``(lml, d lml / d log l (shape (d,)), d lml / d log s2, d lml / d noise_var)``.

    Raises:
        numpy.linalg.LinAlgError: The covariance is not numerically positive definite.
    """
    n = y.shape[0]
    rho = 1.0 / np.square(lengthscales)
    t = np.tensordot(rho, deltas, axes=1)
    corr = matern52(t)
    cov = signal_var * corr
    cov[np.diag_indices(n)] += noise_var
    chol = scipy.linalg.cholesky(cov, lower=True, check_finite=False)
    alpha = scipy.linalg.cho_solve((chol, True), y, check_finite=False)
    lml = -0.5 * float(y @ alpha) - float(np.log(np.diag(chol)).sum()) - 0.5 * n * _LOG_2PI
    cov_inv = _inverse_from_cholesky(chol)
    w = np.outer(alpha, alpha) - cov_inv
    d_signal = 0.5 * signal_var * float(np.sum(w * corr))
    d_noise = 0.5 * float(np.trace(w))
    # dK/d log rho_j = s2 m'(t) rho_j delta_j and d log rho_j / d log l_j = -2.
    d_rho = 0.5 * signal_var * rho * np.tensordot(deltas, w * matern52_derivative(t), axes=2)
    return lml, -2.0 * d_rho, d_signal, d_noise


def negative_log_posterior(
    theta: NDArray[np.float64],
    deltas: NDArray[np.float64],
    y: NDArray[np.float64],
    prior_locs: NDArray[np.float64],
    prior_scales: NDArray[np.float64],
    noise_floor: float,
) -> tuple[float, NDArray[np.float64]]:
    """``-(log p(y | theta) + log p(theta))`` and its gradient, for L-BFGS-B.

    Args:
        theta: Log hyperparameters (module docstring); shape ``(d + 1,)`` with the
            noise fixed at ``noise_floor``, else ``(d + 2,)``.
        deltas: Shape ``(d, n, n)``.
        y: Shape ``(n,)``.
        prior_locs: Shape like ``theta``.
        prior_scales: Shape like ``theta``.
        noise_floor: Smallest noise variance.

    Returns:
        The value and its gradient (shape like ``theta``). A covariance that is
        not positive definite returns a large value, so the line search backs off.
    """
    d = deltas.shape[0]
    fit_noise = theta.shape[0] == d + 2
    excess_noise = math.exp(theta[d + 1]) if fit_noise else 0.0
    try:
        lml, g_ls, g_signal, g_noise = log_marginal_likelihood(
            deltas,
            y,
            np.exp(theta[:d]),
            math.exp(theta[d]),
            noise_floor + excess_noise,
        )
    except np.linalg.LinAlgError:
        return 1e10, np.zeros_like(theta)
    z = (theta - prior_locs) / prior_scales
    log_prior = -0.5 * float(z @ z)
    noise_grad = [g_noise * excess_noise] if fit_noise else []
    grad: NDArray[np.float64] = np.concatenate([g_ls, [g_signal], noise_grad])
    grad -= z / prior_scales
    return -(lml + log_prior), -grad
