"""The three suggestion rules, and the checks every rule makes first.

- :class:`SteepestRule`: the rate where the smoothed loss falls fastest against
  ``log10(lr)`` (Smith, 2017), looked for before the loss's minimum.
- :class:`ValleyRule`: the longest stretch over which the smoothed loss keeps
  falling, and the rate two thirds of the way down it on the log scale: well
  into the descent, short of its bottom.
- :class:`MinimumRule`: the rate of the smoothed loss's minimum divided by
  ``divisor`` (10 by default), the rule of thumb of fast.ai's first course.

Every rule reads the losses smoothed without lag (:attr:`LossCurve.trend`).
Before any of them, :func:`examine_curve` drops the first ``skip_start`` share
of the points (where the moving average has seen only a few losses) and the
diverging last point, and refuses curves no rule can read: too few points, a
flat loss, a loss that only rose, or a drop smaller than ``min_snr`` times
the step-to-step noise of the raw losses (:func:`~hypersense.lr.curves.noise_scale`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hypersense._options import check_int
from hypersense.lr.base import LossCurve, Suggestion, SuggestionRule
from hypersense.lr.curves import noise_scale

__all__ = [
    "CurveView",
    "MinimumRule",
    "SteepestRule",
    "ValleyRule",
    "default_rules",
    "examine_curve",
]


@dataclass(frozen=True, eq=False)
class CurveView:
    """The part of a curve rules read, with its minimum located.

    Attributes:
        lrs: Shape ``(m,)``, rates of the points read.
        log_lrs: Shape ``(m,)``, ``log10(lrs)``.
        smoothed: Shape ``(m,)``, smoothed losses of those points.
        i_min: Index (into these arrays) of the smoothed minimum.
        reaches_end: Whether the view ends at the last step of a ramp that
            never diverged (its minimum may lie beyond the range).
    """

    lrs: NDArray[np.float64]
    log_lrs: NDArray[np.float64]
    smoothed: NDArray[np.float64]
    i_min: int
    reaches_end: bool


def examine_curve(
    curve: LossCurve,
    *,
    skip_start: float = 0.1,
    min_points: int = 5,
    flat_tolerance: float = 0.01,
    min_snr: float = 1.0,
) -> CurveView | str:
    """The readable part of ``curve``, or the reason no rule can read it.

    Args:
        curve: One ramp.
        skip_start: Share of the ramp's points ignored at its start.
        min_points: Fewest points left to read.
        flat_tolerance: A curve whose smoothed loss moves by at most this
            share of its largest magnitude is flat.
        min_snr: The drop down to the minimum must be at least this many
            times the noise of one raw loss.
    """
    usable = curve.usable
    lrs, raw = curve.lrs[usable], curve.losses[usable]
    smoothed = curve.trend
    first = min(round(skip_start * len(curve.lrs)), len(lrs))
    keep = np.arange(first, len(lrs))
    keep = keep[np.isfinite(smoothed[keep])]
    if keep.size < min_points:
        where = "diverged" if curve.diverged else "stopped"
        return (
            f"too few points: the ramp {where} after {len(curve.lrs)} steps, leaving "
            f"{keep.size} to read (need {min_points}); lower start_lr or add steps"
        )
    lrs, raw, smoothed = lrs[keep], raw[keep], smoothed[keep]
    span = f"between lr {lrs[0]:.3g} and {lrs[-1]:.3g}"
    top, bottom = float(np.max(smoothed)), float(np.min(smoothed))
    if top - bottom <= flat_tolerance * max(abs(top), abs(bottom)):
        return (
            f"flat: the smoothed loss changed by {_share(top - bottom, top, bottom)} {span}; "
            "the range may lie below where training moves (raise end_lr)"
        )
    i_min = int(np.argmin(smoothed))
    # The movement that matters: the fall down to the minimum, or the rise of a
    # curve whose minimum is its first point.
    change = top - bottom if i_min == 0 else float(np.max(smoothed[: i_min + 1])) - bottom
    noise = noise_scale(raw)
    if noise > 0 and change < min_snr * noise:
        return (
            f"noisy: the smoothed loss moved by {change:.3g}, less than {min_snr:g} x the "
            f"noise of one loss ({noise:.3g}) {span}; use larger batches or more steps"
        )
    if i_min == 0:
        return f"the loss only rose {span}: start_lr is already too high (lower it)"
    reaches_end = not curve.diverged and keep[-1] == len(curve.lrs) - 1
    return CurveView(lrs, np.log10(lrs), smoothed, i_min, bool(reaches_end))


def _share(change: float, top: float, bottom: float) -> str:
    scale = max(abs(top), abs(bottom))
    return f"{100.0 * change / scale:.2g}%" if scale > 0 else f"{change:.3g}"


class _CheckedRule(SuggestionRule):
    """A rule that reads only curves :func:`examine_curve` accepts."""

    def __init__(
        self,
        *,
        skip_start: float = 0.1,
        min_points: int = 5,
        flat_tolerance: float = 0.01,
        min_snr: float = 1.0,
    ) -> None:
        if not 0.0 <= skip_start < 1.0:
            raise ValueError(f"`skip_start` must be in [0, 1) (got {skip_start!r})")
        check_int("min_points", min_points, minimum=3)
        if not flat_tolerance >= 0.0:
            raise ValueError(f"`flat_tolerance` must be >= 0 (got {flat_tolerance!r})")
        if not min_snr >= 0.0:
            raise ValueError(f"`min_snr` must be >= 0 (got {min_snr!r})")
        self._skip_start = skip_start
        self._min_points = min_points
        self._flat_tolerance = flat_tolerance
        self._min_snr = min_snr

    def suggest(self, curve: LossCurve) -> Suggestion:
        view = examine_curve(
            curve,
            skip_start=self._skip_start,
            min_points=self._min_points,
            flat_tolerance=self._flat_tolerance,
            min_snr=self._min_snr,
        )
        if isinstance(view, str):
            return Suggestion.none(self.name, view)
        return self._suggest(view)

    def _suggest(self, view: CurveView) -> Suggestion:
        raise NotImplementedError


class SteepestRule(_CheckedRule):
    """The rate at the steepest descent of the smoothed loss against ``log10(lr)``,
    before its minimum."""

    name = "steepest"

    def _suggest(self, view: CurveView) -> Suggestion:
        descent = slice(0, view.i_min + 1)
        slopes = np.gradient(view.smoothed[descent], view.log_lrs[descent])
        i = int(np.argmin(slopes))
        if not slopes[i] < 0:
            return Suggestion.none(self.name, "the smoothed loss never fell")
        return Suggestion(self.name, float(view.lrs[i]))


class ValleyRule(_CheckedRule):
    """Two thirds of the way (on the log scale) down the longest run of steps
    over which the smoothed loss keeps falling, before its minimum.

    Args:
        position: Where in the valley, from its top (0) to its bottom (1).
        **checks: The options of :func:`examine_curve`.
    """

    name = "valley"

    def __init__(self, *, position: float = 2.0 / 3.0, **checks: Any) -> None:
        super().__init__(**checks)
        if not 0.0 <= position <= 1.0:
            raise ValueError(f"`position` must be in [0, 1] (got {position!r})")
        self._position = position

    def _suggest(self, view: CurveView) -> Suggestion:
        start, end = _longest_fall(view.smoothed[: view.i_min + 1])
        if end - start < 2:
            return Suggestion.none(
                self.name, "no valley: the smoothed loss never fell 2 steps in a row"
            )
        logs = view.log_lrs
        target = logs[start] + self._position * (logs[end] - logs[start])
        i = start + int(np.argmin(np.abs(logs[start : end + 1] - target)))
        return Suggestion(self.name, float(view.lrs[i]))


def _longest_fall(values: NDArray[np.float64]) -> tuple[int, int]:
    """``(start, end)`` of the longest run with ``values[i + 1] < values[i]``
    for ``start <= i < end`` (the earliest of equally long runs)."""
    best, start = (0, 0), 0
    for i in range(1, len(values)):
        if not values[i] < values[i - 1]:
            start = i
        elif i - start > best[1] - best[0]:
            best = (start, i)
    return best


class MinimumRule(_CheckedRule):
    """The rate of the smoothed loss's minimum divided by ``divisor``.

    No suggestion when the loss was still falling at the end of a ramp that
    never diverged: the minimum then lies beyond the range.

    Args:
        divisor: The minimum's rate is divided by this, > 1.
        **checks: The options of :func:`examine_curve`.
    """

    name = "minimum"

    def __init__(self, *, divisor: float = 10.0, **checks: Any) -> None:
        super().__init__(**checks)
        if not (isinstance(divisor, (int, float)) and math.isfinite(divisor) and divisor > 1):
            raise ValueError(f"`divisor` must be a number > 1 (got {divisor!r})")
        self._divisor = float(divisor)

    def _suggest(self, view: CurveView) -> Suggestion:
        if view.reaches_end and view.i_min == len(view.lrs) - 1:
            return Suggestion.none(
                self.name,
                f"never diverged: the loss was still falling at the end of the range "
                f"(lr {view.lrs[-1]:.3g}), so its minimum lies beyond it; raise end_lr",
            )
        return Suggestion(self.name, float(view.lrs[view.i_min]) / self._divisor)


def default_rules() -> tuple[SuggestionRule, ...]:
    """Steepest descent, valley and minimum / 10, with their default checks."""
    return (SteepestRule(), ValleyRule(), MinimumRule())
