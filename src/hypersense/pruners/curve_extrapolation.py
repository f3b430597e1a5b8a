"""Pruning trials whose learning curve is unlikely to end better than the best trial."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from hypersense.direction import StudyDirection
from hypersense.fidelity import FORECAST_ATTR
from hypersense.history import StudyHistory
from hypersense.pruners.base import PruneDecision, Pruner, PruneVerdict
from hypersense.pruners.curves import FAMILIES, MIN_POINTS, CurveForecast, forecast_curve
from hypersense.pruners.options import (
    Resource,
    check_int,
    check_probability,
    check_resource,
    only_direction,
)
from hypersense.pruners.resources import resolve_max_resource
from hypersense.pruners.steps import decides_at
from hypersense.trial.frozen import FrozenTrial

__all__ = ["FORECAST_ATTR", "CurveExtrapolationPruner"]


class CurveExtrapolationPruner(Pruner):
    """Prunes a trial when the forecast of its final value gives it less than
    ``threshold`` probability of beating the best COMPLETE trial.

    The best is read on the same curve: each COMPLETE trial's reported value
    at the forecast's step (``max_resource - 1``), its final value only if it
    did not report that step. So the objective may differ from the reported
    curve (report the validation loss, return the error rate or the best
    epoch's score) without the forecast being compared with another quantity.

    At each decision the trial's curve so far is fitted by a weighted ensemble
    of monotone curve families (power law, exponential, log-power/MMF,
    Weibull/Janoschek, inverse logarithm; see
    :mod:`hypersense.pruners.curves`), giving a predictive distribution of its
    value at step ``max_resource - 1``. Every decision stores the forecast on
    the trial as the system attribute ``curve_forecast``: ``{"step",
    "target_step", "predicted" (median), "interval_90" ([5%, 95%] quantiles),
    "probability_beats_best" (None before a trial completes)}``, in the
    objective's own units. A non-finite last value (a diverged run) is pruned.

    Assumes:
        - Curves improve monotonically on average (noise allowed): a
          validation loss that rises again (over-fitting) is forecast as if it
          had flattened; report the best value so far if the objective returns
          it.
        - A full run reports up to step ``max_resource - 1`` (a COMPLETE
          trial that did not is compared by its final value, which should
          then be the curve's value at its last step).
        - A single objective. Each decision is a fresh test, so over many
          decisions a good trial is pruned more often than ``threshold``.

    Args:
        max_resource: Steps of a full training (the forecast is for step
            ``max_resource - 1``), or "auto": the length of the study's first
            completed trial (no forecast until then).
        threshold: Prune when the probability of beating the best is below
            this, in (0, 1).
        n_startup_trials: No pruning until this many trials are COMPLETE.
        n_warmup_steps: No forecast before this step (at least 4 finite
            values are needed anyway).
        interval_steps: Forecast only every this many steps after warm-up.
        families: Curve families to mix, from
            :data:`hypersense.pruners.curves.FAMILIES`.
    """

    supports_multi_objective: ClassVar[bool] = False

    def __init__(
        self,
        *,
        max_resource: Resource = "auto",
        threshold: float = 0.05,
        n_startup_trials: int = 1,
        n_warmup_steps: int = 5,
        interval_steps: int = 1,
        families: Sequence[str] = tuple(FAMILIES),
    ) -> None:
        self._max_resource = check_resource("max_resource", max_resource)
        self._threshold = check_probability("threshold", threshold)
        self._n_startup_trials = check_int("n_startup_trials", n_startup_trials, minimum=0)
        self._n_warmup_steps = check_int("n_warmup_steps", n_warmup_steps, minimum=0)
        self._interval_steps = check_int("interval_steps", interval_steps, minimum=1)
        if isinstance(families, str) or not families or any(f not in FAMILIES for f in families):
            raise ValueError(
                f"`families` must be a non-empty list of {sorted(FAMILIES)} (got {families!r})"
            )
        self._families = tuple(families)

    def decide(self, history: StudyHistory, trial: FrozenTrial) -> PruneDecision:
        return self.judge(history, trial).decision

    def judge(self, history: StudyHistory, trial: FrozenTrial) -> PruneVerdict:
        """The decision and the forecast (``curve_forecast``) when one was made."""
        maximize = only_direction(self, history) is StudyDirection.MAXIMIZE
        last = trial.last_step
        if not decides_at(
            last, n_warmup_steps=self._n_warmup_steps, interval_steps=self._interval_steps
        ):
            return PruneVerdict(PruneDecision.CONTINUE)
        if not math.isfinite(trial.intermediate_values[last]):
            return PruneVerdict(PruneDecision.PRUNE)  # diverged
        top = resolve_max_resource(self._max_resource, history)
        steps = np.array(sorted(trial.intermediate_values), dtype=float)
        values = np.array([trial.intermediate_values[int(s)] for s in steps], dtype=float)
        if top is None or last >= top - 1 or np.isfinite(values).sum() < MIN_POINTS:
            return PruneVerdict(PruneDecision.CONTINUE)
        sign = -1.0 if maximize else 1.0
        forecast = forecast_curve(steps, sign * values, top - 1, families=self._families)
        best = self._best_loss(history, sign, trial.number, top - 1)
        p_beats = None if best is None else forecast.cdf(best)
        note = _note(forecast if sign > 0 else forecast.negated(), last, top - 1, p_beats)
        if p_beats is not None and p_beats < self._threshold:
            return PruneVerdict(PruneDecision.PRUNE, {FORECAST_ATTR: note})
        return PruneVerdict(PruneDecision.CONTINUE, {FORECAST_ATTR: note})

    def _best_loss(
        self, history: StudyHistory, sign: float, number: int, target_step: int
    ) -> float | None:
        """The best COMPLETE trial's value at ``target_step`` as a loss (its final
        value if it did not report that step), or None before enough completed."""
        done = [t for t in history.completed() if t.number != number and t.values]
        if len(done) < max(self._n_startup_trials, 1):
            return None
        return min(
            sign * t.intermediate_values.get(target_step, t.values[0]) for t in done if t.values
        )


def _note(
    forecast: CurveForecast, step: int, target_step: int, p_beats: float | None
) -> dict[str, Any]:
    """The forecast as stored on the trial, in the objective's units (JSON)."""
    low, high = forecast.quantile(0.05), forecast.quantile(0.95)
    return {
        "step": step,
        "target_step": target_step,
        "predicted": forecast.quantile(0.5),
        "interval_90": [low, high],
        "probability_beats_best": p_beats,
    }
