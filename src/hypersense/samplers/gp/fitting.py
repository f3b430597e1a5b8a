"""Fitting the GP hyperparameters: maximum a posteriori with several restarts."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hypersense.gp.fitting import minimize_from_starts
from hypersense.gp.kernels import KernelParams, pairwise_deltas
from hypersense.samplers.gp.priors import HyperPrior, negative_log_posterior
from hypersense.samplers.gp.warping import fit_output_warp

__all__ = ["NOISE_FLOOR", "KernelFit", "SurrogateFit", "fit_kernel_params", "fit_surrogate"]

_log = logging.getLogger(__name__)

#: Smallest noise variance (standardised outputs): keeps the Cholesky factor of
#: the covariance stable when points nearly coincide, costs nothing in accuracy.
NOISE_FLOOR = 1e-8

# Box on theta (log hyperparameters): length scales from far below a grid cell
# to "this parameter does not matter"; variances within a factor 100 of the
# standardised scale; noise up to four times the output variance.
_LOG_LS_BOUNDS = (math.log(1e-3), math.log(1e3))
_LOG_SIGNAL_BOUNDS = (math.log(1e-2), math.log(1e2))
_LOG_NOISE_BOUNDS = (math.log(1e-9), math.log(4.0))
_MAX_ITER = 200


@dataclass(frozen=True)
class KernelFit:
    """Fitted hyperparameters and the log posterior density they reach.

    Attributes:
        params: The maximum a posteriori hyperparameters.
        log_posterior: ``log p(y | theta) + log p(theta)`` there (up to the
            same constant for every fit on the same number of points).
    """

    params: KernelParams
    log_posterior: float


@dataclass(frozen=True)
class SurrogateFit:
    """What a refit decides: hyperparameters, and whether to power-warp losses.

    Attributes:
        params: Kernel hyperparameters.
        power_warp: Whether heavy-tailed losses are to be power-warped.
    """

    params: KernelParams
    power_warp: bool


def fit_kernel_params(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    is_categorical: NDArray[np.bool_],
    *,
    rng: np.random.Generator,
    n_restarts: int = 3,
    fit_noise: bool = True,
    prior: HyperPrior | None = None,
) -> KernelFit:
    """The maximum a posteriori hyperparameters of a zero-mean Matérn-5/2 GP.

    L-BFGS-B runs from the prior median and from ``n_restarts - 1`` draws of a
    narrowed prior; the best posterior value wins. Restarts matter because the
    marginal likelihood often has a "everything is noise" mode (long length
    scales, large noise) next to the useful one.

    Args:
        x: Inputs in model space; shape ``(n, d)``.
        y: Standardised targets; shape ``(n,)``.
        is_categorical: Shape ``(d,)``.
        rng: Source of the restart points.
        n_restarts: Number of L-BFGS-B runs (>= 1).
        fit_noise: Fit the noise variance; else fix it at :data:`NOISE_FLOOR`.
        prior: Priors on the log hyperparameters (defaults when None).

    Returns:
        The fitted hyperparameters (the prior median, with log posterior -inf,
        if every run failed).
    """
    n_dims = x.shape[1]
    locs, scales = (prior or HyperPrior()).locs_scales(n_dims, fit_noise=fit_noise)
    bounds = [_LOG_LS_BOUNDS] * n_dims + [_LOG_SIGNAL_BOUNDS]
    if fit_noise:
        bounds.append(_LOG_NOISE_BOUNDS)
    deltas = pairwise_deltas(x, is_categorical)
    starts = [locs] + [
        locs + 0.5 * scales * rng.standard_normal(locs.shape) for _ in range(1, n_restarts)
    ]
    best_theta, best_value = minimize_from_starts(
        lambda theta: negative_log_posterior(theta, deltas, y, locs, scales, NOISE_FLOOR),
        starts,
        bounds,
        max_iter=_MAX_ITER,
    )
    if not math.isfinite(best_value):
        _log.warning("GP hyperparameter fit failed on %d points; using the prior median", len(y))
    return KernelFit(_params_from_theta(best_theta, n_dims, fit_noise=fit_noise), -best_value)


def fit_surrogate(
    x: NDArray[np.float64],
    losses: NDArray[np.float64],
    is_categorical: NDArray[np.bool_],
    *,
    seed: np.random.SeedSequence,
    allow_power_warp: bool = True,
    n_restarts: int = 3,
    fit_noise: bool = True,
) -> SurrogateFit:
    """Hyperparameters for ``losses``, and whether power-warping them helps.

    When the losses are heavy-tailed, the GP is fitted both to their plain
    standardisation and to their power warp, and the warp is kept if it makes
    the *original* losses more probable: the fitted log posterior of the
    warped values plus the log Jacobian of the warp (a warped GP's evidence,
    Snelson et al. 2004). A tail of bad values that is noise to the model
    (diverged runs, Rosenbrock's walls) favours the warp; a tail that is
    structure (the slopes of Rastrigin's bowl) favours the plain scale.

    Args:
        x: Inputs in model space; shape ``(n, d)``.
        losses: Minimisation-form losses; shape ``(n,)``.
        is_categorical: Shape ``(d,)``.
        seed: Seed of the restarts (each candidate fit gets the same starts).
        allow_power_warp: Consider the warp at all.
        n_restarts: L-BFGS-B runs per fit.
        fit_noise: Fit the noise variance (else fix it at the floor).
    """
    plain = fit_output_warp(losses, allow_power=False)
    candidates = [(plain, False)]
    if allow_power_warp:
        warp = fit_output_warp(losses)
        if warp.yeo_johnson_lambda is not None:
            candidates.append((warp, True))
    best: tuple[float, SurrogateFit] | None = None
    for candidate, is_power in candidates:
        fit = fit_kernel_params(
            x,
            candidate(losses),
            is_categorical,
            rng=np.random.default_rng(
                np.random.SeedSequence(seed.entropy, spawn_key=seed.spawn_key)
            ),
            n_restarts=n_restarts,
            fit_noise=fit_noise,
        )
        evidence = fit.log_posterior + candidate.log_jacobian(losses)
        if best is None or evidence > best[0]:
            best = (evidence, SurrogateFit(fit.params, is_power))
    assert best is not None
    return best[1]


def _params_from_theta(theta: NDArray[np.float64], n_dims: int, *, fit_noise: bool) -> KernelParams:
    noise = NOISE_FLOOR + (math.exp(theta[n_dims + 1]) if fit_noise else 0.0)
    return KernelParams(
        lengthscales=np.exp(theta[:n_dims]),
        signal_var=math.exp(theta[n_dims]),
        noise_var=noise,
    )
