"""Pruning a study with several objectives on one of them."""

from __future__ import annotations

from hypersense.history import StudyHistory
from hypersense.pruners.base import PruneDecision, Pruner, PruneVerdict, TrialAssignment
from hypersense.pruners.options import check_int
from hypersense.pruners.rungs import RungLayout
from hypersense.trial.frozen import FrozenTrial

__all__ = ["ObjectivePruner"]


class ObjectivePruner(Pruner):
    """Runs a single-objective pruner on objective ``objective_index`` of a study
    with several objectives.

    ``trial.report`` takes one number per step, so in a study with several
    objectives the intermediate values must track one of them: report that
    objective's running estimate (e.g. the validation loss while the other
    objective, model size or latency, is known only at the end). The wrapped
    pruner then sees a single-objective study: that objective's direction, and
    every trial's value reduced to that objective. Budgets, tags and verdicts
    are the wrapped pruner's.

    Assumes:
        The intermediate values estimate objective ``objective_index``; the
        other objectives do not take part in pruning.

    Args:
        wrapped_pruner: A single-objective pruner (median, successive halving,
            curve extrapolation, ...).
        objective_index: Which objective the intermediate values track (0-based;
            checked against the study at the first call).
    """

    def __init__(self, wrapped_pruner: Pruner, *, objective_index: int) -> None:
        if not isinstance(wrapped_pruner, Pruner):
            raise TypeError(f"`wrapped_pruner` must be a Pruner (got {wrapped_pruner!r})")
        self._wrapped_pruner = wrapped_pruner
        self._objective_index = check_int("objective_index", objective_index, minimum=0)

    def _view(self, history: StudyHistory) -> StudyHistory:
        """The history as a single-objective study of the watched objective."""
        i, n = self._objective_index, len(history.directions)
        if i >= n:
            raise ValueError(
                f"`objective_index` {i} is out of range for a study with {n} objective(s)"
            )
        return StudyHistory(
            (history.directions[i],), lambda: [_one_objective(t, i) for t in history.trials()]
        )

    def rung_layout(self) -> RungLayout | None:
        """The wrapped pruner's rungs."""
        return self._wrapped_pruner.rung_layout()

    def assign(self, history: StudyHistory, number: int) -> TrialAssignment:
        """The wrapped pruner's budget and tags."""
        return self._wrapped_pruner.assign(self._view(history), number)

    def decide(self, history: StudyHistory, trial: FrozenTrial) -> PruneDecision:
        return self.judge(history, trial).decision

    def judge(self, history: StudyHistory, trial: FrozenTrial) -> PruneVerdict:
        """The wrapped pruner's verdict on the one-objective view."""
        view = self._view(history)
        return self._wrapped_pruner.judge(view, _one_objective(trial, self._objective_index))


def _one_objective(trial: FrozenTrial, index: int) -> FrozenTrial:
    """``trial`` with its values reduced to objective ``index`` (none if it has none)."""
    if trial.values is None:
        return trial
    if len(trial.values) <= index:
        return trial.replace(values=None)
    return trial.replace(values=(trial.values[index],))
