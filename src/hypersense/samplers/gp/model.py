"""The GP posterior: mean and variance of the latent function, with input gradients."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from hypersense.gp.kernels import (
    KernelParams,
    kernel_matrix,
    matern52_sq,
    matern52_sq_derivative,
    scaled_sq_distances,
)
from hypersense.gp.linalg import (
    cho_solve,
    cholesky_with_jitter,
    extend_cholesky,
    gls_constant_mean,
    posterior_mean_var,
    solve_lower_transpose,
)

__all__ = ["GPPosterior"]

# Predictions are made in row blocks so a (batch, n) cross-covariance never
# exceeds this many entries (16 MiB of float64).
_MAX_BLOCK_ENTRIES = 1 << 21


def _noisy_covariance(
    x: NDArray[np.float64], params: KernelParams, is_categorical: NDArray[np.bool_]
) -> NDArray[np.float64]:
    """The prior covariance of noisy observations at ``x`` (shape ``(n, d)``): the
    kernel matrix plus the noise variance on its diagonal; shape ``(n, n)``."""
    cov = kernel_matrix(x, x, params, is_categorical)
    cov[np.diag_indices_from(cov)] += params.noise_var
    return cov


class GPPosterior:
    """The posterior of a GP with constant prior mean after observing ``y`` at ``x``.

    Immutable once built: it caches the Cholesky factor of the noisy covariance
    and ``alpha = K^-1 (y - prior_mean)``, so each prediction costs ``O(n^2)``
    per point. Far from every observation the mean reverts to ``prior_mean``.

    Args:
        x: Inputs in model space; shape ``(n, d)``.
        y: Targets; shape ``(n,)``.
        params: Kernel hyperparameters.
        is_categorical: Shape ``(d,)``; True where a column holds a choice index.
        prior_mean: The constant prior mean (see :meth:`with_estimated_mean`).
    """

    def __init__(
        self,
        x: NDArray[np.float64],
        y: NDArray[np.float64],
        params: KernelParams,
        is_categorical: NDArray[np.bool_],
        *,
        prior_mean: float = 0.0,
        _chol: NDArray[np.float64] | None = None,
    ) -> None:
        self._x = np.asarray(x, dtype=float)
        self._y = np.asarray(y, dtype=float)
        self._params = params
        self._is_categorical = np.asarray(is_categorical, dtype=bool)
        if _chol is None:
            _chol = cholesky_with_jitter(_noisy_covariance(self._x, params, self._is_categorical))
        self._chol = _chol
        self._prior_mean = float(prior_mean)
        self._alpha = cho_solve(_chol, self._y - self._prior_mean)

    @classmethod
    def with_estimated_mean(
        cls,
        x: NDArray[np.float64],
        y: NDArray[np.float64],
        params: KernelParams,
        is_categorical: NDArray[np.bool_],
    ) -> GPPosterior:
        """The posterior whose constant prior mean is estimated from ``y`` by
        generalised least squares (ordinary kriging, as in Jones, Schonlau &
        Welch's EGO), plugged in.

        A search gathers its observations around good points, so their plain
        average (zero after standardisation) is optimistic about the places
        nobody has looked at; the GLS mean counts such a cluster about once.
        With it, unexplored corners of the space no longer look as promising
        as the search's own good region, and expected improvement spends fewer
        evaluations on the boundary.

        The estimate is kept at or above the lowest loss. It can leave the
        range of ``y``: above it on bowl-shaped functions, where the level
        away from the search's points is higher than any loss seen (23
        standard deviations on a 2-D sphere), which is information; below it
        when the kernel explains the data badly (noise fixed at a floor while
        the objective is noisy, say, where GLS weights grow large with both
        signs). Below the lowest loss, every unexplored point would look
        better than the best trial, which is the over-exploration this mean
        is meant to remove.
        """
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        chol = cholesky_with_jitter(_noisy_covariance(x, params, is_categorical))
        mean = max(gls_constant_mean(chol, y), float(np.min(y)))
        return cls(x, y, params, is_categorical, prior_mean=mean, _chol=chol)

    @property
    def prior_mean(self) -> float:
        """The constant prior mean."""
        return self._prior_mean

    @property
    def params(self) -> KernelParams:
        """The kernel hyperparameters."""
        return self._params

    @property
    def x(self) -> NDArray[np.float64]:
        """Observed inputs; shape ``(n, d)``."""
        return self._x

    @property
    def is_categorical(self) -> NDArray[np.bool_]:
        """Shape ``(d,)``."""
        return self._is_categorical

    def with_fantasies(self, x_new: NDArray[np.float64]) -> GPPosterior:
        """This posterior after also "observing" its own mean at ``x_new``.

        The kriging-believer fantasy of pending evaluations: the mean is
        unchanged everywhere while the variance shrinks around ``x_new``, so an
        acquisition stops proposing points next to evaluations still running.
        The Cholesky factor is extended by a block update in ``O(n^2 m)``.

        Args:
            x_new: Pending inputs; shape ``(m, d)``.
        """
        if x_new.shape[0] == 0:
            return self
        mean, _ = self.mean_var(x_new)
        k21 = kernel_matrix(x_new, self._x, self._params, self._is_categorical)
        k22 = _noisy_covariance(x_new, self._params, self._is_categorical)
        chol = extend_cholesky(self._chol, k21, k22)
        return GPPosterior(
            np.vstack([self._x, x_new]),
            np.concatenate([self._y, mean]),
            self._params,
            self._is_categorical,
            prior_mean=self._prior_mean,
            _chol=chol,
        )

    def mean_var(self, x: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Posterior mean and variance of the latent function (no noise).

        Args:
            x: Shape ``(b, d)``.

        Returns:
            Mean and variance, each of shape ``(b,)``; the variance is clipped
            at a tiny positive value.
        """
        rows = max(1, _MAX_BLOCK_ENTRIES // max(1, self._x.shape[0]))
        means, variances = [], []
        for start in range(0, x.shape[0], rows):
            block = x[start : start + rows]
            k = kernel_matrix(block, self._x, self._params, self._is_categorical)
            block_mean, block_var, _ = posterior_mean_var(
                k, self._chol, self._alpha, self._params.signal_var
            )
            means.append(block_mean + self._prior_mean)
            variances.append(block_var)
        mean = np.concatenate(means) if means else np.zeros(0)
        var = np.concatenate(variances) if variances else np.zeros(0)
        return mean, np.maximum(var, 1e-12 * self._params.signal_var)

    def mean_var_grad(
        self, x: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """Mean, variance and their gradients with respect to the inputs.

        With ``G = s2 m'(t)`` (shape ``(b, n)``), ``dk_bi/dx_bj = 2 rho_j G_bi
        (x_bj - X_ij)`` for a numeric dimension, so both gradients reduce to
        matrix products and never form a ``(b, n, d)`` array. Categorical
        dimensions get gradient 0 (they are searched discretely).

        Args:
            x: Shape ``(b, d)``.

        Returns:
            ``(mean (b,), var (b,), d mean/dx (b, d), d var/dx (b, d))``.
        """
        params, xs = self._params, self._x
        t = scaled_sq_distances(x, xs, params.inv_sq_lengthscales, self._is_categorical)
        k = params.signal_var * matern52_sq(t)
        g = params.signal_var * matern52_sq_derivative(t)
        mean, var, v = posterior_mean_var(k, self._chol, self._alpha, params.signal_var)
        beta = solve_lower_transpose(self._chol, v).T
        two_rho = 2.0 * params.inv_sq_lengthscales * ~self._is_categorical
        g_alpha = g * self._alpha
        d_mean = two_rho * (x * g_alpha.sum(axis=1, keepdims=True) - g_alpha @ xs)
        g_beta = g * beta
        d_var = -2.0 * two_rho * (x * g_beta.sum(axis=1, keepdims=True) - g_beta @ xs)
        mean = mean + self._prior_mean
        floor = 1e-12 * params.signal_var
        d_var = np.where((var > floor)[:, None], d_var, 0.0)
        return mean, np.maximum(var, floor), d_mean, d_var
