"""Pruning trials whose reported value crosses a fixed threshold."""

from __future__ import annotations

import math

from hypersense.direction import StudyDirection
from hypersense.history import StudyHistory
from hypersense.pruners import PruneDecision, Pruner
from hypersense.trial import FrozenTrial


class ThresholdPruner(Pruner):
    """Prunes a running trial whose latest value is worse than ``threshold``
    (or NaN), from ``n_warmup_steps`` on. It reads no other trial.

    Args:
        threshold: The worst value a trial may report and go on.
        n_warmup_steps: No pruning before this step.
    """

    def __init__(self, *, threshold: float, n_warmup_steps: int = 0) -> None:
        if math.isnan(threshold):
            raise ValueError("`threshold` must be a number (got nan)")
        if not isinstance(n_warmup_steps, int) or n_warmup_steps < 0:
            raise ValueError(f"`n_warmup_steps` must be an integer >= 0 (got {n_warmup_steps!r})")
        self._threshold = float(threshold)
        self._n_warmup_steps = n_warmup_steps

    def decide(self, history: StudyHistory, trial: FrozenTrial) -> PruneDecision:
        step = trial.last_step
        if step is None or step < self._n_warmup_steps:
            return PruneDecision.CONTINUE
        value = trial.intermediate_values[step]
        # Several objectives: intermediate values track the first one.
        maximize = history.directions[0] is StudyDirection.MAXIMIZE
        worse = value < self._threshold if maximize else value > self._threshold
        return PruneDecision.PRUNE if math.isnan(value) or worse else PruneDecision.CONTINUE
