"""Early stopping: acting only once a trial stopped improving."""

from __future__ import annotations

from typing import ClassVar

from hypersense.direction import StudyDirection
from hypersense.history import StudyHistory
from hypersense.pruners.base import PruneDecision, Pruner, PruneVerdict, TrialAssignment
from hypersense.pruners.options import check_int, check_non_negative, only_direction
from hypersense.pruners.rungs import loss_of
from hypersense.trial.frozen import FrozenTrial

__all__ = ["PatientPruner"]


class PatientPruner(Pruner):
    """Lets ``wrapped_pruner`` prune a trial only once the trial stagnates; with no
    wrapped pruner, prunes it then (early stopping).

    A trial stagnates when none of its last ``patience + 1`` reports beats the
    best of its earlier reports by more than ``min_delta`` (as Keras' early
    stopping counts an improvement; Optuna's ``PatientPruner`` instead
    tolerates a worsening of ``min_delta``). Non-finite values never count as
    an improvement. Budgets and tags come from the wrapped pruner.

    Assumes:
        A single objective whose reports are ordered by training progress, so
        that a plateau of ``patience + 1`` reports means no more progress.

    Args:
        wrapped_pruner: The pruner consulted once the trial stagnates, or None.
        patience: Reports without improvement tolerated after the first one
            (0: act at the first report that does not improve).
        min_delta: The smallest change of the best value that counts as an
            improvement (>= 0).
    """

    supports_multi_objective: ClassVar[bool] = False

    def __init__(
        self, wrapped_pruner: Pruner | None, *, patience: int, min_delta: float = 0.0
    ) -> None:
        if wrapped_pruner is not None and not isinstance(wrapped_pruner, Pruner):
            raise TypeError(f"`wrapped_pruner` must be a Pruner or None (got {wrapped_pruner!r})")
        self._wrapped_pruner = wrapped_pruner
        self._patience = check_int("patience", patience, minimum=0)
        self._min_delta = check_non_negative("min_delta", min_delta)

    def assign(self, history: StudyHistory, number: int) -> TrialAssignment:
        """The wrapped pruner's budget and tags (none without one)."""
        if self._wrapped_pruner is None:
            return TrialAssignment()
        return self._wrapped_pruner.assign(history, number)

    def decide(self, history: StudyHistory, trial: FrozenTrial) -> PruneDecision:
        return self.judge(history, trial).decision

    def judge(self, history: StudyHistory, trial: FrozenTrial) -> PruneVerdict:
        """CONTINUE while improving; else the wrapped pruner's verdict, or PRUNE."""
        maximize = only_direction(self, history) is StudyDirection.MAXIMIZE
        if not self.is_stagnating(trial, maximize=maximize):
            return PruneVerdict(PruneDecision.CONTINUE)
        if self._wrapped_pruner is None:
            return PruneVerdict(PruneDecision.PRUNE)
        return self._wrapped_pruner.judge(history, trial)

    def is_stagnating(self, trial: FrozenTrial, *, maximize: bool) -> bool:
        """Whether none of the last ``patience + 1`` reports improved on the earlier best."""
        steps = sorted(trial.intermediate_values)
        window = self._patience + 1
        if len(steps) <= window:
            return False
        losses = [loss_of(trial.intermediate_values[s], maximize) for s in steps]
        best_before = min(losses[:-window])
        return min(losses[-window:]) >= best_before - self._min_delta
