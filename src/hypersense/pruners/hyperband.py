"""Hyperband: several brackets of asynchronous successive halving."""

from __future__ import annotations

from typing import ClassVar

from hypersense.direction import StudyDirection
from hypersense.fidelity import BRACKET_TAG, RUNGS_TAG
from hypersense.history import StudyHistory
from hypersense.pruners.base import PruneDecision, Pruner, PruneVerdict, TrialAssignment
from hypersense.pruners.options import (
    Resource,
    check_int,
    check_non_negative,
    check_resource,
    only_direction,
)
from hypersense.pruners.resources import resolve_max_resource
from hypersense.pruners.rungs import (
    RungLayout,
    bracket_budgets,
    bracket_of,
    bracket_schedule,
    n_brackets,
    rung_steps,
)
from hypersense.pruners.successive_halving import judge_at_rungs, rungs_tag
from hypersense.trial.frozen import FrozenTrial

__all__ = ["HyperbandPruner"]


class HyperbandPruner(Pruner):
    """Runs each trial in one of several successive-halving brackets, from an
    aggressive one (first rung at ``min_resource``) to one that never prunes.

    With ``n = floor(log_eta(max_resource / min_resource)) + 1`` brackets,
    bracket ``s`` (``0 .. n - 1``) is :class:`SuccessiveHalvingPruner` with
    ``min_early_stopping_rate = s``, its trials competing only with each other.
    Trial ``number`` joins a bracket chosen by its number alone, from a fixed
    cycle in which bracket ``s`` appears ``ceil(n * eta**m / (m + 1))`` times
    (``m = n - 1 - s``): the trial counts the Hyperband paper gives its
    brackets, interleaved evenly, so every process agrees on it.

    When a trial starts, :meth:`assign` gives it ``budget = max_resource`` (the
    steps to train if it is never pruned; every bracket trains survivors to
    the end) and the tags ``bracket`` (``"0"`` .. ``str(n - 1)``) and
    ``rungs`` (its bracket's rung steps, comma-separated; empty for the last
    bracket). Samplers can filter on the bracket tag; the report draws the
    rungs. While ``max_resource="auto"`` is unknown (no trial has completed),
    trials start without a bracket and are never pruned.

    Within a bracket a rung lets a trial within the noise of the last
    promoted value go on, as :class:`SuccessiveHalvingPruner` does.

    Assumes what :class:`SuccessiveHalvingPruner` assumes.

    Args:
        min_resource: Step of the first rung of bracket 0 (>= 1).
        max_resource: The steps of a full training, or "auto": the length
            (last step + 1) of the study's first completed trial.
        reduction_factor: ``eta`` >= 2: a rung keeps the best ``1/eta``.
        noise_tolerance: ``z`` >= 0: a trial within the noise of the last
            promoted value goes on (as in :class:`SuccessiveHalvingPruner`);
            0 is the plain rule.
    """

    supports_multi_objective: ClassVar[bool] = False

    def __init__(
        self,
        *,
        min_resource: int = 1,
        max_resource: Resource = "auto",
        reduction_factor: int = 3,
        noise_tolerance: float = 1.0,
    ) -> None:
        self._min_resource = check_int("min_resource", min_resource, minimum=1)
        self._max_resource = check_resource("max_resource", max_resource)
        self._reduction_factor = check_int("reduction_factor", reduction_factor, minimum=2)
        self._noise_tolerance = check_non_negative("noise_tolerance", noise_tolerance)
        if isinstance(self._max_resource, int) and self._min_resource > self._max_resource:
            raise ValueError(
                f"`min_resource` ({self._min_resource}) must not exceed `max_resource` "
                f"({self._max_resource})"
            )
        self._schedules: dict[int, tuple[int, ...]] = {}

    def brackets(self, max_resource: int) -> tuple[tuple[int, ...], ...]:
        """The rung steps of each bracket for a maximum resource."""
        n = n_brackets(self._min_resource, max_resource, self._reduction_factor)
        return tuple(
            rung_steps(
                self._min_resource,
                self._reduction_factor,
                min_early_stopping_rate=s,
                below=max_resource,
            )
            for s in range(n)
        )

    def _schedule(self, max_resource: int) -> tuple[int, ...]:
        # A pure function of the options: cached per maximum resource only for speed.
        if max_resource not in self._schedules:
            n = n_brackets(self._min_resource, max_resource, self._reduction_factor)
            budgets = bracket_budgets(n, self._reduction_factor)
            self._schedules[max_resource] = bracket_schedule(budgets)
        return self._schedules[max_resource]

    def rung_layout(self) -> RungLayout | None:
        """Every bracket's rungs and the bracket cycle (None while ``max_resource``
        is "auto")."""
        if self._max_resource == "auto":
            return None
        top = int(self._max_resource)
        return RungLayout(top, self._reduction_factor, self.brackets(top), self._schedule(top))

    def assign(self, history: StudyHistory, number: int) -> TrialAssignment:
        """Budget ``max_resource`` and tags ``bracket`` and ``rungs`` (none while
        the maximum resource is unknown)."""
        only_direction(self, history)
        top = resolve_max_resource(self._max_resource, history)
        if top is None:
            return TrialAssignment()
        bracket = bracket_of(number, self._schedule(top))
        rungs = self.brackets(top)[bracket]
        return TrialAssignment(
            budget=float(top), tags={BRACKET_TAG: str(bracket), RUNGS_TAG: rungs_tag(rungs)}
        )

    def decide(self, history: StudyHistory, trial: FrozenTrial) -> PruneDecision:
        return self.judge(history, trial).decision

    def judge(self, history: StudyHistory, trial: FrozenTrial) -> PruneVerdict:
        """The decision in the trial's bracket, and ``passed_rung`` when it
        passed a rung now."""
        direction = only_direction(self, history)
        top = resolve_max_resource(self._max_resource, history)
        tag = trial.tags.get(BRACKET_TAG)
        if top is None or tag is None or not tag.isdigit():
            return PruneVerdict(PruneDecision.CONTINUE)  # started before brackets existed
        brackets = self.brackets(top)
        bracket = int(tag)
        if bracket >= len(brackets) or trial.tags.get(RUNGS_TAG) != rungs_tag(brackets[bracket]):
            return PruneVerdict(PruneDecision.CONTINUE)  # another Hyperband's bracket
        # Only trials with the same bracket and rungs compete.
        same = history.trials(tags={BRACKET_TAG: tag, RUNGS_TAG: trial.tags[RUNGS_TAG]})
        return judge_at_rungs(
            trial,
            same,
            brackets[bracket],
            self._reduction_factor,
            maximize=direction is StudyDirection.MAXIMIZE,
            noise_tolerance=self._noise_tolerance,
        )
