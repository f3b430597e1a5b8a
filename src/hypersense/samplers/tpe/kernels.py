"""One-dimensional kernels of the Parzen estimator, as pure numpy functions.

Numerical columns use Gaussian kernels truncated to the unit interval (the
encoding's range): a continuous column evaluates their density, an ordered
discrete column their mass on a value's bin. Categorical columns use an
Aitchison-Aitken style kernel: mass ``1 - s + s/C`` on the kernel's own
category and ``s/C`` on each of the ``C`` categories (``s`` is the spread).

Centres always lie in [0, 1], so the truncation interval always contains the
kernel's centre and its mass is at least about half the Gaussian's: the
log-space formulas below never divide by a vanishing normaliser.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from scipy.special import log_ndtr, ndtr, ndtri

__all__ = [
    "categorical_log_kernel",
    "gaussian_log_mass",
    "truncated_gaussian_log_bin_mass",
    "truncated_gaussian_log_norm",
    "truncated_gaussian_log_pdf",
    "truncated_gaussian_sample",
]

_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)


def gaussian_log_mass(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    """``log(Phi(b) - Phi(a))`` for standardised bounds ``a <= b`` (broadcast).

    Intervals in the upper tail are mirrored into the lower tail, where
    ``log_ndtr`` keeps full relative precision, so masses as small as 1e-300
    stay finite instead of cancelling to ``log(0)``.
    """
    a, b = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
    flip = (a + b) > 0.0
    lo = np.where(flip, -b, a)
    hi = np.where(flip, -a, b)
    log_hi = log_ndtr(hi)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = log_hi + np.log1p(-np.exp(log_ndtr(lo) - log_hi))
    out = np.where(np.isnan(out), -np.inf, out)
    result: NDArray[np.float64] = out
    return result


def truncated_gaussian_log_norm(
    centers: NDArray[np.float64], bandwidths: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Log of each kernel's Gaussian mass inside [0, 1]; same shape as the inputs."""
    return gaussian_log_mass(-centers / bandwidths, (1.0 - centers) / bandwidths)


def truncated_gaussian_log_pdf(
    x: NDArray[np.float64],
    centers: NDArray[np.float64],
    bandwidths: NDArray[np.float64],
    log_norm: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Log density at points ``x`` (shape ``(k,)``) of kernels (shape ``(m,)``).

    Returns:
        Shape ``(k, m)``: entry ``[i, c]`` is the log density of kernel ``c``
        (truncated to [0, 1] and renormalised by ``log_norm``) at ``x[i]``.
    """
    z = (x[:, None] - centers[None, :]) / bandwidths[None, :]
    out: NDArray[np.float64] = (
        -0.5 * z * z - np.log(bandwidths)[None, :] - _LOG_SQRT_2PI - log_norm[None, :]
    )
    return out


def truncated_gaussian_log_bin_mass(
    lower: NDArray[np.float64],
    upper: NDArray[np.float64],
    centers: NDArray[np.float64],
    bandwidths: NDArray[np.float64],
    log_norm: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Log mass on bins ``[lower, upper]`` (shape ``(k,)``) of kernels (shape ``(m,)``).

    Returns:
        Shape ``(k, m)``, each kernel truncated to [0, 1] and renormalised.
    """
    a = (lower[:, None] - centers[None, :]) / bandwidths[None, :]
    b = (upper[:, None] - centers[None, :]) / bandwidths[None, :]
    out: NDArray[np.float64] = gaussian_log_mass(a, b) - log_norm[None, :]
    return out


def truncated_gaussian_sample(
    centers: NDArray[np.float64], bandwidths: NDArray[np.float64], rng: np.random.Generator
) -> NDArray[np.float64]:
    """One draw from each kernel truncated to [0, 1], by inverting the CDF.

    Args:
        centers: Shape ``(n,)``, in [0, 1].
        bandwidths: Shape ``(n,)``, positive.
        rng: Source of the uniform draws (``n`` of them).

    Returns:
        Shape ``(n,)``, in [0, 1].
    """
    lo = ndtr(-centers / bandwidths)
    hi = ndtr((1.0 - centers) / bandwidths)
    u = lo + (hi - lo) * rng.random(centers.shape[0])
    with np.errstate(over="ignore", invalid="ignore"):
        x = centers + bandwidths * ndtri(u)
    out: NDArray[np.float64] = np.clip(np.nan_to_num(x, nan=0.5), 0.0, 1.0)
    return out


def categorical_log_kernel(
    x_category: NDArray[np.intp],
    kernel_category: NDArray[np.intp],
    spread: float,
    n_choices: int,
) -> NDArray[np.float64]:
    """Log probability of categories ``x_category`` (shape ``(k,)``) under kernels
    centred on ``kernel_category`` (shape ``(m,)``); returns shape ``(k, m)``.

    Each kernel keeps ``1 - spread`` of its mass on its own category and spreads
    ``spread`` evenly over all ``n_choices`` categories (categories have no order).
    """
    same = x_category[:, None] == kernel_category[None, :]
    other = spread / n_choices
    log_other = math.log(other) if other > 0.0 else -math.inf
    out: NDArray[np.float64] = np.where(same, math.log(1.0 - spread + other), log_other)
    return out
