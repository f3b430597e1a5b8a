"""Log expected improvement, numerically stable deep in the tail, with gradients.

For minimisation with posterior ``N(mu, s^2)`` and incumbent ``best``,
``EI = s * h(z)`` with ``z = (best - mu) / s`` and ``h(z) = z Phi(z) + phi(z)``.
``h`` underflows to 0 for ``z < -38``, which leaves an acquisition optimiser
with a flat, zero-gradient landscape almost everywhere once the model is
confident. Following Ament et al. (2023, "Unexpected improvements to expected
improvement", eq. 9) we evaluate ``log h`` directly, in three regimes:

* ``z > -1``: ``log(z Phi(z) + phi(z))``, no cancellation there;
* ``-100 <= z <= -1``: with ``t = -z`` and the Mills ratio
  ``R(t) = Phi(-t) / phi(t) = sqrt(pi/2) erfcx(t / sqrt 2)``,
  ``h(z) = phi(t) (1 - t R(t))``, so ``log h = log phi(t) + log1p(-t R(t))``;
* ``z < -100``: ``1 - t R(t)`` cancels catastrophically, so it is replaced by
  its asymptotic series ``t^-2 (1 - 3 t^-2 + 15 t^-4 - 105 t^-6 + 945 t^-8)``,
  whose truncation error there is below 1e-13 (relative).

The derivative ``d log h / dz = Phi(z) / h(z)`` uses the same regimes.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from scipy.special import erfc, erfcx

from hypersense.samplers.gp.model import GPPosterior

__all__ = ["LogExpectedImprovement", "log_ei", "log_h", "log_h_derivative"]

_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
_SQRT_HALF = math.sqrt(0.5)
_SQRT_HALF_PI = math.sqrt(0.5 * math.pi)
_ASYMPTOTIC_T = 100.0


def _tail_series(t: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """For large ``t``: ``q`` with ``1 - t R(t) = q / t^2`` and ``p`` with ``R(t) = p / t``."""
    u = 1.0 / (t * t)
    q = 1.0 + u * (-3.0 + u * (15.0 + u * (-105.0 + 945.0 * u)))
    p = 1.0 + u * (-1.0 + u * (3.0 + u * (-15.0 + 105.0 * u)))
    return q, p


def log_h(z: NDArray[np.float64]) -> NDArray[np.float64]:
    """``log(z Phi(z) + phi(z))``, finite for every finite ``z`` (any shape)."""
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    upper = z > -1.0
    zu = z[upper]
    cdf = 0.5 * erfc(-_SQRT_HALF * zu)
    out[upper] = np.log(zu * cdf + np.exp(-0.5 * zu * zu - _LOG_SQRT_2PI))
    t = -z[~upper]
    log_pdf = -0.5 * t * t - _LOG_SQRT_2PI
    mid = t <= _ASYMPTOTIC_T
    tm = t[mid]
    tail = np.empty_like(t)
    tail[mid] = np.log1p(-tm * _SQRT_HALF_PI * erfcx(_SQRT_HALF * tm))
    tf = t[~mid]
    q, _ = _tail_series(tf)
    tail[~mid] = np.log(q) - 2.0 * np.log(tf)
    out[~upper] = log_pdf + tail
    return out


def log_h_derivative(z: NDArray[np.float64]) -> NDArray[np.float64]:
    """``d log h / dz = Phi(z) / h(z)`` (any shape); about ``-z`` deep in the tail."""
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    upper = z > -1.0
    zu = z[upper]
    cdf = 0.5 * erfc(-_SQRT_HALF * zu)
    out[upper] = cdf / (zu * cdf + np.exp(-0.5 * zu * zu - _LOG_SQRT_2PI))
    t = -z[~upper]
    mid = t <= _ASYMPTOTIC_T
    tm = t[mid]
    mills = _SQRT_HALF_PI * erfcx(_SQRT_HALF * tm)
    ratio = np.empty_like(t)
    ratio[mid] = mills / (1.0 - tm * mills)
    tf = t[~mid]
    q, p = _tail_series(tf)
    ratio[~mid] = tf * p / q
    out[~upper] = ratio
    return out


def log_ei(
    mean: NDArray[np.float64], var: NDArray[np.float64], best: float
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Log expected improvement below ``best`` of ``N(mean, var)`` and its partials.

    Args:
        mean: Shape ``(b,)``.
        var: Positive; shape ``(b,)``.
        best: The incumbent (minimisation).

    Returns:
        ``(log EI, d log EI / d mean, d log EI / d var)``, each of shape ``(b,)``.
    """
    sigma = np.sqrt(var)
    z = (best - mean) / sigma
    value = log_h(z) + np.log(sigma)
    dz = log_h_derivative(z)
    d_mean = -dz / sigma
    d_var = (1.0 - z * dz) / (2.0 * var)
    return value, d_mean, d_var


class LogExpectedImprovement:
    """``log EI`` of a GP posterior below an incumbent, as a function of inputs.

    Args:
        posterior: The GP posterior (fantasies of pending points included).
        best: The incumbent value in the model's output scale (minimisation).
    """

    def __init__(self, posterior: GPPosterior, best: float) -> None:
        self._posterior = posterior
        self._best = float(best)

    @property
    def posterior(self) -> GPPosterior:
        """The GP posterior."""
        return self._posterior

    def __call__(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        """``log EI`` at each row of ``x`` (shape ``(b, d)``); shape ``(b,)``."""
        mean, var = self._posterior.mean_var(x)
        value, _, _ = log_ei(mean, var, self._best)
        return value

    def value_and_grad(
        self, x: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """``log EI`` (shape ``(b,)``) and its gradient (shape ``(b, d)``) at ``x`` (``(b, d)``)."""
        mean, var, d_mean, d_var = self._posterior.mean_var_grad(x)
        value, g_mean, g_var = log_ei(mean, var, self._best)
        return value, g_mean[:, None] * d_mean + g_var[:, None] * d_var
