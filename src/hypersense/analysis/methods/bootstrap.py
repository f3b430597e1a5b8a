"""Intervals from draws: percentile intervals and the indices they summarise.

Every importance method produces the same thing: per draw of the surrogate
(draw 0 the point estimate, the others bootstrap refits or posterior draws),
fractions of variance per parameter and the effect its normalised importance
is built from. The interval of a quantity is the central ``confidence`` range
of its values over draws 1..n, so it reflects the surrogate's uncertainty as
the draws carry it, not the spread of one fitted model's parts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["DrawIndices", "normalise", "percentile_interval", "resample_rows"]


@dataclass(frozen=True, eq=False)
class DrawIndices:
    """Indices of one method over the draws of a surrogate; row 0 is the point estimate.

    Attributes:
        basis: Shape ``(S, d)``; the non-negative effect the normalised
            importance is the share of (main effects or total effects).
        main: Shape ``(S, d)``; first-order indices (fractions of variance), or None.
        total: Shape ``(S, d)``; total-effect indices, or None.
        pair: Shape ``(S, d, d)``; pure pairwise interaction indices, or None.
        interval: How the draws were made: ``"bootstrap"`` or ``"gp-posterior"``.
    """

    basis: NDArray[np.float64]
    main: NDArray[np.float64] | None
    total: NDArray[np.float64] | None
    pair: NDArray[np.float64] | None
    interval: str

    @property
    def n_draws(self) -> int:
        """Number of draws, the point estimate included."""
        return int(self.basis.shape[0])


def normalise(effects: NDArray[np.float64]) -> NDArray[np.float64]:
    """Each row of non-negative ``effects`` (shape ``(S, d)``) divided by its sum;
    a row summing to 0 (a constant surrogate) stays 0."""
    clipped = np.maximum(effects, 0.0)
    sums = clipped.sum(axis=1, keepdims=True)
    out: NDArray[np.float64] = np.divide(clipped, sums, out=np.zeros_like(clipped), where=sums > 0)
    return out


def percentile_interval(
    draws: NDArray[np.float64], confidence: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Central interval over axis 0 of ``draws`` (shape ``(S, ...)``); NaN when
    there are no draws."""
    if draws.shape[0] == 0:
        nan = np.full(draws.shape[1:], np.nan)
        return nan, nan.copy()
    tail = 100.0 * (1.0 - confidence) / 2.0
    low, high = np.percentile(draws, [tail, 100.0 - tail], axis=0)
    return np.asarray(low, dtype=float), np.asarray(high, dtype=float)


def resample_rows(n: int, rng: np.random.Generator) -> NDArray[np.int64]:
    """Indices of ``n`` rows drawn with replacement; shape ``(n,)``."""
    out: NDArray[np.int64] = rng.integers(0, n, n)
    return out
