"""Choosing a surrogate per study by K-fold cross-validated R².

The R² is reported with every importance: it says how much of the objective's
variance the surrogate predicts on trials it has not seen, and so how much the
importances computed on it can mean.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hypersense.analysis.surrogates.base import FittedSurrogate, Surrogate

__all__ = ["SurrogateChoice", "cross_validated_r2", "select_surrogate"]

_log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class SurrogateChoice:
    """The chosen surrogate, fitted on all rows, and every candidate's score.

    Attributes:
        name: The chosen surrogate's name.
        fitted: It, fitted on all rows.
        r2: Its cross-validated R².
        scores: Cross-validated R² of each candidate by name.
    """

    name: str
    fitted: FittedSurrogate
    r2: float
    scores: Mapping[str, float]


def cross_validated_r2(
    fitted: FittedSurrogate,
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    rng: np.random.Generator,
    *,
    n_folds: int,
) -> float:
    """Pooled out-of-fold R²: ``1 - sum (y - y_hat)^2 / sum (y - mean y)^2``.

    Each fold's model is ``fitted.refit`` on the other folds. The result can be
    negative (worse than predicting the mean); it is 0 when ``y`` is constant.

    Args:
        fitted: The model fitted on all rows (a warm start for the folds).
        x: Shape ``(n, d)``.
        y: Shape ``(n,)``.
        rng: Shuffles rows into folds and seeds the refits.
        n_folds: Number of folds (at most ``n``).
    """
    n = y.shape[0]
    total = float(np.sum((y - np.mean(y)) ** 2))
    if n < 2 or total <= 0.0:
        return 0.0
    k = min(n_folds, n)
    fold_of = np.empty(n, dtype=int)
    fold_of[rng.permutation(n)] = np.arange(n) % k
    predicted = np.empty(n)
    for fold in range(k):
        test = fold_of == fold
        model = fitted.refit(x[~test], y[~test], rng)
        predicted[test] = model.predict(x[test])
    return 1.0 - float(np.sum((y - predicted) ** 2)) / total


def select_surrogate(
    candidates: Sequence[Surrogate],
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    categorical: NDArray[np.bool_],
    rng: np.random.Generator,
    *,
    n_folds: int,
) -> SurrogateChoice:
    """Fit every candidate and keep the best by cross-validated R² (the first
    on ties). With one candidate its R² is still computed and reported."""
    best: SurrogateChoice | None = None
    scores: dict[str, float] = {}
    for surrogate in candidates:
        fitted = surrogate.fit(x, y, categorical, rng)
        r2 = cross_validated_r2(fitted, x, y, rng, n_folds=n_folds)
        scores[surrogate.name] = r2
        _log.debug("surrogate %s: cross-validated R2 %.3f", surrogate.name, r2)
        if best is None or r2 > best.r2:
            best = SurrogateChoice(surrogate.name, fitted, r2, scores)
    if best is None:
        raise ValueError("`candidates` must name at least one surrogate")
    return SurrogateChoice(best.name, best.fitted, best.r2, dict(scores))
