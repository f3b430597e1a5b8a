"""Posterior function draws of the product-Matérn GP, as separable kernel expansions.

A draw under one set of hyperparameters is the posterior mean, represented
exactly by its weights on the trials, plus a posterior *deviation* tabulated
at a set of points (the trials, or a random subset of them on large studies,
and space-filling extra points) and represented as the kernel interpolant
through those values. Both parts are sums of kernel bumps, so every draw is a
:class:`KernelExpansion` whose variance decomposes exactly.

Tabulating the deviation at a subset of the trials bounds the cost on large
studies (the posterior covariance at ``m`` points given ``n`` trials costs
``n^2 m``); with many trials the deviation is small everywhere and smooth on
the scale of the length scales, so a subset resolves it. All functions are
pure and take arrays; shapes are in the docstrings.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.stats import qmc

from hypersense.analysis.quadrature import Quadrature
from hypersense.analysis.surrogates.base import FunctionDraws, SeparableExpansion
from hypersense.gp.kernels import KernelParams, factor_matrix, product_kernel_matrix
from hypersense.gp.linalg import cho_solve, cholesky_with_jitter, posterior_covariance

__all__ = [
    "GPDraws",
    "KernelComponent",
    "KernelExpansion",
    "extra_points",
    "posterior_draws",
]

# Rows of x predicted at once, so a (rows, basis) kernel block stays small.
_PREDICT_BLOCK = 2048
# Relative jitter of the interpolation system of a posterior deviation.
_INTERPOLATION_JITTER = 1e-8


@dataclass(frozen=True, eq=False)
class KernelComponent:
    """Functions ``sum_t weights[r, t] * k(x, basis[t])`` of standardised targets.

    Attributes:
        params: Kernel hyperparameters.
        basis: Shape ``(T, d)``.
        weights: Shape ``(R, T)``.
    """

    params: KernelParams
    basis: NDArray[np.float64]
    weights: NDArray[np.float64]

    def evaluate(
        self, x: NDArray[np.float64], categorical: NDArray[np.bool_]
    ) -> NDArray[np.float64]:
        """Shape ``(R, m)`` at ``x`` of shape ``(m, d)``, in standardised units."""
        out = np.empty((self.weights.shape[0], x.shape[0]))
        for start in range(0, x.shape[0], _PREDICT_BLOCK):
            block = x[start : start + _PREDICT_BLOCK]
            out[:, start : start + block.shape[0]] = self.weights @ product_kernel_matrix(
                self.basis, block, self.params, categorical
            )
        return out


def extra_points(
    x: NDArray[np.float64],
    categorical: NDArray[np.bool_],
    n_points: int,
    rng: np.random.Generator,
) -> NDArray[np.float64]:
    """Scrambled-Sobol points of the unit cube, categorical columns snapped onto
    the choice codes seen in ``x`` (shape ``(n, d)``); shape ``(n_points, d)``."""
    d = x.shape[1]
    if n_points == 0:
        return np.empty((0, d))
    sobol = qmc.Sobol(d, scramble=True, seed=rng)
    m = 1 << int(np.ceil(np.log2(n_points)))
    out: NDArray[np.float64] = sobol.random(m)[:n_points]
    for j in np.flatnonzero(categorical):
        codes = np.unique(x[:, j])
        out[:, j] = codes[np.minimum((out[:, j] * codes.size).astype(int), codes.size - 1)]
    return out


def posterior_draws(
    x: NDArray[np.float64],
    z: NDArray[np.float64],
    categorical: NDArray[np.bool_],
    params: KernelParams,
    *,
    extra: NDArray[np.float64],
    tabulated: NDArray[np.int64],
    n_draws: int,
    rng: np.random.Generator,
    conditioned: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None,
) -> KernelComponent:
    """``n_draws`` posterior functions under ``params``, on the basis ``[x; extra]``.

    Args:
        x: Trials; shape ``(n, d)``.
        z: Standardised targets; shape ``(n,)``.
        categorical: Shape ``(d,)``.
        params: Hyperparameters of this component.
        extra: Extra points where deviations are tabulated; shape ``(e, d)``.
        tabulated: Indices of the trials where deviations are tabulated; shape ``(s,)``.
        n_draws: Number of functions.
        rng: Draws the deviations.
        conditioned: The Cholesky factor of the noisy kernel matrix of ``x``
            and the weights ``alpha`` of the posterior mean, when already
            computed for ``params``.

    Returns:
        Weights of shape ``(n_draws, n + e)``: the posterior mean's weights on
        every trial plus each deviation's interpolation weights.
    """
    n = x.shape[0]
    if conditioned is None:
        k_xx = product_kernel_matrix(x, x, params, categorical)
        k_xx[np.diag_indices_from(k_xx)] += params.noise_var
        chol_x = cholesky_with_jitter(k_xx)
        alpha = cho_solve(chol_x, z)
        k_xx[np.diag_indices_from(k_xx)] -= params.noise_var
        k_tx = k_xx[tabulated]
    else:
        chol_x, alpha = conditioned
        k_tx = product_kernel_matrix(x[tabulated], x, params, categorical)
    # Points D where deviations are tabulated: the chosen trials, then the extras.
    points = np.vstack([x[tabulated], extra])
    k_dx = np.vstack([k_tx, product_kernel_matrix(extra, x, params, categorical)])
    k_dd = product_kernel_matrix(points, points, params, categorical)
    cov = posterior_covariance(k_dx, k_dd, chol_x)
    deviation = cholesky_with_jitter(cov) @ rng.standard_normal((k_dd.shape[0], n_draws))
    k_dd[np.diag_indices_from(k_dd)] += _INTERPOLATION_JITTER * params.signal_var
    interp = cho_solve(cholesky_with_jitter(k_dd), deviation).T
    weights = np.zeros((n_draws, n + extra.shape[0]))
    weights[:, :n] = alpha
    weights[:, tabulated] += interp[:, : tabulated.shape[0]]
    weights[:, n:] += interp[:, tabulated.shape[0] :]
    return KernelComponent(params, np.vstack([x, extra]), weights)


class GPDraws(FunctionDraws):
    """The posterior mean (draw 0) and posterior draws, in objective units."""

    def __init__(
        self,
        components: list[KernelComponent],
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
    """Kernel sums ``sum_t w_rt prod_j m(|x_j - b_tj| / l_j)`` (unit signal variance).

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
