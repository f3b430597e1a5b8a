"""Gaussian-process surrogate: exact decompositions and posterior draws.

The model is a GP with the product Matérn-5/2 kernel of the shared core
(:mod:`hypersense.gp`), fitted by :mod:`.gp_fitting`. Its uncertainty is
carried by *posterior function draws*, with the hyperparameters' own
uncertainty included: hyperparameters are re-estimated on trials resampled
with replacement (a bootstrap), and for each such set, functions are drawn from
the posterior given *all* trials (see :mod:`.gp_draws` for how a draw is
represented as a separable expansion whose variance decomposes exactly).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hypersense.analysis.surrogates.base import FittedSurrogate, FunctionDraws, Surrogate
from hypersense.analysis.surrogates.gp_draws import (
    GPDraws,
    KernelComponent,
    KernelExpansion,
    extra_points,
    posterior_draws,
)
from hypersense.analysis.surrogates.gp_fitting import HyperparameterBounds, fit_hyperparameters
from hypersense.gp.kernels import KernelParams, product_kernel_matrix
from hypersense.gp.linalg import cho_solve, cholesky_with_jitter

__all__ = ["FittedGaussianProcess", "GaussianProcessSurrogate", "KernelExpansion"]

# Iterations of a warm-started refit (a fold, a bootstrap resample).
_REFIT_ITERATIONS = 30


class GaussianProcessSurrogate(Surrogate):
    """A product Matérn-5/2 Gaussian process with one length scale per parameter.

    Args:
        n_starts: Starting points of the marginal-likelihood optimisation.
        max_fit_trials: Hyperparameters are estimated on at most this many
            trials (a random subset); the posterior then uses every trial.
            Bounds the cost of large studies.
        n_hyper_draws: Bootstrap re-estimates of the hyperparameters behind the
            posterior draws (0: the fitted hyperparameters only).
        n_extra_points: Space-filling points, besides the trials, at which
            posterior draws are tabulated (more: finer draws, slower).
        max_trials: The posterior conditions on at most this many trials (a
            random subset), which bounds memory and time (cubic in the trials)
            on very large studies.
        max_draw_trials: Posterior deviations are tabulated at at most this
            many trials (a random subset) besides the extra points; bounds the
            cost of drawing on large studies (see :mod:`.gp_draws`).
    """

    name = "gp"

    def __init__(
        self,
        *,
        n_starts: int = 2,
        max_fit_trials: int = 200,
        n_hyper_draws: int = 6,
        n_extra_points: int = 128,
        max_trials: int = 2000,
        max_draw_trials: int = 512,
    ) -> None:
        _check_int("n_starts", n_starts, 1)
        _check_int("max_fit_trials", max_fit_trials, 8)
        _check_int("n_hyper_draws", n_hyper_draws, 0)
        _check_int("n_extra_points", n_extra_points, 0)
        _check_int("max_trials", max_trials, 8)
        _check_int("max_draw_trials", max_draw_trials, 1)
        self.n_starts = n_starts
        self.max_fit_trials = max_fit_trials
        self.n_hyper_draws = n_hyper_draws
        self.n_extra_points = n_extra_points
        self.max_trials = max_trials
        self.max_draw_trials = max_draw_trials

    def _params(self) -> dict[str, object]:
        return {
            "n_starts": self.n_starts,
            "max_fit_trials": self.max_fit_trials,
            "n_hyper_draws": self.n_hyper_draws,
            "n_extra_points": self.n_extra_points,
            "max_trials": self.max_trials,
            "max_draw_trials": self.max_draw_trials,
        }

    def fit(
        self,
        x: NDArray[np.float64],
        y: NDArray[np.float64],
        categorical: NDArray[np.bool_],
        rng: np.random.Generator,
    ) -> FittedGaussianProcess:
        kept = _fit_rows(x.shape[0], self.max_trials, rng)
        x, y = x[kept], y[kept]
        data = _Standardised.of(x, y)
        rows = _fit_rows(x.shape[0], self.max_fit_trials, rng)
        params = fit_hyperparameters(
            x[rows],
            data.z[rows],
            categorical,
            rng,
            bounds=HyperparameterBounds(),
            n_starts=self.n_starts,
        )
        return FittedGaussianProcess(self, x, data, categorical, params)


def _check_int(name: str, value: object, minimum: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"`{name}` must be an integer >= {minimum} (got {value!r})")


def _fit_rows(n: int, limit: int, rng: np.random.Generator) -> NDArray[np.int64]:
    """All row indices, or a random subset of ``limit`` of them."""
    if n <= limit:
        return np.arange(n)
    return np.sort(rng.choice(n, size=limit, replace=False)).astype(np.int64)


@dataclass(frozen=True, eq=False)
class _Standardised:
    """Targets standardised to mean 0 and variance 1: ``y = mean + scale * z``."""

    z: NDArray[np.float64]
    mean: float
    scale: float

    @classmethod
    def of(cls, x: NDArray[np.float64], y: NDArray[np.float64]) -> _Standardised:
        mean = float(np.mean(y)) if y.size else 0.0
        scale = float(np.std(y)) if y.size else 1.0
        scale = scale if scale > 0 else 1.0
        return cls((y - mean) / scale, mean, scale)


@dataclass(frozen=True, eq=False)
class _Posterior:
    """The GP given all trials for one set of hyperparameters."""

    params: KernelParams
    chol: NDArray[np.float64]
    alpha: NDArray[np.float64]

    @classmethod
    def condition(
        cls,
        x: NDArray[np.float64],
        z: NDArray[np.float64],
        categorical: NDArray[np.bool_],
        params: KernelParams,
    ) -> _Posterior:
        k = product_kernel_matrix(x, x, params, categorical)
        k[np.diag_indices_from(k)] += params.noise_var
        chol = cholesky_with_jitter(k)
        alpha = cho_solve(chol, z)
        return cls(params, chol, alpha)


class FittedGaussianProcess(FittedSurrogate):
    """A GP conditioned on one scope's trials."""

    def __init__(
        self,
        config: GaussianProcessSurrogate,
        x: NDArray[np.float64],
        data: _Standardised,
        categorical: NDArray[np.bool_],
        params: KernelParams,
    ) -> None:
        self._config = config
        self._x = x
        self._data = data
        self._categorical = categorical
        self._posterior = _Posterior.condition(x, data.z, categorical, params)

    @property
    def hyperparameters(self) -> KernelParams:
        """The fitted hyperparameters (for standardised targets)."""
        return self._posterior.params

    @property
    def interval_kind(self) -> str:
        return "gp-posterior"

    def predict(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        component = KernelComponent(self._posterior.params, self._x, self._posterior.alpha[None, :])
        out: NDArray[np.float64] = (
            self._data.mean + self._data.scale * component.evaluate(x, self._categorical)[0]
        )
        return out

    def refit(
        self, x: NDArray[np.float64], y: NDArray[np.float64], rng: np.random.Generator
    ) -> FittedGaussianProcess:
        kept = _fit_rows(x.shape[0], self._config.max_trials, rng)
        x, y = x[kept], y[kept]
        data = _Standardised.of(x, y)
        rows = _fit_rows(x.shape[0], self._config.max_fit_trials, rng)
        params = self._warm_fit(x[rows], data.z[rows], rng)
        return FittedGaussianProcess(self._config, x, data, self._categorical, params)

    def _warm_fit(
        self, x: NDArray[np.float64], z: NDArray[np.float64], rng: np.random.Generator
    ) -> KernelParams:
        return fit_hyperparameters(
            x,
            z,
            self._categorical,
            rng,
            bounds=HyperparameterBounds(),
            n_starts=0,
            initial=self._posterior.params,
            max_iter=_REFIT_ITERATIONS,
        )

    def draws(self, n_draws: int, rng: np.random.Generator) -> FunctionDraws:
        fitted = self._posterior
        if n_draws == 0:
            mean_only = KernelComponent(fitted.params, self._x, fitted.alpha[None, :])
            return GPDraws([mean_only], self._categorical, self._data.mean, self._data.scale)
        hyper_sets = self._hyperparameter_draws(rng)
        per_set = np.diff(np.linspace(0, n_draws, len(hyper_sets) + 1).round().astype(int))
        extra = extra_points(self._x, self._categorical, self._config.n_extra_points, rng)
        tabulated = _fit_rows(self._x.shape[0], self._config.max_draw_trials, rng)
        components = []
        for i, (params, count) in enumerate(zip(hyper_sets, per_set, strict=True)):
            if count == 0 and i > 0:
                continue
            component = posterior_draws(
                self._x,
                self._data.z,
                self._categorical,
                params,
                extra=extra,
                tabulated=tabulated,
                n_draws=int(count),
                rng=rng,
                conditioned=(fitted.chol, fitted.alpha) if i == 0 else None,
            )
            if i == 0:
                # Draw 0, the posterior mean, shares the first component's kernels.
                mean_row = np.zeros((1, component.weights.shape[1]))
                mean_row[0, : self._x.shape[0]] = fitted.alpha
                weights = np.vstack([mean_row, component.weights])
                component = KernelComponent(params, component.basis, weights)
            components.append(component)
        return GPDraws(components, self._categorical, self._data.mean, self._data.scale)

    def _hyperparameter_draws(self, rng: np.random.Generator) -> list[KernelParams]:
        """The fitted hyperparameters and bootstrap re-estimates of them."""
        out = [self._posterior.params]
        rows = _fit_rows(self._x.shape[0], self._config.max_fit_trials, rng)
        for _ in range(self._config.n_hyper_draws):
            sample = rows[rng.integers(0, rows.shape[0], rows.shape[0])]
            out.append(self._warm_fit(self._x[sample], self._data.z[sample], rng))
        return out
