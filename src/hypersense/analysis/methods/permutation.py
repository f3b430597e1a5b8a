"""Permutation importance: a cheap estimate of total effects for large studies.

Shuffling column ``j`` of held-out trials replaces ``x_j`` by an independent
draw from its marginal, and for independent inputs
``E[(f(x) - f(x with x_j redrawn))^2] = 2 VT_j`` (Jansen's identity), so the
rise of the held-out squared error is about twice the total effect of ``j``.
It needs only predictions, no decomposition, so it scales to studies too large
for a Gaussian process. The point estimate is cross-fitted (each fold scored by
a model that did not see it); each interval draw refits on trials resampled
with replacement and scores the trials left out of the resample.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from hypersense.analysis.base import ImportanceEvaluator, SurrogateSpec
from hypersense.analysis.data import Design
from hypersense.analysis.methods.bootstrap import DrawIndices, resample_rows
from hypersense.analysis.surrogates.selection import SurrogateChoice

__all__ = ["PermutationImportanceEvaluator", "permutation_total_effects"]

Predictor = Callable[[NDArray[np.float64]], NDArray[np.float64]]


def permutation_total_effects(
    predict: Predictor,
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    rng: np.random.Generator,
    *,
    n_repeats: int,
) -> NDArray[np.float64]:
    """Total-effect fractions from the rise of squared error under shuffling.

    Args:
        predict: A model fitted on other rows.
        x: Held-out inputs; shape ``(m, d)``.
        y: Held-out values; shape ``(m,)``.
        rng: Draws the permutations.
        n_repeats: Shuffles per column, averaged.

    Returns:
        Shape ``(d,)``: ``(MSE_shuffled - MSE) / (2 Var(predict(x)))``, the
        estimated total-effect index of each column (0 for a constant model).
    """
    m, d = x.shape
    base_pred = predict(x)
    base = float(np.mean((y - base_pred) ** 2))
    scale = 2.0 * float(np.var(base_pred))
    shuffled = np.repeat(x[None, :, :], d * n_repeats, axis=0)
    for j in range(d):
        for r in range(n_repeats):
            shuffled[j * n_repeats + r, :, j] = x[rng.permutation(m), j]
    errors = (predict(shuffled.reshape(-1, d)).reshape(d, n_repeats, m) - y) ** 2
    rise = errors.mean(axis=(1, 2)) - base
    if scale <= 0.0:
        return np.zeros(d)
    out: NDArray[np.float64] = rise / scale
    return out


class PermutationImportanceEvaluator(ImportanceEvaluator):
    """Permutation importance on held-out trials (total effects, no pairs).

    Args:
        n_repeats: Shuffles per parameter and evaluation.
        max_eval_trials: Held-out trials scored per evaluation, at most (a random
            subset beyond that), which bounds the cost on very large studies.
        surrogate: See :class:`~hypersense.analysis.base.ImportanceEvaluator`;
            a random forest by default, cheap on large studies.
        n_bootstrap: Resample-and-refit draws behind each interval.
        confidence: Nominal coverage of the intervals.
        top_quantile: Cap values worse than this quantile ("where it matters").
        n_folds: Folds of the cross-validation and of the cross-fitted estimate.
        min_trials: Scopes with fewer trials are skipped.
        seed: Seed of every random choice.
    """

    method = "permutation"

    def __init__(
        self,
        *,
        n_repeats: int = 3,
        max_eval_trials: int = 2000,
        surrogate: SurrogateSpec = "rf",
        n_bootstrap: int = 20,
        confidence: float = 0.95,
        top_quantile: float | None = None,
        n_folds: int = 5,
        min_trials: int = 10,
        seed: int | None = None,
    ) -> None:
        for arg, value in (("n_repeats", n_repeats), ("max_eval_trials", max_eval_trials)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"`{arg}` must be an integer >= 1 (got {value!r})")
        super().__init__(
            surrogate=surrogate,
            n_bootstrap=n_bootstrap,
            confidence=confidence,
            top_quantile=top_quantile,
            n_folds=n_folds,
            min_trials=min_trials,
            seed=seed,
        )
        self.n_repeats = n_repeats
        self.max_eval_trials = max_eval_trials

    def _options(self) -> dict[str, object]:
        return {
            "n_repeats": self.n_repeats,
            "max_eval_trials": self.max_eval_trials,
            **super()._options(),
        }

    def _score(
        self,
        choice: SurrogateChoice,
        design: Design,
        train: NDArray[np.int64],
        test: NDArray[np.int64],
        rng: np.random.Generator,
    ) -> NDArray[np.float64]:
        if test.shape[0] > self.max_eval_trials:
            test = rng.choice(test, size=self.max_eval_trials, replace=False)
        model = choice.fitted.refit(design.x[train], design.y[train], rng)
        return permutation_total_effects(
            model.predict, design.x[test], design.y[test], rng, n_repeats=self.n_repeats
        )

    def _estimate(
        self, choice: SurrogateChoice, design: Design, rng: np.random.Generator
    ) -> DrawIndices:
        n = design.n_trials
        k = min(self.n_folds, n)
        fold_of = np.empty(n, dtype=int)
        fold_of[rng.permutation(n)] = np.arange(n) % k
        rows = np.arange(n)
        folds = [
            self._score(choice, design, rows[fold_of != f], rows[fold_of == f], rng)
            for f in range(k)
        ]
        draws = [np.mean(folds, axis=0)]
        for _ in range(self.n_bootstrap):
            in_bag = resample_rows(n, rng)
            out_of_bag = np.setdiff1d(rows, in_bag)
            if out_of_bag.shape[0] < 2:
                continue
            draws.append(self._score(choice, design, in_bag, out_of_bag, rng))
        total = np.array(draws)
        return DrawIndices(
            basis=np.maximum(total, 0.0), main=None, total=total, pair=None, interval="bootstrap"
        )
