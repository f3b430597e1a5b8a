"""Choosing a surrogate per study by K-fold cross-validation.

The cross-validated R² is reported with every importance: it says how much of
the objective's variance the surrogate predicts on trials it has not seen, and
so how much the importances computed on it can mean. The out-of-fold residuals
of the chosen surrogate are kept too: they measure its misfit along each
parameter, which the intervals include (:mod:`..methods.misfit`).

Candidates are compared with the one-standard-error rule (Breiman et al., 1984;
Hastie et al., *Elements of Statistical Learning*, §7.10): the first candidate,
in the order given, whose out-of-fold squared error is within one standard
error of the best one's is chosen. On a few dozen trials the R² of a Gaussian
process and of a forest often differ by less than their noise; picking the
nominal winner then swaps a surrogate whose intervals carry its uncertainty
(``"auto"`` lists the GP first) for one that won a coin toss. The standard
error is that of the mean paired difference of squared errors, trial by trial.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hypersense.analysis.surrogates.base import FittedSurrogate, Surrogate
from hypersense.analysis.surrogates.threads import single_threaded_blas

__all__ = [
    "SurrogateChoice",
    "choice_reason",
    "cross_validated_r2",
    "out_of_fold_predictions",
    "r2_score",
    "select_surrogate",
]

_log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class SurrogateChoice:
    """The chosen surrogate, fitted on all rows, and every candidate's score.

    Attributes:
        name: The chosen surrogate's name.
        fitted: It, fitted on all rows.
        r2: Its cross-validated R².
        scores: Cross-validated R² of each candidate by name.
        residuals: Its out-of-fold residuals ``y - y_hat`` (shape ``(n,)``),
            each from a model fitted without that trial's fold; None when
            not cross-validated.
        reason: Why it was chosen, in one sentence for the reader.
        columns: The parameter of each encoded column the model was fitted
            on, when the caller recorded them (so that another computation on
            the same trials can reuse this fit).
    """

    name: str
    fitted: FittedSurrogate
    r2: float
    scores: Mapping[str, float]
    residuals: NDArray[np.float64] | None = None
    reason: str = ""
    columns: tuple[str, ...] = ()


def out_of_fold_predictions(
    fitted: FittedSurrogate,
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    rng: np.random.Generator,
    *,
    n_folds: int,
) -> NDArray[np.float64]:
    """Each row predicted by ``fitted.refit`` on the other folds; shape ``(n,)``.

    Args:
        fitted: The model fitted on all rows (a warm start for the folds).
        x: Shape ``(n, d)``.
        y: Shape ``(n,)``.
        rng: Shuffles rows into folds and seeds the refits.
        n_folds: Number of folds (at most ``n``).
    """
    n = y.shape[0]
    k = min(n_folds, n)
    fold_of = np.empty(n, dtype=int)
    fold_of[rng.permutation(n)] = np.arange(n) % k
    predicted = np.empty(n)
    for fold in range(k):
        test = fold_of == fold
        model = fitted.refit(x[~test], y[~test], rng)
        predicted[test] = model.predict(x[test])
    return predicted


def r2_score(y: NDArray[np.float64], predicted: NDArray[np.float64]) -> float:
    """``1 - sum (y - predicted)^2 / sum (y - mean y)^2``; 0 when ``y`` is constant."""
    total = float(np.sum((y - np.mean(y)) ** 2))
    if y.shape[0] < 2 or total <= 0.0:
        return 0.0
    return 1.0 - float(np.sum((y - predicted) ** 2)) / total


def cross_validated_r2(
    fitted: FittedSurrogate,
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    rng: np.random.Generator,
    *,
    n_folds: int,
) -> float:
    """Pooled out-of-fold R² (see :func:`out_of_fold_predictions`, :func:`r2_score`).

    It can be negative (worse than predicting the mean); it is 0 when ``y`` is
    constant or has fewer than two rows.
    """
    if y.shape[0] < 2 or float(np.var(y)) <= 0.0:
        return 0.0
    return r2_score(y, out_of_fold_predictions(fitted, x, y, rng, n_folds=n_folds))


def _within_one_standard_error(
    errors: NDArray[np.float64], best_errors: NDArray[np.float64]
) -> bool:
    """Whether squared errors ``errors`` (shape ``(n,)``) are within one standard
    error of ``best_errors`` (paired, trial by trial)."""
    diff = errors - best_errors
    excess = float(np.mean(diff))
    if excess <= 0.0:
        return True
    n = diff.shape[0]
    if n < 2:
        return False
    return excess <= float(np.std(diff, ddof=1)) / float(np.sqrt(n))


def select_surrogate(
    candidates: Sequence[Surrogate],
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    categorical: NDArray[np.bool_],
    rng: np.random.Generator,
    *,
    n_folds: int,
) -> SurrogateChoice:
    """Fit and cross-validate every candidate; keep the first within one standard
    error of the best (see the module docstring). With one candidate its R² and
    residuals are still computed and reported."""
    if not candidates:
        raise ValueError("`candidates` must name at least one surrogate")
    fitted: list[FittedSurrogate] = []
    predictions: list[NDArray[np.float64]] = []
    scores: dict[str, float] = {}
    with single_threaded_blas():
        for surrogate in candidates:
            model = surrogate.fit(x, y, categorical, rng)
            predicted = out_of_fold_predictions(model, x, y, rng, n_folds=n_folds)
            fitted.append(model)
            predictions.append(predicted)
            scores[surrogate.name] = r2_score(y, predicted)
            _log.debug(
                "surrogate %s: cross-validated R2 %.3f", surrogate.name, scores[surrogate.name]
            )
    errors = [(y - p) ** 2 for p in predictions]
    best = int(np.argmin([float(np.mean(e)) for e in errors]))
    chosen = next(
        i for i in range(len(candidates)) if _within_one_standard_error(errors[i], errors[best])
    )
    if chosen != best:
        _log.debug(
            "surrogate %s is within one standard error of %s; keeping the earlier candidate",
            candidates[chosen].name,
            candidates[best].name,
        )
    name = candidates[chosen].name
    return SurrogateChoice(
        name=name,
        fitted=fitted[chosen],
        r2=r2_score(y, predictions[chosen]),
        scores=scores,
        residuals=y - predictions[chosen],
        reason=choice_reason(name, candidates[best].name, scores),
    )


def choice_reason(chosen: str, best: str, scores: Mapping[str, float]) -> str:
    """Why ``chosen`` was kept among candidates scored ``scores`` (R² by name),
    ``best`` having the smallest out-of-fold error; one sentence."""
    if len(scores) == 1:
        return f"{chosen} is the only surrogate asked for"
    others = ", ".join(f"{k} {v:.2f}" for k, v in scores.items() if k != chosen)
    if chosen == best:
        return f"{chosen} has the best cross-validated R² ({scores[chosen]:.2f}; {others})"
    why = (
        f"{chosen} (R² {scores[chosen]:.2f}) is kept although {best} fits a little better "
        f"out of sample (R² {scores[best]:.2f}): the gap is within one standard error of the "
        f"paired out-of-fold errors, and the one-standard-error rule keeps the first candidate"
    )
    if chosen == "gp":
        why += ", the Gaussian process, whose intervals carry its own uncertainty"
    return why
