"""Applying :class:`~hypersense.analysis.advice.rules.AdviceRules` to one parameter.

:func:`judge_parameter` takes a parameter's evidence (its importance entry,
its marginal curve, the best trial's value, the noise floor) and returns its
:class:`~hypersense.analysis.advice.results.ParameterAdvice`. The rules, their
order and their thresholds are documented on ``AdviceRules``; the numerics are
in :mod:`.advice.rules`, the distribution arithmetic in :mod:`.advice.ranges`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hypersense.analysis.advice.changes import (
    Change,
    ChangeScale,
    DropChoices,
    FixValue,
    NarrowRange,
    format_value,
)
from hypersense.analysis.advice.ranges import (
    fixed_distribution,
    is_numeric,
    narrowed_distribution,
    readable_value,
    rescaled_distribution,
    supports_log,
)
from hypersense.analysis.advice.results import ParameterAdvice, Verdict
from hypersense.analysis.advice.rules import (
    AdviceRules,
    better_scale,
    kept_interval,
    near_optimum,
    scale_concentrations,
    to_loss,
)
from hypersense.analysis.marginal_results import MarginalCurve
from hypersense.analysis.results import Estimate, ParameterImportance
from hypersense.space.base import Distribution
from hypersense.space.categorical import CategoricalDistribution
from hypersense.space.numeric import FloatDistribution, IntDistribution

__all__ = ["ParameterEvidence", "judge_parameter", "needs_curve"]


@dataclass(frozen=True)
class ParameterEvidence:
    """Everything the rules look at for one parameter.

    Attributes:
        importance: Its entry of the importance result of its scope.
        distribution: The distribution the study searched.
        curve: Its marginal curve in its scope, or None.
        best_value: Its value in the scope's best trial.
        minimize: Whether smaller objective values are better.
        noise_floor: The seed standard deviation (objective units), or None.
        beats_noise: A noise analysis's verdict on it (None: not tested).
        condition: The branch of its scope (empty: the whole study).
    """

    importance: ParameterImportance
    distribution: Distribution
    curve: MarginalCurve | None
    best_value: Any
    minimize: bool
    noise_floor: float | None = None
    beats_noise: bool | None = None
    condition: Mapping[str, Any] = dataclasses.field(default_factory=dict)


def _arrays(curve: MarginalCurve) -> tuple[NDArray[np.float64], ...]:
    return (
        np.asarray(curve.mean, dtype=float),
        np.asarray(curve.low, dtype=float),
        np.asarray(curve.high, dtype=float),
    )


def _swings(curve: MarginalCurve | None) -> tuple[float | None, float | None]:
    """The marginal's swing and the largest swing its band allows."""
    if curve is None or not curve.mean:
        return None, None
    mean, low, high = _arrays(curve)
    swing = float(np.max(mean) - np.min(mean))
    if np.all(np.isfinite(low)) and np.all(np.isfinite(high)):
        return swing, max(swing, float(np.max(high) - np.min(low)))
    return swing, swing


def _effect(p: ParameterImportance) -> tuple[Estimate, str]:
    """The effect the fix rule bounds: the total effect, else the importance."""
    if p.total_effect is not None:
        return p.total_effect, "total effect"
    return Estimate(p.importance, p.ci_low, p.ci_high), "importance"


def _percent(x: float) -> str:
    return f"{x:.2%}"


def _at_most(x: float) -> str:
    """An upper bound as a percentage, never printed as 0.00%."""
    return f"{max(x, 1e-4):.2%}"


def needs_curve(ev: ParameterEvidence, rules: AdviceRules, *, r2: float) -> bool:
    """Whether the rules may look at the parameter's marginal curve: not when
    the fit is too weak, nor when the effect bound alone decides (fixed by rule
    2, or undecided by rule 4 with no noise floor for rule 3 to use)."""
    effect, _ = _effect(ev.importance)
    if r2 < rules.min_r2 or effect.ci_high < rules.fix_below:
        return False
    return ev.noise_floor is not None or effect.ci_low >= rules.fix_below


def _verdict(ev: ParameterEvidence, rules: AdviceRules, r2: float) -> tuple[Verdict, str]:
    """Rules 1 to 5 of :class:`AdviceRules`: the verdict and its reason."""
    p = ev.importance
    if r2 < rules.min_r2:
        return Verdict.CANNOT_TELL, (
            f"the {p.surrogate} surrogate predicts only R2={r2:.2f} of the variance out of "
            f"sample (< {rules.min_r2:g})"
        )
    effect, label = _effect(p)
    if effect.ci_high < rules.fix_below:
        return Verdict.NEGLIGIBLE, (
            f"its {label} is at most {_at_most(effect.ci_high)} of the modelled variance (upper "
            f"end of its interval), below {rules.fix_below:.0%}"
        )
    swing, swing_high = _swings(ev.curve)
    floor = ev.noise_floor
    if floor is not None and swing is not None and swing_high is not None and not ev.beats_noise:
        if swing_high < floor:
            return Verdict.NEGLIGIBLE, (
                f"its marginal swings by at most {swing_high:.3g}, less than the noise floor "
                f"{floor:.3g}: tuning it chases seed noise"
            )
        if swing < floor:
            return Verdict.CANNOT_TELL, (
                f"its marginal swings by {swing:.3g}, within the noise floor {floor:.3g} "
                f"(up to {swing_high:.3g} within its band)"
            )
    if effect.ci_low < rules.fix_below:
        return Verdict.CANNOT_TELL, (
            f"its {label}'s interval [{_percent(effect.ci_low)}, {_percent(effect.ci_high)}] "
            "reaches below "
            f"{rules.fix_below:.0%}; more trials will tell"
        )
    return Verdict.MATTERS, (
        f"its {label} is {effect.value:.1%} [{effect.ci_low:.1%}, {effect.ci_high:.1%}] of the "
        "modelled variance"
    )


def _fix(ev: ParameterEvidence, value: Any, reason: str) -> tuple[tuple[Change, ...], Distribution]:
    shown = readable_value(ev.distribution, value)
    return (FixValue(shown, reason),), fixed_distribution(ev.distribution, shown)


def _tolerance(ev: ParameterEvidence, rules: AdviceRules) -> float:
    swing, _ = _swings(ev.curve)
    return max(rules.near_optimum * (swing or 0.0), ev.noise_floor or 0.0)


def _narrowing(
    ev: ParameterEvidence, curve: MarginalCurve, rules: AdviceRules
) -> tuple[NarrowRange | FixValue | None, Distribution]:
    """Rule 5's narrowing of a numeric range; the change (or None) and the result."""
    dist = ev.distribution
    mean, low, high = _arrays(curve)
    u = dist.to_unit_array(list(curve.values))
    tolerance = _tolerance(ev, rules)
    keep = near_optimum(mean, low, high, minimize=ev.minimize, tolerance=tolerance)
    discrete = dist.n_values is not None and len(curve.values) == dist.n_values
    margin = rules.margin if discrete else max(rules.margin, 1.0 / max(len(u) - 1, 1))
    lo, hi = kept_interval(u, keep, also=dist.to_unit(ev.best_value), margin=margin)
    if hi - lo > 1.0 - rules.min_cut:
        return None, dist
    narrowed = narrowed_distribution(dist, lo, hi)
    loss, _, _ = to_loss(mean, low, high, minimize=ev.minimize)
    best = int(np.argmin(loss))
    reason = (
        f"elsewhere its marginal mean is clearly worse than at its optimum "
        f"{format_value(curve.values[best])} (bands apart and more than {tolerance:.3g} off); "
        "the range keeps the best trial's value"
    )
    if best in (0, len(curve.values) - 1):
        side = "below" if best == 0 else "above"
        reason += f"; the optimum is at the searched range's end: better values may lie {side} it"
    if narrowed.is_single:
        fixed = narrowed.from_unit(0.5)
        return FixValue(fixed, reason), fixed_distribution(dist, fixed)
    if narrowed == dist or not isinstance(narrowed, (FloatDistribution, IntDistribution)):
        return None, dist
    return NarrowRange(narrowed.low, narrowed.high, reason), narrowed


def _scale(
    ev: ParameterEvidence, curve: MarginalCurve, rules: AdviceRules
) -> tuple[str | None, ChangeScale | None]:
    """Rule 5's scale: the fitting scale (or None) and a change when it differs."""
    dist = ev.distribution
    if not isinstance(dist, (FloatDistribution, IntDistribution)) or dist.step not in (None, 1):
        return None, None
    low, high, is_log = float(dist.low), float(dist.high), dist.log
    if not (is_log or supports_log(dist)) or low <= 0 or high < rules.min_scale_ratio * low:
        return None, None
    x = np.array([float(v) for v in curve.values])
    order = np.argsort(x)
    mean = np.asarray(curve.mean, dtype=float)[order]
    linear, log = scale_concentrations(x[order], mean, low=low, high=high)
    fits = better_scale(linear, log, threshold=rules.scale_concentration)
    if fits is None or (fits == "log") == is_log:
        return fits, None
    misfit, share, other = ("linear", linear, log) if fits == "log" else ("log", log, linear)
    reason = (
        f"on a {misfit} axis {share:.0%} of its marginal's variation falls in a tenth of the "
        f"range, against {other:.0%} on a {fits} axis"
    )
    return fits, ChangeScale(fits == "log", reason)


def _dropping(
    ev: ParameterEvidence, curve: MarginalCurve, rules: AdviceRules
) -> tuple[tuple[Change, ...], Distribution]:
    """Rule 5's dropping of clearly worse categorical choices."""
    dist = ev.distribution
    assert isinstance(dist, CategoricalDistribution)
    loss, loss_low, loss_high = to_loss(*_arrays(curve), minimize=ev.minimize)
    best = int(np.argmin(loss))
    gap = ev.noise_floor or 0.0
    best_trial = dist.index(ev.best_value) if dist.contains(ev.best_value) else -1
    dropped: list[int] = []
    for i, choice in enumerate(curve.values):
        apart = math.isfinite(loss_low[i]) and loss_low[i] > loss_high[best]
        if apart and loss[i] - loss[best] > gap and dist.index(choice) != best_trial:
            dropped.append(dist.index(choice))
    if not dropped:
        return (), dist
    kept = tuple(c for i, c in enumerate(dist.choices) if i not in dropped)
    gone = tuple(dist.choices[i] for i in sorted(dropped))
    reason = (
        f"the marginal of {', '.join(format_value(c) for c in gone)} is clearly worse than that "
        f"of {format_value(curve.values[best])} (bands apart)"
    )
    if len(kept) == 1:
        return _fix(ev, kept[0], reason)
    return (DropChoices(gone, kept, reason),), CategoricalDistribution(kept)


def _search_changes(
    ev: ParameterEvidence, rules: AdviceRules
) -> tuple[tuple[Change, ...], Distribution, str | None]:
    """Changes for a parameter that matters: narrowing, scale, dropped choices."""
    curve = ev.curve
    if curve is None or len(curve.values) < 2:
        return (), ev.distribution, None
    if not is_numeric(ev.distribution):
        dropping, kept = _dropping(ev, curve, rules)
        return dropping, kept, None
    narrowing, suggested = _narrowing(ev, curve, rules)
    if isinstance(narrowing, FixValue):
        return (narrowing,), suggested, None
    fits, rescale = _scale(ev, curve, rules)
    changes: list[Change] = [] if narrowing is None else [narrowing]
    if rescale is not None:
        changes.append(rescale)
        suggested = rescaled_distribution(suggested, log=rescale.log)
    return tuple(changes), suggested, fits


def judge_parameter(ev: ParameterEvidence, rules: AdviceRules, *, r2: float) -> ParameterAdvice:
    """The verdict on one parameter and the changes it calls for.

    Args:
        ev: The parameter's evidence.
        rules: The thresholds.
        r2: Cross-validated R² of the surrogate of the parameter's scope.
    """
    verdict, reason = _verdict(ev, rules, r2)
    changes: tuple[Change, ...] = ()
    suggested, scale = ev.distribution, None
    if verdict is Verdict.NEGLIGIBLE:
        changes, suggested = _fix(ev, ev.best_value, f"negligible: {reason}")
    elif verdict is Verdict.MATTERS:
        changes, suggested, scale = _search_changes(ev, rules)
    p = ev.importance
    return ParameterAdvice(
        name=p.name,
        verdict=verdict,
        reason=f"{verdict.value}: {reason}",
        importance=p.importance,
        ci_low=p.ci_low,
        ci_high=p.ci_high,
        main_effect=p.main_effect,
        total_effect=p.total_effect,
        method=p.method,
        surrogate=p.surrogate,
        r2=r2,
        searched=ev.distribution,
        suggested=suggested,
        changes=changes,
        scale=scale,
        swing=_swings(ev.curve)[0],
        condition=dict(ev.condition),
    )
