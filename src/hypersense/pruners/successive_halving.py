"""Asynchronous successive halving (ASHA), the early-stopping variant."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from typing import ClassVar

from hypersense.direction import StudyDirection
from hypersense.fidelity import RUNGS_TAG, value_at_step
from hypersense.history import StudyHistory
from hypersense.pruners.base import PruneDecision, Pruner, PruneVerdict, TrialAssignment
from hypersense.pruners.options import (
    Resource,
    check_int,
    check_non_negative,
    check_resource,
    only_direction,
)
from hypersense.pruners.resources import resolve_max_resource, resolve_min_resource
from hypersense.pruners.rungs import (
    RungLayout,
    curve_jitter,
    is_promotable,
    loss_of,
    rung_steps,
    rungs_to_judge,
)
from hypersense.trial.frozen import FrozenTrial

__all__ = [
    "PASSED_RUNG_ATTR",
    "SuccessiveHalvingPruner",
    "judge_at_rungs",
    "rungs_tag",
    "value_at_rung",
]

#: System attribute: the highest rung step the trial was judged at and passed.
PASSED_RUNG_ATTR = "passed_rung"


class SuccessiveHalvingPruner(Pruner):
    """Stops a trial at a rung unless it is in the best ``1/reduction_factor`` of
    the trials that reached that rung (asynchronous successive halving).

    The rungs are the steps ``min_resource * reduction_factor**(s + k)``,
    ``k = 0, 1, ...``, below ``max_resource``, with ``s =
    min_early_stopping_rate``. A trial is judged at each rung once, at the
    first ``should_prune`` after its reports reach it; then its value at the
    rung (at its first report at or past the rung's step) is compared with
    every other trial's value there. Of the ``n`` trials at the rung, this one
    included, the best ``max(1, n // reduction_factor)`` go on; the first
    trial at a rung always goes on. A rung ranks values that carry noise, so
    a trial whose value is within the noise of the last promoted one goes on
    too (``noise_tolerance``; see :func:`judge_at_rungs`): where the values at
    a rung are spread far apart (early rungs) this changes nothing, where
    they bunch within the epoch-to-epoch jitter of the curves (late rungs,
    among good configurations) it stops the rung from cutting at random. A
    diverged value (NaN, infinite) at a rung is pruned. The rung a trial
    passed last is stored on it as the system attribute ``passed_rung``, so
    it is never judged there again.

    Nothing waits: every trial that reached the rung counts, whatever its state
    now (running, pruned, complete, failed), and a trial that failed before the
    rung does not count. A decision depends only on the history given, so
    worker processes and independent runs sharing the study agree.

    Assumes:
        - Steps measure resources (epochs, iterations); ``should_prune`` is
          called after reports (not necessarily after each: a rung is judged
          late, on its own step's value, if it was skipped).
        - Values at the same step are comparable across trials.
        - A single objective (wrap it in :class:`ObjectivePruner` otherwise).

    Args:
        min_resource: Step of the first rung (``s = 0``), or "auto": a
            hundredth of ``max_resource``, at least 1 (no pruning until the
            maximum is known).
        max_resource: The steps of a full training: no rung at or beyond it,
            and the budget given to each trial. "auto": the length (last
            step + 1) of the study's first completed trial; until then the
            rungs are unbounded.
        reduction_factor: ``eta`` >= 2: a rung keeps the best ``1/eta``.
        min_early_stopping_rate: ``s`` >= 0: the first rung is at
            ``min_resource * eta**s``.
        noise_tolerance: ``z`` >= 0: a trial at most ``z`` standard
            deviations of the difference of two noisy values worse than the
            last promoted one goes on, the noise estimated from the competing
            trials' curves up to the rung. 0 is the plain rule (Optuna's and
            the ASHA paper's).
    """

    supports_multi_objective: ClassVar[bool] = False

    def __init__(
        self,
        *,
        min_resource: Resource = "auto",
        max_resource: Resource = "auto",
        reduction_factor: int = 4,
        min_early_stopping_rate: int = 0,
        noise_tolerance: float = 1.0,
    ) -> None:
        self._min_resource = check_resource("min_resource", min_resource)
        self._max_resource = check_resource("max_resource", max_resource)
        self._reduction_factor = check_int("reduction_factor", reduction_factor, minimum=2)
        self._min_early_stopping_rate = check_int(
            "min_early_stopping_rate", min_early_stopping_rate, minimum=0
        )
        self._noise_tolerance = check_non_negative("noise_tolerance", noise_tolerance)
        if (
            isinstance(self._min_resource, int)
            and isinstance(self._max_resource, int)
            and self._min_resource > self._max_resource
        ):
            raise ValueError(
                f"`min_resource` ({self._min_resource}) must not exceed `max_resource` "
                f"({self._max_resource})"
            )

    def _rungs(self, history: StudyHistory, last_step: int) -> tuple[int, ...] | None:
        """The rung steps (up to ``last_step`` when the maximum is unknown), or None
        while the minimum resource is unknown."""
        top = resolve_max_resource(self._max_resource, history)
        low = resolve_min_resource(self._min_resource, top)
        if low is None:
            return None
        return rung_steps(
            low,
            self._reduction_factor,
            min_early_stopping_rate=self._min_early_stopping_rate,
            below=last_step + 1 if top is None else top,
        )

    def rung_layout(self) -> RungLayout | None:
        """One bracket with this pruner's rungs (None while ``max_resource`` is "auto")."""
        if self._max_resource == "auto":
            return None
        top = int(self._max_resource)
        low = resolve_min_resource(self._min_resource, top)
        assert low is not None  # the maximum is known
        rungs = rung_steps(
            low,
            self._reduction_factor,
            min_early_stopping_rate=self._min_early_stopping_rate,
            below=top,
        )
        return RungLayout(top, self._reduction_factor, (rungs,), (0,))

    def assign(self, history: StudyHistory, number: int) -> TrialAssignment:
        """Budget ``max_resource`` and tag ``rungs`` (the rung steps, for the
        report), once the maximum resource is known."""
        only_direction(self, history)
        top = resolve_max_resource(self._max_resource, history)
        rungs = self._rungs(history, 0) if top is not None else None
        if top is None or rungs is None:
            return TrialAssignment()
        return TrialAssignment(budget=float(top), tags={RUNGS_TAG: rungs_tag(rungs)})

    def decide(self, history: StudyHistory, trial: FrozenTrial) -> PruneDecision:
        return self.judge(history, trial).decision

    def judge(self, history: StudyHistory, trial: FrozenTrial) -> PruneVerdict:
        """The decision, and ``passed_rung`` when the trial passed a rung now."""
        direction = only_direction(self, history)
        last = trial.last_step
        if last is None:
            return PruneVerdict(PruneDecision.CONTINUE)
        rungs = self._rungs(history, last)
        if rungs is None:
            return PruneVerdict(PruneDecision.CONTINUE)
        return judge_at_rungs(
            trial,
            history.trials(),
            rungs,
            self._reduction_factor,
            maximize=direction is StudyDirection.MAXIMIZE,
            noise_tolerance=self._noise_tolerance,
        )


def rungs_tag(rungs: Iterable[int]) -> str:
    """The ``rungs`` tag (:data:`hypersense.fidelity.RUNGS_TAG`) the report and
    model-based samplers read: rung steps, comma-separated."""
    return ",".join(str(r) for r in rungs)


def value_at_rung(intermediate_values: Mapping[int, float], rung: int) -> float | None:
    """The value at the first reported step at or past ``rung``, or None if the
    trial never reached it (:func:`hypersense.fidelity.value_at_step`)."""
    return value_at_step(intermediate_values, rung)


def judge_at_rungs(
    trial: FrozenTrial,
    others: Iterable[FrozenTrial],
    rungs: tuple[int, ...],
    reduction_factor: int,
    *,
    maximize: bool,
    noise_tolerance: float = 0.0,
) -> PruneVerdict:
    """Judge ``trial`` at the rungs it reached and has not passed yet, against
    the values of ``others`` (any trials; ``trial`` itself is skipped) there.

    With ``noise_tolerance`` ``z > 0`` a trial also goes on when its value is
    at most ``z * sqrt(2) * sigma`` worse than the last promoted one, ``sigma``
    being the :func:`~hypersense.pruners.rungs.curve_jitter` of the values of
    ``trial`` and ``others`` at steps up to the rung (the standard deviation of
    the difference of two values is ``sqrt(2) * sigma``)."""
    last = trial.last_step
    stored = trial.system_attrs.get(PASSED_RUNG_ATTR)
    passed = int(stored) if isinstance(stored, numbers.Integral) else None
    pending = [] if last is None else rungs_to_judge(rungs, passed, last)
    if not pending:
        return PruneVerdict(PruneDecision.CONTINUE)
    rivals = [t.intermediate_values for t in others if t.number != trial.number]
    for rung in pending:
        own_value = value_at_rung(trial.intermediate_values, rung)
        own = loss_of(float("nan") if own_value is None else own_value, maximize)
        if own == float("inf"):
            return PruneVerdict(PruneDecision.PRUNE)  # diverged at a rung
        at_rung = (value_at_rung(values, rung) for values in rivals)
        losses = [loss_of(v, maximize) for v in at_rung if v is not None]
        margin = 0.0
        if noise_tolerance > 0:
            curves = (_curve_up_to(v, rung) for v in (trial.intermediate_values, *rivals))
            margin = noise_tolerance * math.sqrt(2.0) * curve_jitter(curves)
        if not is_promotable(own, losses, reduction_factor, margin=margin):
            return PruneVerdict(PruneDecision.PRUNE)
    return PruneVerdict(PruneDecision.CONTINUE, {PASSED_RUNG_ATTR: pending[-1]})


def _curve_up_to(intermediate_values: Mapping[int, float], rung: int) -> list[float]:
    """A trial's values at its reported steps up to ``rung``, in step order."""
    return [intermediate_values[s] for s in sorted(intermediate_values) if s <= rung]
