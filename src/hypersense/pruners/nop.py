"""A pruner that never prunes."""

from __future__ import annotations

from hypersense.history import StudyHistory
from hypersense.pruners.base import PruneDecision, Pruner
from hypersense.trial.frozen import FrozenTrial

__all__ = ["NopPruner"]


class NopPruner(Pruner):
    """Never stops a trial; every trial runs to the end. The default."""

    def decide(self, history: StudyHistory, trial: FrozenTrial) -> PruneDecision:
        return PruneDecision.CONTINUE
