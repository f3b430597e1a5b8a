"""Two budgets of a cross-validated objective: folds, and epochs within a fold."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from hypersense.fidelity import FORECAST_ATTR
from hypersense.history import StudyHistory
from hypersense.pruners.base import PruneDecision, Pruner, PruneVerdict, TrialAssignment
from hypersense.pruners.options import only_direction
from hypersense.pruners.successive_halving import PASSED_RUNG_ATTR
from hypersense.trial.frozen import FrozenTrial

__all__ = ["SERIES_ATTRS_PREFIX", "CrossValidationPruner", "series_history", "series_trial"]

#: Prefix of the system attribute holding what the epoch pruner recorded about
#: one series of a trial (e.g. ``series_attrs:fold2``: the rung it passed there).
SERIES_ATTRS_PREFIX = "series_attrs:"

#: What a pruner records about a trial's own intermediate values; a series
#: view of the trial starts without them.
_PER_CURVE_ATTRS = (PASSED_RUNG_ATTR, FORECAST_ATTR)


class CrossValidationPruner(Pruner):
    """Prunes a cross-validated trial between its folds and within a fold's epochs.

    The objective reports each fold's score on the trial (step = fold, as
    :func:`hypersense.integrations.cross_validate_trial` does) and each
    fold's epochs on ``trial.series(f"fold{k}")`` (step = epoch). Between
    folds, ``fold_pruner`` judges the fold scores, e.g.
    :class:`WilcoxonPruner` (folds are instances) or :class:`MedianPruner`.
    Within fold ``k``, ``epoch_pruner`` judges the trial's epochs of fold ``k``
    against every other trial's epochs of fold ``k``, as if they were
    intermediate values (any single-curve pruner: median, percentile,
    threshold, patient, successive halving). What the epoch pruner records
    (e.g. the rung a fold passed) is kept per fold, apart from the fold pruner's.

    Assumes what the two pruners assume, each on its own budget; trials see
    the same folds in the same order (a fixed ``seed`` of the splitter).

    Args:
        fold_pruner: Judges the fold scores (the trial's intermediate values).
        epoch_pruner: Judges the epochs of the current fold; None: never
            prune within a fold.
    """

    supports_multi_objective: ClassVar[bool] = False

    def __init__(self, fold_pruner: Pruner, *, epoch_pruner: Pruner | None = None) -> None:
        if not isinstance(fold_pruner, Pruner):
            raise TypeError(f"`fold_pruner` must be a Pruner (got {fold_pruner!r})")
        if epoch_pruner is not None and not isinstance(epoch_pruner, Pruner):
            raise TypeError(f"`epoch_pruner` must be a Pruner or None (got {epoch_pruner!r})")
        self._fold_pruner = fold_pruner
        self._epoch_pruner = epoch_pruner

    def assign(self, history: StudyHistory, number: int) -> TrialAssignment:
        """The fold pruner's budget and tags."""
        only_direction(self, history)
        return self._fold_pruner.assign(history, number)

    def decide(self, history: StudyHistory, trial: FrozenTrial) -> PruneDecision:
        return self.judge(history, trial).decision

    def judge(self, history: StudyHistory, trial: FrozenTrial) -> PruneVerdict:
        """The fold pruner's verdict on the fold scores."""
        only_direction(self, history)
        return self._fold_pruner.judge(history, trial)

    def judge_series(self, history: StudyHistory, trial: FrozenTrial, series: str) -> PruneVerdict:
        """The epoch pruner's verdict on series ``series`` of every trial, what it
        records kept under ``series_attrs:<series>``."""
        only_direction(self, history)
        if self._epoch_pruner is None:
            return PruneVerdict(PruneDecision.CONTINUE)
        verdict = self._epoch_pruner.judge(
            series_history(history, series), series_trial(trial, series)
        )
        if not verdict.system_attrs:
            return PruneVerdict(verdict.decision)
        key = SERIES_ATTRS_PREFIX + series
        recorded = {**_series_attrs(trial, series), **verdict.system_attrs}
        return PruneVerdict(verdict.decision, {key: recorded})


def series_history(history: StudyHistory, series: str) -> StudyHistory:
    """``history`` with each trial's intermediate values replaced by its values
    of side series ``series`` (none when it has no such series)."""
    return StudyHistory(
        history.directions, lambda: [series_trial(t, series) for t in history.trials()]
    )


def series_trial(trial: FrozenTrial, series: str) -> FrozenTrial:
    """``trial`` as if its intermediate values were its side series ``series``,
    with what a pruner recorded about that series instead of about its curve."""
    attrs = {k: v for k, v in trial.system_attrs.items() if k not in _PER_CURVE_ATTRS}
    attrs.update(_series_attrs(trial, series))
    return trial.replace(intermediate_values=dict(trial.series(series)), system_attrs=attrs)


def _series_attrs(trial: FrozenTrial, series: str) -> Mapping[str, Any]:
    stored = trial.system_attrs.get(SERIES_ATTRS_PREFIX + series)
    return stored if isinstance(stored, Mapping) else {}
