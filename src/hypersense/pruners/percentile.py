"""Pruning trials that are worse than a percentile of earlier trials at the same step."""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np

from hypersense._options import check_int, check_number
from hypersense.direction import StudyDirection
from hypersense.history import StudyHistory
from hypersense.pruners.base import PruneDecision, Pruner
from hypersense.pruners.options import only_direction
from hypersense.pruners.steps import decides_at
from hypersense.trial.frozen import FrozenTrial

__all__ = ["MedianPruner", "PercentilePruner"]


class PercentilePruner(Pruner):
    """Prunes a trial whose best value so far is worse than the given percentile
    of the COMPLETE trials' values at the same step.

    Args:
        percentile: In [0, 100]; for a minimised objective, the trial is pruned
            when its best value so far is above this percentile (25 keeps only
            trials in the best quarter).
        n_startup_trials: No pruning until this many trials are COMPLETE.
        n_warmup_steps: No pruning before this step of a trial.
        interval_steps: Decide only every this many steps after warm-up.
        n_min_trials: No pruning at a step fewer COMPLETE trials reported.
    """

    supports_multi_objective: ClassVar[bool] = False

    def __init__(
        self,
        percentile: float,
        *,
        n_startup_trials: int = 5,
        n_warmup_steps: int = 0,
        interval_steps: int = 1,
        n_min_trials: int = 1,
    ) -> None:
        self._percentile = check_number("percentile", percentile, minimum=0, maximum=100)
        self._n_startup_trials = check_int("n_startup_trials", n_startup_trials, minimum=0)
        self._n_warmup_steps = check_int("n_warmup_steps", n_warmup_steps, minimum=0)
        self._interval_steps = check_int("interval_steps", interval_steps, minimum=1)
        self._n_min_trials = check_int("n_min_trials", n_min_trials, minimum=1)

    def decide(self, history: StudyHistory, trial: FrozenTrial) -> PruneDecision:
        maximize = only_direction(self, history) is StudyDirection.MAXIMIZE
        step = trial.last_step
        if not decides_at(
            step, n_warmup_steps=self._n_warmup_steps, interval_steps=self._interval_steps
        ):
            return PruneDecision.CONTINUE
        completed = history.completed()
        if len(completed) < self._n_startup_trials:
            return PruneDecision.CONTINUE
        own = [v for s, v in trial.intermediate_values.items() if s <= step and not math.isnan(v)]
        if not own:  # only NaN so far: the run diverged
            return PruneDecision.PRUNE
        own_best = max(own) if maximize else min(own)
        others = [
            t.intermediate_values[step]
            for t in completed
            if step in t.intermediate_values and t.number != trial.number
        ]
        others = [v for v in others if not math.isnan(v)]
        if len(others) < self._n_min_trials:
            return PruneDecision.CONTINUE
        q = 100.0 - self._percentile if maximize else self._percentile
        threshold = float(np.percentile(np.asarray(others), q))
        worse = own_best < threshold if maximize else own_best > threshold
        return PruneDecision.PRUNE if worse else PruneDecision.CONTINUE


class MedianPruner(PercentilePruner):
    """Prunes a trial whose best value so far is worse than the median of the
    COMPLETE trials at the same step (the 50th percentile)."""

    def __init__(
        self,
        *,
        n_startup_trials: int = 5,
        n_warmup_steps: int = 0,
        interval_steps: int = 1,
        n_min_trials: int = 1,
    ) -> None:
        super().__init__(
            50.0,
            n_startup_trials=n_startup_trials,
            n_warmup_steps=n_warmup_steps,
            interval_steps=interval_steps,
            n_min_trials=n_min_trials,
        )
