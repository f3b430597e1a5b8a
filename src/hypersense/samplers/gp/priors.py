"""Priors on the GP sampler's hyperparameters, and its MAP objective.

Hyperparameters are fitted in a log parametrisation,

    theta = [log l_1, ..., log l_d, log s2, log(noise_var - noise_floor)],

(the last entry absent when the noise is fixed at its floor), which keeps every
variance positive and makes the priors below plain normals on ``theta``. The
noise floor keeps the covariance matrix well conditioned even for a
deterministic objective. The likelihood itself is the shared core's
(:mod:`hypersense.gp.likelihood`).

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
from numpy.typing import NDArray

from hypersense.gp.likelihood import scaled_distance_log_marginal_likelihood

__all__ = ["HyperPrior", "negative_log_posterior"]


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
        deltas: :func:`~hypersense.gp.kernels.pairwise_deltas` of the inputs;
            shape ``(d, n, n)``.
        y: Shape ``(n,)``.
        prior_locs: Shape like ``theta``.
        prior_scales: Shape like ``theta``.
        noise_floor: Smallest noise variance.

    Returns:
        The value and its gradient (shape like ``theta``).

    Raises:
        numpy.linalg.LinAlgError: The covariance is not numerically positive
            definite (:func:`hypersense.gp.fitting.minimize_from_starts` turns
            this into a failed evaluation).
    """
    d = deltas.shape[0]
    fit_noise = theta.shape[0] == d + 2
    excess_noise = math.exp(theta[d + 1]) if fit_noise else 0.0
    lml, g_ls, g_signal, g_noise = scaled_distance_log_marginal_likelihood(
        deltas,
        y,
        np.exp(theta[:d]),
        math.exp(theta[d]),
        noise_floor + excess_noise,
    )
    z = (theta - prior_locs) / prior_scales
    log_prior = -0.5 * float(z @ z)
    noise_grad = [g_noise * excess_noise] if fit_noise else []
    grad: NDArray[np.float64] = np.concatenate([g_ls, [g_signal], noise_grad])
    grad -= z / prior_scales
    return -(lml + log_prior), -grad
