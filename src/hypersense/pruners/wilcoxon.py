"""Pruning by a paired signed-rank test against the best trial, instance by instance."""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np
from scipy import stats

from hypersense.direction import StudyDirection
from hypersense.history import StudyHistory
from hypersense.pruners.base import PruneDecision, Pruner
from hypersense.pruners.options import check_int, check_probability, only_direction
from hypersense.trial.frozen import FrozenTrial

__all__ = ["WilcoxonPruner"]


class WilcoxonPruner(Pruner):
    """Prunes a trial that a one-sided Wilcoxon signed-rank test finds worse
    than the best COMPLETE trial on the instances both evaluated.

    Here a "step" is an *instance*: a cross-validation fold, a seed, a data
    shard, a problem of a benchmark. The objective reports the score of
    instance ``i`` as ``trial.report(score, step=i)``, in any order (a trial
    may shuffle its instances), and returns the mean over instances. Pairs are
    formed by instance id, so the orders need not match across trials;
    instances only one of the two trials has, and non-finite scores, are left
    out. With ``n`` pairs the smallest p-value the test can give is
    ``2**-n``: while it is not below ``p_threshold`` (4 pairs for 0.1) no
    trial is pruned, whatever its scores. A trial whose mean over the pairs is
    at least as good as the best trial's is never pruned, whatever the test
    says (the signed-rank test compares medians of differences, not means).

    Assumes:
        The objective is the mean of per-instance scores of a single
        objective; the same instance id means the same instance in every
        trial; the best trial reported its instances.

    Args:
        p_threshold: Prune when the test's p-value is below this, in (0, 1).
        n_startup_steps: No pruning before this many paired instances (>= 0).
    """

    supports_multi_objective: ClassVar[bool] = False

    def __init__(self, *, p_threshold: float = 0.1, n_startup_steps: int = 2) -> None:
        self._p_threshold = check_probability("p_threshold", p_threshold)
        self._n_startup_steps = check_int("n_startup_steps", n_startup_steps, minimum=0)

    def decide(self, history: StudyHistory, trial: FrozenTrial) -> PruneDecision:
        maximize = only_direction(self, history) is StudyDirection.MAXIMIZE
        if not trial.intermediate_values:
            return PruneDecision.CONTINUE
        best = _best_trial(history, maximize=maximize, excluding=trial.number)
        if best is None:
            return PruneDecision.CONTINUE
        own, theirs = paired_losses(trial, best, maximize=maximize)
        n = own.size
        if n < self._n_startup_steps or 2.0**-n >= self._p_threshold:
            return PruneDecision.CONTINUE  # too few instances to ever be significant
        if own.mean() <= theirs.mean():
            return PruneDecision.CONTINUE
        p = worse_p_value(own - theirs)
        return PruneDecision.PRUNE if p < self._p_threshold else PruneDecision.CONTINUE


def _best_trial(history: StudyHistory, *, maximize: bool, excluding: int) -> FrozenTrial | None:
    """The COMPLETE trial with the best value (lowest number on ties) that
    reported intermediate values, or None."""
    sign = -1.0 if maximize else 1.0
    best: tuple[float, int, FrozenTrial] | None = None
    for t in history.completed():  # COMPLETE with finite values
        if t.values is None or not t.intermediate_values or t.number == excluding:
            continue
        key = (sign * t.values[0], t.number, t)
        if best is None or key[:2] < best[:2]:
            best = key
    return None if best is None else best[2]


def paired_losses(
    trial: FrozenTrial, other: FrozenTrial, *, maximize: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Losses of both trials on the instances both reported with finite values,
    in instance order; two arrays of shape ``(n,)``."""
    shared = sorted(set(trial.intermediate_values) & set(other.intermediate_values))
    pairs = [(trial.intermediate_values[i], other.intermediate_values[i]) for i in shared]
    finite = [(a, b) for a, b in pairs if math.isfinite(a) and math.isfinite(b)]
    sign = -1.0 if maximize else 1.0
    own = np.array([sign * a for a, _ in finite], dtype=float)
    theirs = np.array([sign * b for _, b in finite], dtype=float)
    return own, theirs


def worse_p_value(differences: np.ndarray) -> float:
    """One-sided p-value of the signed-rank test that ``differences`` (own loss
    minus the best trial's loss, shape ``(n,)``) are centred above 0; zero
    differences are split between both signs, so ties with the best keep the
    trial alive."""
    if not np.any(differences):
        return 1.0
    result = stats.wilcoxon(differences, alternative="greater", zero_method="zsplit")
    return float(result.pvalue)
