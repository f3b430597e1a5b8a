"""Trials observed at a budget: the shared reading of multi-fidelity records.

Multi-fidelity pruners (successive halving, Hyperband) tag every trial they
manage with the steps of its rungs (tag ``rungs``: ``"1,3,9"``; ``bracket``
names its bracket). Those steps are the study's *budget levels*, and the
trial's *full budget* is its final value. A trial is *observed at level* ``b``
when it reported a step at or past ``b`` (its value there is the one at its
first such step, as a rung judges it), whatever its bracket or state: a trial
pruned at step 3 is an observation at levels 1 and 3.

Samplers read this module rather than the pruner: they see only the history,
so any pruner that writes the ``rungs`` tag gets model-based multi-fidelity
(BOHB-style) sampling for free. :func:`observations_at_budget` picks the
highest level with enough observations and returns them as (trial, value)
pairs; the report and the analysis use :func:`value_at_step` and
:func:`budget_levels` to compare trials only on a budget they all reached.

A trial stopped below the chosen level lost at a lower one. How much that
says is measured, not assumed: it is the rank agreement (Kendall's tau,
:func:`rank_agreement`) between that lower level and the final values of
the complete trials (the chosen level while fewer than 3 trials completed).
When learning curves cross (slow starters lose early and win late) the
agreement is near zero and such trials carry little weight as bad
observations; when ranks persist it is near one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hypersense.direction import StudyDirection
from hypersense.history import StudyHistory
from hypersense.trial.frozen import FrozenTrial
from hypersense.trial.state import TrialState

__all__ = [
    "BRACKET_TAG",
    "FORECAST_ATTR",
    "MODEL_BUDGET_ATTR",
    "RUNGS_TAG",
    "BudgetObservations",
    "budget_levels",
    "observations_at_budget",
    "rank_agreement",
    "rungs_of",
    "value_at_step",
]

#: Trial tag listing the steps of the trial's rungs, comma-separated.
RUNGS_TAG = "rungs"
#: Trial tag naming a multi-fidelity pruner's bracket.
BRACKET_TAG = "bracket"
#: System attribute a model-based sampler stores on a trial it proposed in a
#: multi-fidelity study: the step of the level its model was fitted on, or
#: ``"full"`` for final values.
MODEL_BUDGET_ATTR = "model_budget"
#: System attribute holding the latest forecast of a trial's final value
#: (:class:`~hypersense.pruners.CurveExtrapolationPruner`): ``{"step",
#: "target_step", "predicted", "interval_90": [low, high],
#: "probability_beats_best"}``, in the objective's units.
FORECAST_ATTR = "curve_forecast"

_FINISHED = (TrialState.COMPLETE, TrialState.PRUNED)


def rungs_of(trial: FrozenTrial) -> tuple[int, ...]:
    """The rung steps in the trial's ``rungs`` tag, increasing (none if absent or
    not a list of integers)."""
    text = trial.tags.get(RUNGS_TAG)
    if not text:
        return ()
    try:
        return tuple(sorted({int(s) for s in str(text).split(",") if s.strip()}))
    except ValueError:
        return ()


def budget_levels(trials: Iterable[FrozenTrial]) -> tuple[int, ...]:
    """Every rung step any of ``trials`` is tagged with, increasing (empty: the
    study has no multi-fidelity structure)."""
    return tuple(sorted({step for t in trials for step in rungs_of(t)}))


def value_at_step(intermediate_values: Mapping[int, float], step: int) -> float | None:
    """The value at the first reported step at or past ``step``, or None if the
    trial never reached it."""
    if step in intermediate_values:
        return intermediate_values[step]
    past = [s for s in intermediate_values if s > step]
    return intermediate_values[min(past)] if past else None


@dataclass(frozen=True, eq=False)
class BudgetObservations:
    """The trials observed at one budget level, as a model fits them.

    Attributes:
        step: The level's step, or None for the full budget (final values of
            COMPLETE trials).
        trials: Finished trials observed at the level with a finite value, in
            number order.
        losses: Their values there in minimisation form; shape ``(n,)``.
        stopped_below: Finished trials that stopped before the level with a
            finite last value: they lost at a lower level, which says nothing
            sure about this one (on crossing curves, slow starters lose early
            and win late).
        below_weights: Shape ``(len(stopped_below),)``, in [0, 1]: how far each
            of them counts as a bad observation at this level: the rank
            agreement (Kendall's tau, floored at 0) between the highest level
            it was observed at and the final values, on the complete trials
            (else this level, on the trials observed at both); 1 without
            evidence (fewer than 3 such trials, or no level reached).
        diverged: Finished trials whose value at the level, or whose last
            value if they stopped before it, is not finite (NaN, infinite): a
            diverged run stays diverged, so they are bad at every level.
        levels: Every level of the study, increasing, None (full) last.
    """

    step: int | None
    trials: tuple[FrozenTrial, ...]
    losses: NDArray[np.float64]
    stopped_below: tuple[FrozenTrial, ...]
    below_weights: NDArray[np.float64]
    diverged: tuple[FrozenTrial, ...]
    levels: tuple[int | None, ...]

    @property
    def label(self) -> int | str:
        """The level as :data:`MODEL_BUDGET_ATTR` stores it: the step, or ``"full"``."""
        return "full" if self.step is None else self.step


def _at_level(
    trials: Sequence[FrozenTrial], step: int | None, sign: float
) -> tuple[list[FrozenTrial], list[float]]:
    observed: list[FrozenTrial] = []
    losses: list[float] = []
    for t in trials:
        if step is None:
            value = t.values[0] if t.state is TrialState.COMPLETE and t.values else None
        else:
            value = value_at_step(t.intermediate_values, step)
        if value is not None and math.isfinite(value):
            observed.append(t)
            losses.append(sign * value)
    return observed, losses


def observations_at_budget(
    history: StudyHistory, *, min_observations: int
) -> BudgetObservations | None:
    """The observations at the highest budget level that has at least
    ``min_observations`` of them (else at the level that has the most).

    Only finished (COMPLETE or PRUNED) trials count, so the result is a
    function of finished work. Levels are the rung steps of the trials'
    ``rungs`` tags and the full budget above them.

    Returns:
        None when the study has no multi-fidelity structure (no trial tagged
        with rungs) or several objectives (intermediate values then track one
        of them and cannot stand for the trial's values).
    """
    if history.is_multi_objective:
        return None
    finished = history.trials(_FINISHED)
    steps = budget_levels(finished)
    if not steps:
        return None
    sign = -1.0 if history.directions[0] is StudyDirection.MAXIMIZE else 1.0
    levels: tuple[int | None, ...] = (*steps, None)
    chosen: tuple[int | None, list[FrozenTrial], list[float]] | None = None
    for step in reversed(levels):
        observed, losses = _at_level(finished, step, sign)
        if chosen is None or len(observed) > len(chosen[1]):
            chosen = (step, observed, losses)
        if len(observed) >= min_observations:
            chosen = (step, observed, losses)
            break
    assert chosen is not None  # levels is never empty
    step, observed, losses = chosen
    numbers = {t.number for t in observed}
    unobserved = [t for t in finished if t.number not in numbers]
    diverged = tuple(t for t in unobserved if _is_diverged(t, step))
    gone = {t.number for t in diverged}
    below = tuple(t for t in unobserved if t.number not in gone)
    return BudgetObservations(
        step=step,
        trials=tuple(observed),
        losses=np.asarray(losses, dtype=float),
        stopped_below=below,
        below_weights=_below_weights(finished, below, step, levels, sign),
        diverged=diverged,
        levels=levels,
    )


def rank_agreement(low: NDArray[np.float64], high: NDArray[np.float64]) -> float:
    """Kendall's tau-b between paired values at two levels, shapes ``(n,)``: 1
    when they rank trials alike, -1 when in reverse; NaN with fewer than 3
    pairs or when either side is constant."""
    x, y = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    if x.size < 3:
        return math.nan
    dx = np.sign(x[:, None] - x[None, :])
    dy = np.sign(y[:, None] - y[None, :])
    untied_x, untied_y = float(np.abs(dx).sum()), float(np.abs(dy).sum())
    if untied_x == 0.0 or untied_y == 0.0:
        return math.nan
    return float((dx * dy).sum() / math.sqrt(untied_x * untied_y))


def _below_weights(
    finished: Sequence[FrozenTrial],
    below: Sequence[FrozenTrial],
    step: int | None,
    levels: tuple[int | None, ...],
    sign: float,
) -> NDArray[np.float64]:
    """:attr:`BudgetObservations.below_weights` of the trials ``below`` level ``step``."""
    by_number = {lvl: dict(_numbered(*_at_level(finished, lvl, sign))) for lvl in levels}
    agreement: dict[int | None, float] = {}
    weights = np.ones(len(below))
    for i, trial in enumerate(below):
        reached = [lvl for lvl in levels[: levels.index(step)] if trial.number in by_number[lvl]]
        if not reached:
            continue
        low = reached[-1]
        if low not in agreement:
            agreement[low] = math.nan
            for high in (None, step):  # the final values, else the modelled level
                shared = [n for n in by_number[high] if n in by_number[low]]
                tau = rank_agreement(
                    np.array([by_number[low][n] for n in shared]),
                    np.array([by_number[high][n] for n in shared]),
                )
                if not math.isnan(tau):
                    agreement[low] = tau
                    break
        if not math.isnan(agreement[low]):
            weights[i] = max(agreement[low], 0.0)
    return weights


def _numbered(trials: list[FrozenTrial], losses: list[float]) -> list[tuple[int, float]]:
    return [(t.number, loss) for t, loss in zip(trials, losses, strict=True)]


def _is_diverged(trial: FrozenTrial, step: int | None) -> bool:
    """Whether a finished trial without a finite value at level ``step`` diverged:
    its value there (its final values for the full budget), or its last value
    if it stopped before the level, is not finite."""
    if step is None and trial.state is TrialState.COMPLETE and trial.values:
        return not all(math.isfinite(v) for v in trial.values)
    value = None if step is None else value_at_step(trial.intermediate_values, step)
    if value is None:
        last = trial.last_step
        value = None if last is None else trial.intermediate_values[last]
    return value is not None and not math.isfinite(value)
