"""Exact functional ANOVA of separable expansions: the numerical core.

For ``f(x) = sum_t w_t prod_j phi_tj(x_j)`` with independent inputs, every
variance of a conditional expectation factorises. With ``c_tj = E[phi_tj]`` and
``Q_j[t, t'] = E[phi_tj phi_t'j]`` (one-dimensional integrals):

* mean ``mu = sum_t w_t prod_j c_tj``;
* the *closed* variance of a set ``u`` of columns,
  ``Var(E[f | x_u]) = w^T (prod_{j in u} Q_j * prod_{j not in u} c_j c_j^T) w - mu^2``
  (products elementwise);
* main effect ``V_j`` = closed variance of ``{j}``; pure pair interaction
  ``V_jk`` = closed ``{j, k}`` minus ``V_j`` and ``V_k``; total effect
  ``VT_j = V - Var(E[f | x_{-j}])``; ``V`` = closed variance of all columns.

This is the decomposition of Hooker (2007) and Hutter et al. (2014), computed
here in closed form instead of by enumerating tree partitions or sampling.
All functions are pure and take arrays; shapes are in the docstrings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hypersense.analysis.surrogates.base import SeparableExpansion

__all__ = [
    "VarianceComponents",
    "decompose",
    "decompose_rows",
    "fraction_of_variance",
    "main_effect_curves",
    "pair_effect_surfaces",
]


@dataclass(frozen=True, eq=False)
class VarianceComponents:
    """Variance decomposition of R functions (rows) over d columns.

    Attributes:
        mean: Shape ``(R,)``; the functions' means over the space.
        variance: Shape ``(R,)``; their total variances ``V``.
        main: Shape ``(R, d)``; main-effect variances ``V_j``.
        total: Shape ``(R, d)``; total-effect variances ``VT_j``.
        pair: Shape ``(R, d, d)``, symmetric with zero diagonal; pure pairwise
            interaction variances ``V_jk``; None when not computed.
    """

    mean: NDArray[np.float64]
    variance: NDArray[np.float64]
    main: NDArray[np.float64]
    total: NDArray[np.float64]
    pair: NDArray[np.float64] | None


def _quadratic(w: NDArray[np.float64], m: NDArray[np.float64]) -> NDArray[np.float64]:
    """Row-wise ``w_r^T m w_r``; ``w`` shape ``(R, T)``, ``m`` shape ``(T, T)``."""
    out: NDArray[np.float64] = np.einsum("rt,rt->r", w @ m, w)
    return out


def _product_except(arrays: Sequence[NDArray[np.float64]], skip: set[int]) -> NDArray[np.float64]:
    """Elementwise product of ``arrays`` except those at indices ``skip``."""
    out = np.ones_like(arrays[0])
    for j, a in enumerate(arrays):
        if j not in skip:
            out = out * a
    return out


def _leave_one_out(arrays: Sequence[NDArray[np.float64]]) -> list[NDArray[np.float64]]:
    """For each ``j``, the elementwise product of all arrays but ``arrays[j]``, from
    prefix and suffix products (``3 d`` multiplications instead of ``d^2``), in
    place where possible (these run once per tree of a forest)."""
    out = [np.ones_like(arrays[0])]
    for a in arrays[:-1]:
        out.append(out[-1] * a)
    suffix = np.ones_like(arrays[0])
    for j in range(len(arrays) - 1, -1, -1):
        out[j] *= suffix
        suffix *= arrays[j]
    return out


def decompose_rows(
    weights: NDArray[np.float64],
    means: Sequence[NDArray[np.float64]],
    grams: Sequence[NDArray[np.float64]],
    *,
    pairs: bool,
) -> VarianceComponents:
    """Decompose each row of one expansion.

    Args:
        weights: Shape ``(R, T)``.
        means: Per column, ``c_j`` of shape ``(T,)``.
        grams: Per column, ``Q_j`` of shape ``(T, T)``.
        pairs: Whether to compute pairwise interactions (``d (d - 1) / 2``
            extra quadratic forms).
    """
    d = len(means)
    mu = weights @ _product_except(means, set())
    mu2 = mu * mu
    all_grams = _product_except(grams, set())
    # Dividing out one Gram is d times cheaper than re-multiplying the others;
    # kernel Grams are positive, tree Grams (interval overlaps) may be zero.
    can_divide = all(float(np.min(g)) > 1e-200 for g in grams)
    without = None if can_divide else _leave_one_out(grams)
    variance = _quadratic(weights, all_grams) - mu2
    main = np.empty((weights.shape[0], d))
    total = np.empty((weights.shape[0], d))
    for j in range(d):
        w_j = weights * _product_except(means, {j})
        main[:, j] = _quadratic(w_j, grams[j]) - mu2
        others = all_grams / grams[j] if without is None else without[j]
        closed_without_j = _quadratic(weights * means[j], others) - mu2
        total[:, j] = variance - closed_without_j
    pair = None
    if pairs:
        pair = np.zeros((weights.shape[0], d, d))
        for j in range(d):
            for k in range(j + 1, d):
                w_jk = weights * _product_except(means, {j, k})
                closed = _quadratic(w_jk, grams[j] * grams[k]) - mu2
                pair[:, j, k] = pair[:, k, j] = closed - main[:, j] - main[:, k]
    return VarianceComponents(mu, variance, main, total, pair)


def decompose(
    expansions: Iterable[SeparableExpansion], n_draws: int, *, pairs: bool
) -> VarianceComponents:
    """Decompose every draw; a draw spread over several rows is their average
    (the mean over a forest's trees of each tree's decomposition).

    Args:
        expansions: From :meth:`FunctionDraws.expansions`.
        n_draws: Number of draws; every draw must have at least one row.
        pairs: Whether to compute pairwise interactions.
    """
    sums: dict[str, NDArray[np.float64]] = {}
    counts = np.zeros(n_draws)
    for expansion in expansions:
        rows = decompose_rows(
            expansion.weights, expansion.column_means(), expansion.column_grams(), pairs=pairs
        )
        parts = {
            "mean": rows.mean + expansion.offset,
            "variance": rows.variance,
            "main": rows.main,
            "total": rows.total,
        }
        if rows.pair is not None:
            parts["pair"] = rows.pair
        for key, value in parts.items():
            acc = sums.setdefault(key, np.zeros((n_draws, *value.shape[1:])))
            np.add.at(acc, expansion.draws, value)
        np.add.at(counts, expansion.draws, 1.0)
    if np.any(counts == 0):
        raise ValueError("every draw needs at least one expansion row")

    def average(key: str) -> NDArray[np.float64]:
        value = sums[key]
        out: NDArray[np.float64] = value / counts.reshape((-1,) + (1,) * (value.ndim - 1))
        return out

    return VarianceComponents(
        mean=average("mean"),
        variance=average("variance"),
        main=average("main"),
        total=average("total"),
        pair=average("pair") if pairs else None,
    )


def fraction_of_variance(
    effects: NDArray[np.float64], variance: NDArray[np.float64]
) -> NDArray[np.float64]:
    """``effects`` (shape ``(S, ...)``) divided by each draw's ``variance`` (``(S,)``);
    0 where the variance is not positive (a constant surrogate)."""
    scale = variance.reshape((-1,) + (1,) * (effects.ndim - 1))
    out: NDArray[np.float64] = np.divide(
        effects, scale, out=np.zeros_like(effects), where=scale > 0
    )
    return out


def main_effect_curves(
    expansions: Iterable[SeparableExpansion],
    n_draws: int,
    column: int,
    points: NDArray[np.float64],
) -> NDArray[np.float64]:
    """``E[f | x_column = t]`` at ``points`` (shape ``(G,)``) for every draw; shape
    ``(n_draws, G)``. The offset is included: values are in objective units."""
    sums = np.zeros((n_draws, points.shape[0]))
    counts = np.zeros(n_draws)
    for e in expansions:
        w = e.weights * _product_except(e.column_means(), {column})
        np.add.at(sums, e.draws, w @ e.column_values(column, points) + e.offset)
        np.add.at(counts, e.draws, 1.0)
    out: NDArray[np.float64] = sums / counts[:, None]
    return out


def pair_effect_surfaces(
    expansions: Iterable[SeparableExpansion],
    n_draws: int,
    columns: tuple[int, int],
    points: tuple[NDArray[np.float64], NDArray[np.float64]],
) -> NDArray[np.float64]:
    """``E[f | x_a = s, x_b = t]`` on the grid ``points[0] x points[1]`` for every
    draw; shape ``(n_draws, G_a, G_b)``, offset included."""
    a, b = columns
    sums = np.zeros((n_draws, points[0].shape[0], points[1].shape[0]))
    counts = np.zeros(n_draws)
    for e in expansions:
        w = e.weights * _product_except(e.column_means(), {a, b})
        values_a = e.column_values(a, points[0])
        values_b = e.column_values(b, points[1])
        surface = np.einsum("rt,tg,th->rgh", w, values_a, values_b, optimize=True)
        np.add.at(sums, e.draws, surface + e.offset)
        np.add.at(counts, e.draws, 1.0)
    out: NDArray[np.float64] = sums / counts[:, None, None]
    return out
