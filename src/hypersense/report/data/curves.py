"""Learning curves: every trial's intermediate values, pruned ones apart, with the
rung/bracket structure of a multi-fidelity pruner when its tags say so.

Multi-fidelity pruners mark their structure with trial tags (see
:attr:`~hypersense.trial.FrozenTrial.tags`): ``"bracket"`` names the trial's
bracket and ``"rungs"`` lists the steps of its bracket's rungs, comma-separated
(``"1,3,9,27"``). Curves are coloured by bracket and each bracket's rungs are
drawn as vertical marks. Without these tags no rung is drawn.

A study of many trials would carry every point many times, so at most
``max_curves`` curves are kept (the running ones, the best completed ones and an even spread of
the others) and each is thinned to at most ``max_points`` steps; the median
and interquartile band are computed from *all* curves, and the note says what
was left out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from hypersense.direction import StudyDirection
from hypersense.fidelity import BRACKET_TAG, FORECAST_ATTR, RUNGS_TAG, rungs_of
from hypersense.report.data.snapshot import StudySnapshot, as_snapshot
from hypersense.trial.frozen import FrozenTrial
from hypersense.trial.state import TrialState

if TYPE_CHECKING:
    from hypersense.study.study import Study

__all__ = [
    "BRACKET_TAG",
    "RUNGS_TAG",
    "CurveForecastMark",
    "LearningCurvesData",
    "PruningSavings",
    "RungMarks",
    "TrialCurve",
    "build_learning_curves_data",
    "build_pruning_savings",
    "forecast_mark",
    "thin_indices",
]


@dataclass(frozen=True)
class TrialCurve:
    """One trial's intermediate values, possibly thinned.

    Attributes:
        number: The trial's number.
        state: Its state (PRUNED curves are drawn grey).
        steps: Reported steps, increasing, shape ``(k,)``.
        values: Values at those steps, shape ``(k,)`` (NaN allowed).
        bracket: Its bracket tag, or None.
    """

    number: int
    state: TrialState
    steps: tuple[int, ...]
    values: tuple[float, ...]
    bracket: str | None = None


@dataclass(frozen=True)
class RungMarks:
    """The rung steps of one bracket."""

    bracket: str | None
    steps: tuple[int, ...]


@dataclass(frozen=True)
class CurveForecastMark:
    """A stopped or running trial's forecast of its final value
    (:class:`~hypersense.pruners.CurveExtrapolationPruner`), drawn as a band
    from its last value to the 90% interval at the target step.

    Attributes:
        number: The trial's number.
        step: The step the forecast was made at.
        value: The trial's value there.
        target_step: The step forecast (the last of a full training).
        predicted: The median forecast.
        low: The 5% quantile.
        high: The 95% quantile.
    """

    number: int
    step: int
    value: float
    target_step: int
    predicted: float
    low: float
    high: float


@dataclass(frozen=True)
class LearningCurvesData:
    """Intermediate values of the study's trials.

    Attributes:
        objective_name: What the values measure.
        direction: The objective's direction.
        curves: The curves shown (see ``note``).
        n_curves_total: Trials with at least one intermediate value.
        band_steps: Steps of the summary band, shape ``(b,)``.
        band_low: First quartile of all curves at each band step, shape ``(b,)``.
        band_median: Median, shape ``(b,)``.
        band_high: Third quartile, shape ``(b,)``.
        rungs: Rung marks per bracket (empty without rung tags).
        note: What was left out to keep the figure small ("" when nothing).
        forecasts: Forecasts of the shown curves that stopped (or are still
            running) before the step they forecast.

    Every RUNNING trial's curve is kept, so a live view sees it grow.
    """

    objective_name: str
    direction: StudyDirection
    curves: tuple[TrialCurve, ...]
    n_curves_total: int
    band_steps: tuple[int, ...]
    band_low: tuple[float, ...]
    band_median: tuple[float, ...]
    band_high: tuple[float, ...]
    rungs: tuple[RungMarks, ...] = ()
    note: str = ""
    forecasts: tuple[CurveForecastMark, ...] = ()


@dataclass(frozen=True)
class PruningSavings:
    """How much training pruning saved, counted in reported steps.

    Attributes:
        n_pruned: PRUNED trials.
        n_complete: COMPLETE trials with intermediate values.
        steps_run: Steps reported by all those trials.
        full_length: Median steps of a COMPLETE trial: what a pruned trial
            without a ``budget`` would have run without pruning.
        steps_without_pruning: Steps of the COMPLETE trials plus, for each
            pruned trial, its ``budget`` or else ``full_length``.
        fraction_saved: ``1 - steps_run / steps_without_pruning``.
    """

    n_pruned: int
    n_complete: int
    steps_run: int
    full_length: float
    steps_without_pruning: float
    fraction_saved: float


def thin_indices(n: int, max_points: int) -> np.ndarray:
    """At most ``max_points`` evenly spread indices of ``range(n)``, first and
    last included; shape ``(min(n, max_points),)``."""
    if n <= max_points:
        return np.arange(n)
    return np.unique(np.round(np.linspace(0, n - 1, max_points)).astype(int))


def _curve(trial: FrozenTrial, max_points: int) -> TrialCurve:
    steps = sorted(trial.intermediate_values)
    keep = thin_indices(len(steps), max_points)
    kept = [steps[i] for i in keep]
    return TrialCurve(
        trial.number,
        trial.state,
        tuple(kept),
        tuple(float(trial.intermediate_values[s]) for s in kept),
        trial.tags.get(BRACKET_TAG),
    )


def _chosen(trials: list[FrozenTrial], snap: StudySnapshot, max_curves: int) -> list[FrozenTrial]:
    """Every RUNNING trial (the curves still growing), the best fifth of
    ``max_curves`` among COMPLETE trials, then an even spread."""
    if len(trials) <= max_curves:
        return trials
    done = [t for t in trials if t.is_valid_value()]
    n_best = min(len(done), max_curves // 5)
    best = (
        [done[int(i)] for i in np.argsort(snap.losses(done), kind="stable")[:n_best]]
        if done
        else []
    )
    best += [t for t in trials if t.state is TrialState.RUNNING]
    best_numbers = {t.number for t in best}
    rest = [t for t in trials if t.number not in best_numbers]
    room = max_curves - len(best)
    spread = [rest[int(i)] for i in thin_indices(len(rest), room)] if room > 0 else []
    return sorted(best + spread, key=lambda t: t.number)


def _band(trials: list[FrozenTrial], max_points: int) -> tuple[np.ndarray, np.ndarray]:
    """Band steps ``(b,)`` and quartiles ``(3, b)`` over every curve reaching each step."""
    all_steps = sorted({s for t in trials for s in t.intermediate_values})
    steps = np.array([all_steps[i] for i in thin_indices(len(all_steps), max_points)])
    quartiles = np.full((3, steps.size), np.nan)
    for j, step in enumerate(steps.tolist()):
        at = np.array([t.intermediate_values.get(step, math.nan) for t in trials], dtype=float)
        at = at[np.isfinite(at)]
        if at.size:
            quartiles[:, j] = np.quantile(at, [0.25, 0.5, 0.75])
    return steps, quartiles


def _rungs(trials: list[FrozenTrial]) -> tuple[RungMarks, ...]:
    found: dict[str | None, tuple[int, ...]] = {}
    for t in trials:
        steps = rungs_of(t)  # a tag we do not understand draws nothing
        if steps:
            found.setdefault(t.tags.get(BRACKET_TAG), steps)
    return tuple(RungMarks(b, s) for b, s in found.items())


def build_learning_curves_data(
    study: Study | StudySnapshot, *, max_curves: int = 200, max_points: int = 100
) -> LearningCurvesData | None:
    """The learning curves; None when no trial reported an intermediate value.

    Args:
        study: A single-objective study or its snapshot.
        max_curves: Most curves to keep (>= 5).
        max_points: Most steps kept per curve and in the band (>= 2).
    """
    if not isinstance(max_curves, int) or max_curves < 5:
        raise ValueError(f"`max_curves` must be an integer >= 5 (got {max_curves!r})")
    if not isinstance(max_points, int) or max_points < 2:
        raise ValueError(f"`max_points` must be an integer >= 2 (got {max_points!r})")
    snap = as_snapshot(study)
    with_curves = [t for t in snap.trials if t.intermediate_values]
    if not with_curves or snap.is_multi_objective:
        return None
    shown = [_curve(t, max_points) for t in _chosen(with_curves, snap, max_curves)]
    thinned = any(len(c.steps) < len(t.intermediate_values) for c, t in _pairs(shown, snap))
    steps, quartiles = _band(with_curves, max_points)
    notes = []
    if len(shown) < len(with_curves):
        notes.append(
            f"showing {len(shown)} of {len(with_curves)} curves (the running ones, the best "
            "completed ones and an even spread of the others)"
        )
    if thinned:
        notes.append(f"curves thinned to at most {max_points} steps")
    if notes:
        notes.append("the band is the interquartile range of all curves")
    return LearningCurvesData(
        objective_name=snap.objective_names()[0],
        direction=snap.directions[0],
        curves=tuple(shown),
        n_curves_total=len(with_curves),
        band_steps=tuple(int(s) for s in steps),
        band_low=tuple(float(v) for v in quartiles[0]),
        band_median=tuple(float(v) for v in quartiles[1]),
        band_high=tuple(float(v) for v in quartiles[2]),
        rungs=_rungs(with_curves),
        note="; ".join(notes),
        forecasts=tuple(f for _, t in _pairs(shown, snap) if (f := forecast_mark(t)) is not None),
    )


def forecast_mark(trial: FrozenTrial) -> CurveForecastMark | None:
    """The trial's stored forecast, if it has a well-formed one for a step it did
    not reach."""
    note = trial.system_attrs.get(FORECAST_ATTR)
    if not isinstance(note, dict) or trial.last_step is None:
        return None
    try:
        step, target = int(note["step"]), int(note["target_step"])
        low, high = (float(v) for v in note["interval_90"])
        predicted = float(note["predicted"])
        value = float(trial.intermediate_values[step])
    except (KeyError, TypeError, ValueError):
        return None  # another pruner's attribute, or a forecast for an unreported step
    if trial.last_step >= target:
        return None  # the trial reached the step: its curve says more than the forecast
    return CurveForecastMark(trial.number, step, value, target, predicted, low, high)


def _pairs(curves: list[TrialCurve], snap: StudySnapshot) -> list[tuple[TrialCurve, FrozenTrial]]:
    by_number = {t.number: t for t in snap.trials}
    return [(c, by_number[c.number]) for c in curves]


def build_pruning_savings(study: Study | StudySnapshot) -> PruningSavings | None:
    """Steps saved by pruning; None without a PRUNED trial or a COMPLETE trial
    with intermediate values (nothing to compare with).

    A pruned trial would have run its ``budget`` (the steps a multi-fidelity
    pruner gave it) or, without one, the median length of the COMPLETE trials.
    """
    snap = as_snapshot(study)
    pruned = list(snap.in_states(TrialState.PRUNED))
    complete = [t for t in snap.in_states(TrialState.COMPLETE) if t.intermediate_values]
    if not pruned or not complete:
        return None
    full = float(np.median([len(t.intermediate_values) for t in complete]))
    run = sum(len(t.intermediate_values) for t in pruned + complete)
    would_run = sum(full if t.budget is None else max(t.budget, 0.0) for t in pruned)
    without = sum(len(t.intermediate_values) for t in complete) + would_run
    return PruningSavings(
        n_pruned=len(pruned),
        n_complete=len(complete),
        steps_run=run,
        full_length=full,
        steps_without_pruning=without,
        fraction_saved=1.0 - run / without if without > 0 else math.nan,
    )
