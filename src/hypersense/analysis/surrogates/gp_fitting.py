"""Maximum-likelihood hyperparameters of the analysis GP (product Matérn-5/2 kernel).

The kernel, its likelihood and the multi-start search are the shared core
(:mod:`hypersense.gp`); this module holds what is particular to the analysis
surrogate: its parametrisation, box constraints and starting points.
Hyperparameters (log length scales, log signal and noise variances) maximise
the log marginal likelihood of standardised targets, without priors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hypersense.gp.fitting import minimize_from_starts
from hypersense.gp.kernels import KernelParams, column_distances
from hypersense.gp.likelihood import product_log_marginal_likelihood

__all__ = [
    "HyperparameterBounds",
    "fit_hyperparameters",
    "from_theta",
    "negative_log_likelihood",
    "to_theta",
]


def to_theta(params: KernelParams) -> NDArray[np.float64]:
    """Log-space vector ``[log l_1..l_d, log s2, log noise]``; shape ``(d + 2,)``."""
    return np.concatenate(
        [np.log(params.lengthscales), [np.log(params.signal_var), np.log(params.noise_var)]]
    )


def from_theta(theta: NDArray[np.float64]) -> KernelParams:
    """Inverse of :func:`to_theta`."""
    d = theta.shape[0] - 2
    return KernelParams(np.exp(theta[:d]), float(np.exp(theta[d])), float(np.exp(theta[d + 1])))


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


def negative_log_likelihood(
    theta: NDArray[np.float64], distances: NDArray[np.float64], z: NDArray[np.float64]
) -> tuple[float, NDArray[np.float64]]:
    """Negative log marginal likelihood (without the constant) and its gradient.

    Args:
        theta: Log hyperparameters, see :func:`to_theta`; shape ``(d + 2,)``.
        distances: :func:`~hypersense.gp.kernels.column_distances` of the
            training inputs with themselves; shape ``(d, n, n)``.
        z: Standardised targets; shape ``(n,)``.

    Raises:
        numpy.linalg.LinAlgError: The covariance is not numerically positive definite.
    """
    d = distances.shape[0]
    noise = float(np.exp(theta[d + 1]))
    lml = product_log_marginal_likelihood(
        distances,
        z,
        np.exp(theta[:d]),
        float(np.exp(theta[d])),
        noise,
        with_constant=False,
    )
    grad = np.empty_like(theta)
    grad[:d] = -lml.d_log_lengthscales
    grad[d] = -lml.d_log_signal_var
    grad[d + 1] = -(lml.d_noise_var * noise)
    return -lml.value, grad


def fit_hyperparameters(
    x: NDArray[np.float64],
    z: NDArray[np.float64],
    categorical: NDArray[np.bool_],
    rng: np.random.Generator,
    *,
    bounds: HyperparameterBounds,
    n_starts: int,
    initial: KernelParams | None = None,
    max_iter: int = 200,
) -> KernelParams:
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
    starts = [] if initial is None else [to_theta(initial)]
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
    best_theta, _ = minimize_from_starts(
        lambda theta: negative_log_likelihood(theta, distances, z),
        starts,
        bounds.log_box(d),
        max_iter=max_iter,
    )
    return from_theta(best_theta)
