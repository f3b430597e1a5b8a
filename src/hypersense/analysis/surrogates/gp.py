"""Gaussian-process surrogate: exact decompositions and posterior draws.

The model is :mod:`.gp_core`'s product Matérn-5/2 GP. Its uncertainty is
carried by *posterior function draws*, with the hyperparameters' own
uncertainty included: hyperparameters are re-estimated on trials resampled
with replacement (a bootstrap), and for each such set, functions are drawn from
the posterior given *all* trials. A draw is represented exactly as a kernel
interpolant through its values at the trials and at extra space-filling
points, so it stays a separable expansion whose variance decomposes exactly.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.linalg
from numpy.typing import NDArray
from scipy.stats import qmc

from hypersense.analysis.quadrature import Quadrature
from hypersense.analysis.surrogates.base import (
    FittedSurrogate,
    FunctionDraws,
    SeparableExpansion,
    Surrogate,
)
from hypersense.analysis.surrogates.gp_core import (
    GPHyperparameters,
    HyperparameterBounds,
    factor_matrix,
    fit_hyperparameters,
    kernel_matrix,
    stable_cholesky,
)

__all__ = ["FittedGaussianProcess", "GaussianProcessSurrogate", "KernelExpansion"]

# Rows of x predicted at once, so a (rows, basis) kernel block stays small.
_PREDICT_BLOCK = 2048
# Iterations of a warm-started refit (a fold, a bootstrap resample).
_REFIT_ITERATIONS = 30
# Relative jitter of the interpolation system of a posterior draw.
_INTERPOLATION_JITTER = 1e-8


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
    ) -> None:
        _check_int("n_starts", n_starts, 1)
        _check_int("max_fit_trials", max_fit_trials, 8)
        _check_int("n_hyper_draws", n_hyper_draws, 0)
        _check_int("n_extra_points", n_extra_points, 0)
        _check_int("max_trials", max_trials, 8)
        self.n_starts = n_starts
        self.max_fit_trials = max_fit_trials
        self.n_hyper_draws = n_hyper_draws
        self.n_extra_points = n_extra_points
        self.max_trials = max_trials

    def _params(self) -> dict[str, object]:
        return {
            "n_starts": self.n_starts,
            "max_fit_trials": self.max_fit_trials,
            "n_hyper_draws": self.n_hyper_draws,
            "n_extra_points": self.n_extra_points,
            "max_trials": self.max_trials,
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

    params: GPHyperparameters
    chol: NDArray[np.float64]
    alpha: NDArray[np.float64]

    @classmethod
    def condition(
        cls,
        x: NDArray[np.float64],
        z: NDArray[np.float64],
        categorical: NDArray[np.bool_],
        params: GPHyperparameters,
    ) -> _Posterior:
        k = kernel_matrix(x, x, params, categorical)
        k[np.diag_indices_from(k)] += params.noise_var
        chol = stable_cholesky(k)
        alpha = scipy.linalg.cho_solve((chol, True), z, check_finite=False)
        return cls(params, chol, alpha)


class FittedGaussianProcess(FittedSurrogate):
    """A GP conditioned on one scope's trials."""

    def __init__(
        self,
        config: GaussianProcessSurrogate,
        x: NDArray[np.float64],
        data: _Standardised,
        categorical: NDArray[np.bool_],
        params: GPHyperparameters,
    ) -> None:
        self._config = config
        self._x = x
        self._data = data
        self._categorical = categorical
        self._posterior = _Posterior.condition(x, data.z, categorical, params)

    @property
    def hyperparameters(self) -> GPHyperparameters:
        """The fitted hyperparameters (for standardised targets)."""
        return self._posterior.params

    @property
    def interval_kind(self) -> str:
        return "gp-posterior"

    def predict(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        component = _Component(self._posterior.params, self._x, self._posterior.alpha[None, :])
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
    ) -> GPHyperparameters:
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
        mean = _Component(self._posterior.params, self._x, self._posterior.alpha[None, :])
        components = [mean]
        hyper_sets = self._hyperparameter_draws(rng)
        per_set = np.diff(np.linspace(0, n_draws, len(hyper_sets) + 1).round().astype(int))
        basis = self._draw_basis(rng)
        for params, count in zip(hyper_sets, per_set, strict=True):
            if count > 0:
                components.append(self._posterior_component(params, basis, int(count), rng))
        return _GPDraws(components, self._categorical, self._data.mean, self._data.scale)

    def _hyperparameter_draws(self, rng: np.random.Generator) -> list[GPHyperparameters]:
        """The fitted hyperparameters and bootstrap re-estimates of them."""
        out = [self._posterior.params]
        rows = _fit_rows(self._x.shape[0], self._config.max_fit_trials, rng)
        for _ in range(self._config.n_hyper_draws):
            sample = rows[rng.integers(0, rows.shape[0], rows.shape[0])]
            out.append(self._warm_fit(self._x[sample], self._data.z[sample], rng))
        return out

    def _draw_basis(self, rng: np.random.Generator) -> NDArray[np.float64]:
        """Trials plus scrambled-Sobol points at which draws are tabulated; shape ``(T, d)``."""
        if self._config.n_extra_points == 0:
            return self._x
        d = self._x.shape[1]
        sobol = qmc.Sobol(d, scramble=True, seed=rng)
        m = 1 << int(np.ceil(np.log2(self._config.n_extra_points)))
        extra = sobol.random(m)[: self._config.n_extra_points]
        extra[:, self._categorical] = _snap_categorical(
            extra[:, self._categorical], self._x[:, self._categorical]
        )
        return np.vstack([self._x, extra])

    def _posterior_component(
        self,
        params: GPHyperparameters,
        basis: NDArray[np.float64],
        count: int,
        rng: np.random.Generator,
    ) -> _Component:
        """``count`` posterior draws under ``params``, as kernel interpolants on ``basis``."""
        posterior = _Posterior.condition(self._x, self._data.z, self._categorical, params)
        k_bx = kernel_matrix(basis, self._x, params, self._categorical)
        k_bb = kernel_matrix(basis, basis, params, self._categorical)
        mean = k_bx @ posterior.alpha
        v = scipy.linalg.solve_triangular(posterior.chol, k_bx.T, lower=True, check_finite=False)
        cov = k_bb - v.T @ v
        chol = stable_cholesky(0.5 * (cov + cov.T))
        values = mean[:, None] + chol @ rng.standard_normal((basis.shape[0], count))
        k_bb[np.diag_indices_from(k_bb)] += _INTERPOLATION_JITTER * params.signal_var
        weights = scipy.linalg.solve(k_bb, values, assume_a="pos", check_finite=False)
        return _Component(params, basis, weights.T)


def _snap_categorical(u: NDArray[np.float64], observed: NDArray[np.float64]) -> NDArray[np.float64]:
    """Move uniform points of categorical columns onto the observed choice codes."""
    out = u.copy()
    for j in range(u.shape[1]):
        codes = np.unique(observed[:, j])
        out[:, j] = codes[np.minimum((u[:, j] * codes.size).astype(int), codes.size - 1)]
    return out


@dataclass(frozen=True, eq=False)
class _Component:
    """Functions ``sum_t weights[r, t] * k(x, basis[t])`` of standardised targets.

    Attributes:
        params: Kernel hyperparameters.
        basis: Shape ``(T, d)``.
        weights: Shape ``(R, T)``.
    """

    params: GPHyperparameters
    basis: NDArray[np.float64]
    weights: NDArray[np.float64]

    def evaluate(
        self, x: NDArray[np.float64], categorical: NDArray[np.bool_]
    ) -> NDArray[np.float64]:
        """Shape ``(R, m)`` at ``x`` of shape ``(m, d)``, in standardised units."""
        out = np.empty((self.weights.shape[0], x.shape[0]))
        for start in range(0, x.shape[0], _PREDICT_BLOCK):
            block = x[start : start + _PREDICT_BLOCK]
            out[:, start : start + block.shape[0]] = self.weights @ kernel_matrix(
                self.basis, block, self.params, categorical
            )
        return out


class _GPDraws(FunctionDraws):
    """The posterior mean (draw 0) and posterior draws, in objective units."""

    def __init__(
        self,
        components: list[_Component],
        categorical: NDArray[np.bool_],
        mean: float,
        scale: float,
    ) -> None:
        self._components = components
        self._categorical = categorical
        self._mean = mean
        self._scale = scale
        self._n = int(sum(c.weights.shape[0] for c in components))

    @property
    def n_draws(self) -> int:
        return self._n

    def predict(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        rows = [c.evaluate(x, self._categorical) for c in self._components]
        return self._mean + self._scale * np.vstack(rows)

    def expansions(self, quadratures: Sequence[Quadrature]) -> Iterator[SeparableExpansion]:
        first = 0
        for c in self._components:
            count = c.weights.shape[0]
            yield KernelExpansion(
                offset=self._mean,
                weights=self._scale * c.params.signal_var * c.weights,
                draws=np.arange(first, first + count),
                basis=c.basis,
                lengthscales=c.params.lengthscales,
                categorical=self._categorical,
                quadratures=tuple(quadratures),
            )
            first += count


class KernelExpansion(SeparableExpansion):
    """Kernel interpolants ``sum_t w_rt prod_j m(|x_j - b_tj| / l_j)`` (unit signal variance).

    Integrals use the columns' quadrature rules, exact for discrete columns and
    accurate for the smooth Matérn factors on continuous ones.

    Args:
        offset: Constant added to every row.
        weights: Shape ``(R, T)``, signal variance included.
        draws: Shape ``(R,)``.
        basis: Kernel centres; shape ``(T, d)``.
        lengthscales: Shape ``(d,)``.
        categorical: Shape ``(d,)``.
        quadratures: One rule per column.
    """

    def __init__(
        self,
        *,
        offset: float,
        weights: NDArray[np.float64],
        draws: NDArray[np.int64],
        basis: NDArray[np.float64],
        lengthscales: NDArray[np.float64],
        categorical: NDArray[np.bool_],
        quadratures: tuple[Quadrature, ...],
    ) -> None:
        super().__init__(offset, weights, draws)
        self._basis = basis
        self._lengthscales = lengthscales
        self._categorical = categorical
        self._quadratures = quadratures
        self._tables = [self.column_values(j, q.points) for j, q in enumerate(quadratures)]

    def column_values(self, column: int, points: NDArray[np.float64]) -> NDArray[np.float64]:
        return factor_matrix(
            self._basis[:, column],
            np.asarray(points, dtype=float),
            float(self._lengthscales[column]),
            bool(self._categorical[column]),
        )

    def column_means(self) -> list[NDArray[np.float64]]:
        return [t @ q.weights for t, q in zip(self._tables, self._quadratures, strict=True)]

    def column_grams(self) -> list[NDArray[np.float64]]:
        return [(t * q.weights) @ t.T for t, q in zip(self._tables, self._quadratures, strict=True)]
