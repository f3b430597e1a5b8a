"""The rules behind the advice, their thresholds, and their numerical cores.

:class:`AdviceRules` holds every threshold :func:`hypersense.analysis.advice.advise`
applies, with the reason for its default. The functions below are the rules'
numerics: pure functions on numpy arrays (a marginal curve's grid, mean and
band), with shapes in their docstrings, so they are tested on known curves
without any study.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "SCALE_WINDOW",
    "AdviceRules",
    "better_scale",
    "kept_interval",
    "near_optimum",
    "resample_on_axis",
    "scale_concentrations",
    "to_loss",
    "variation_concentration",
]

#: Width of the window (a fraction of an axis) in which the scale rule looks
#: for concentrated variation.
SCALE_WINDOW = 0.1
# Points of the uniform grid a curve is resampled on, per axis.
_RESAMPLE_INTERVALS = 100


def _check_fraction(name: str, value: object, low: float, high: float) -> None:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        raise ValueError(f"`{name}` must be a number in [{low}, {high}] (got {value!r})")
    if not low <= value <= high:
        raise ValueError(f"`{name}` must be in [{low}, {high}] (got {value!r})")


@dataclass(frozen=True)
class AdviceRules:
    """The thresholds of the advice, each with why it has its default.

    Rules, in the order they are applied to a parameter:

    1. **Fit.** When the surrogate's cross-validated R² of the parameter's
       scope is below ``min_r2``, nothing is advised ("cannot tell"): more
       than half of the variance the surrogate should predict on unseen
       trials is then missed, and the importance result itself carries a note
       that it means little (the same 0.5).
    2. **Negligible.** When the upper end of the interval of the parameter's
       *total* effect (interactions included; the normalised importance for
       permutation, which measures totals) is below ``fix_below``, fix it at
       the best trial's value. A total effect of 1% of the modelled variance
       moves the objective by at most about ``sqrt(0.01) = 10%`` of its
       standard deviation, so fixing the parameter costs at most that. The
       best trial's value is used because a negligible parameter's marginal
       is flat within its band (its minimum is a coin toss), while the best
       trial's value is known to work with the other parameters.
    3. **Within noise.** With a noise floor (the seed standard deviation of
       a noise analysis, or of configurations the study repeated), compare
       it with the *swing* of the parameter's marginal curve (largest minus
       smallest mean): a swing whose upper bound (largest upper band end
       minus smallest lower band end) is below the floor is negligible —
       tuning it chases seed noise — and a swing below the floor whose upper
       bound is not is "cannot tell". A noise analysis that found the
       parameter distinguishable from noise overrides this rule.
    4. **Undecided.** When the total effect's interval reaches below
       ``fix_below`` but not its upper end: "cannot tell" (more trials decide).
    5. **Matters.** Otherwise the parameter matters, and its marginal curve
       says how to search it:

       * *Narrow* a numeric range to the values not clearly worse than the
         marginal's optimum: a grid point is kept when its band reaches the
         optimum's band (not interval-separated), or its mean is within
         ``near_optimum`` of the marginal's swing (it loses at most that
         share of what tuning the parameter gains), or within the noise
         floor. The kept span, and the best trial's value, are widened by
         ``margin`` of the encoded range on each side (at least one grid
         step, as the boundary lies between grid points and the marginal
         averages over the other parameters), clipped to the original range
         and rounded outward on the parameter's int/step/log grid. Narrowing
         is advised only when it removes at least ``min_cut`` of the
         encoded range: smaller cuts save little search and risk much.
       * *Scale.* For a positive range spanning at least ``min_scale_ratio``
         (one decade; over less, log and linear axes barely differ), resample
         the marginal uniformly on a linear and on a log axis and measure on
         each the largest share of its total variation inside a window of
         :data:`SCALE_WINDOW` (10%) of the axis. On a fitting axis the effect
         is spread out (a straight line gives 0.1); on a wrong one it is
         squeezed into a corner (``log x`` on a linear axis over four decades
         puts ~75% in the first tenth). The axis with the smaller share fits
         when the other's share is at least ``scale_concentration`` and at
         least twice as large; otherwise the scale is left undecided.
       * *Drop choices* of a categorical whose marginal is clearly worse than
         the best choice's: their bands do not overlap (and the gap exceeds
         the noise floor when one is known). The best trial's choice is never
         dropped; when one choice remains, the parameter is fixed at it.

    Args:
        min_r2: Cross-validated R² below which a scope gets no advice.
        fix_below: Total-effect bound (fraction of modelled variance) below
            which a parameter is fixed.
        near_optimum: Fraction of a marginal's swing within which a value
            counts as near the optimum when narrowing.
        margin: Widening of a narrowed range on each side, as a fraction of
            the encoded range.
        min_cut: Least fraction of the encoded range a narrowing must remove.
        min_scale_ratio: Least ``high / low`` for judging the scale.
        scale_concentration: Least share of variation in one window that
            makes an axis a misfit.
    """

    min_r2: float = 0.5
    fix_below: float = 0.01
    near_optimum: float = 0.1
    margin: float = 0.05
    min_cut: float = 0.25
    min_scale_ratio: float = 10.0
    scale_concentration: float = 0.3

    def __post_init__(self) -> None:
        _check_fraction("min_r2", self.min_r2, -math.inf, 1.0)
        _check_fraction("fix_below", self.fix_below, 0.0, 1.0)
        _check_fraction("near_optimum", self.near_optimum, 0.0, 1.0)
        _check_fraction("margin", self.margin, 0.0, 0.5)
        _check_fraction("min_cut", self.min_cut, 0.0, 1.0)
        _check_fraction("min_scale_ratio", self.min_scale_ratio, 1.0, math.inf)
        _check_fraction("scale_concentration", self.scale_concentration, SCALE_WINDOW, 1.0)
        for f in fields(self):
            object.__setattr__(self, f.name, float(getattr(self, f.name)))

    def to_dict(self) -> dict[str, float]:
        """The thresholds by name."""
        return {f.name: float(getattr(self, f.name)) for f in fields(self)}


def to_loss(
    mean: NDArray[np.float64],
    low: NDArray[np.float64],
    high: NDArray[np.float64],
    *,
    minimize: bool,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """A curve and its band turned so that smaller is better; each shape ``(g,)``.

    Returns ``(loss, loss_low, loss_high)``; for a maximised objective the band
    ends swap along with the sign.
    """
    if minimize:
        return mean, low, high
    return -mean, -high, -low


def near_optimum(
    mean: NDArray[np.float64],
    low: NDArray[np.float64],
    high: NDArray[np.float64],
    *,
    minimize: bool,
    tolerance: float,
) -> NDArray[np.bool_]:
    """Which grid points of a marginal curve are not clearly worse than its optimum.

    Args:
        mean: The curve's mean at each grid point; shape ``(g,)``.
        low: Lower end of its band; shape ``(g,)`` (NaN: no band).
        high: Upper end of its band; shape ``(g,)``.
        minimize: Whether smaller objective values are better.
        tolerance: A mean within this of the optimum's counts as near it
            (objective units, >= 0).

    Returns:
        Shape ``(g,)``: True where the point's band reaches the optimum's band
        or its mean is within ``tolerance`` of the optimum's. The optimum
        itself is always True.
    """
    loss, loss_low, loss_high = to_loss(mean, low, high, minimize=minimize)
    best = int(np.argmin(loss))
    close = loss - loss[best] <= tolerance
    with np.errstate(invalid="ignore"):
        overlapping = loss_low <= loss_high[best]
    keep: NDArray[np.bool_] = close | np.where(np.isnan(loss_low), False, overlapping)
    keep[best] = True
    return keep


def kept_interval(
    u: NDArray[np.float64],
    keep: NDArray[np.bool_],
    *,
    also: float | None,
    margin: float,
) -> tuple[float, float]:
    """The encoded span of the kept grid points, widened on each side.

    Args:
        u: Encoded positions of the grid points in [0, 1]; shape ``(g,)``.
        keep: Which points to keep; shape ``(g,)``, at least one True.
        also: An extra encoded position to include (the best trial's), or None.
        margin: Widening on each side; the result is clipped to [0, 1].
    """
    kept = u[keep]
    lo, hi = float(np.min(kept)), float(np.max(kept))
    if also is not None and math.isfinite(also):
        lo, hi = min(lo, also), max(hi, also)
    return max(0.0, lo - margin), min(1.0, hi + margin)


def variation_concentration(values: NDArray[np.float64], *, window: float = SCALE_WINDOW) -> float:
    """The largest share of a curve's total variation inside one window of its axis.

    Args:
        values: The curve at ``m + 1`` evenly spaced points of its axis;
            shape ``(m + 1,)``.
        window: Width of the window as a fraction of the axis.

    Returns:
        In [0, 1]: ``max_w sum_{i in w} |v[i+1] - v[i]| / sum_i |v[i+1] - v[i]|``
        over windows of ``round(window * m)`` consecutive steps; ``window``
        itself for a straight line, 0 for a constant curve.
    """
    steps = np.abs(np.diff(np.asarray(values, dtype=float)))
    total = float(np.sum(steps))
    if steps.size == 0 or total <= 0.0:
        return 0.0
    width = max(1, min(steps.size, round(window * steps.size)))
    cumulative = np.concatenate(([0.0], np.cumsum(steps)))
    return float(np.max(cumulative[width:] - cumulative[:-width]) / total)


def _axis_position(
    x: NDArray[np.float64], low: float, high: float, log: bool
) -> NDArray[np.float64]:
    """Where values ``x`` sit on a linear or log axis from ``low`` to ``high``, in [0, 1]."""
    if log:
        out: NDArray[np.float64] = (np.log(x) - math.log(low)) / (math.log(high) - math.log(low))
        return out
    return (x - low) / (high - low)


def resample_on_axis(
    x: NDArray[np.float64],
    mean: NDArray[np.float64],
    *,
    low: float,
    high: float,
    axis_log: bool,
    n_intervals: int = _RESAMPLE_INTERVALS,
) -> NDArray[np.float64]:
    """A marginal curve at evenly spaced points of a linear or log axis.

    Between known points the curve is taken as straight on the axis being
    resampled: where the grid says nothing (a linear grid has one point in the
    lowest decades of a wide range), no axis is blamed for it.

    Args:
        x: Parameter values of the known points, increasing; shape ``(g,)``.
        mean: The curve there; shape ``(g,)``.
        low: Lower end of the range (> 0 for a log axis).
        high: Upper end of the range (> ``low``).
        axis_log: Whether to resample on a log axis.
        n_intervals: Steps of the resampled grid.

    Returns:
        Shape ``(n_intervals + 1,)``.
    """
    t = np.linspace(0.0, 1.0, n_intervals + 1)
    known = _axis_position(np.asarray(x, dtype=float), low, high, axis_log)
    out: NDArray[np.float64] = np.interp(t, known, np.asarray(mean, dtype=float))
    return out


def scale_concentrations(
    x: NDArray[np.float64],
    mean: NDArray[np.float64],
    *,
    low: float,
    high: float,
) -> tuple[float, float]:
    """``(linear, log)``: :func:`variation_concentration` of a marginal curve
    resampled on a linear and on a log axis (see :func:`resample_on_axis`)."""
    shares = []
    for axis_log in (False, True):
        curve = resample_on_axis(x, mean, low=low, high=high, axis_log=axis_log)
        shares.append(variation_concentration(curve))
    return shares[0], shares[1]


def better_scale(linear: float, log: float, *, threshold: float) -> str | None:
    """``"log"``, ``"linear"`` or None (undecided) from the two concentrations.

    An axis is a misfit when its concentration is at least ``threshold`` and at
    least twice the other's; the other axis then fits.
    """
    if log >= threshold and log >= 2.0 * linear:
        return "linear"
    if linear >= threshold and linear >= 2.0 * log:
        return "log"
    return None
