"""Turning advice into distributions: narrowed ranges, fixed values, other scales.

Every result is a valid distribution of the same kind as the searched one and
never reaches outside it: a narrowed range is rounded *outward* to readable
numbers (two significant digits on a log scale, a hundredth of the range's
order of magnitude on a linear one) and then clipped to the original bounds;
integers and stepped floats stay on their grid.
"""

from __future__ import annotations

import math
from typing import Any

from hypersense.space.base import Distribution
from hypersense.space.categorical import CategoricalDistribution
from hypersense.space.numeric import FloatDistribution, IntDistribution

__all__ = [
    "fixed_distribution",
    "is_numeric",
    "narrowed_distribution",
    "readable_value",
    "rescaled_distribution",
    "supports_log",
]

# Significant digits of a fixed float value.
_FIXED_DIGITS = 4
# Significant digits of the ends of a narrowed log range.
_LOG_DIGITS = 2
# A narrowed linear range is rounded to 10**(order of magnitude of the range - this).
_LINEAR_DIGITS = 2


def is_numeric(distribution: Distribution) -> bool:
    """Whether ``distribution`` is an ordered numeric range (float or int)."""
    return isinstance(distribution, (FloatDistribution, IntDistribution))


def supports_log(distribution: Distribution) -> bool:
    """Whether ``distribution`` may be searched on a log scale: a positive range
    without a step (``low >= 1`` for integers)."""
    if isinstance(distribution, FloatDistribution):
        return distribution.step is None and distribution.low > 0.0
    if isinstance(distribution, IntDistribution):
        return distribution.step == 1 and distribution.low >= 1
    return False


def _round_significant(x: float, digits: int, *, up: bool) -> float:
    """``x`` rounded to ``digits`` significant digits, up or down."""
    if x == 0.0 or not math.isfinite(x):
        return x
    decimals = digits - 1 - math.floor(math.log10(abs(x)))
    return _round_to_resolution(x, -decimals, up=up)


def _round_to_resolution(x: float, resolution_exp: int, *, up: bool) -> float:
    """``x`` rounded up or down to a multiple of ``10**resolution_exp``.

    A value within a billionth of a multiple is that multiple: binary floats
    put 0.35 a hair off 35 hundredths, which must not round to 0.36.
    """
    unit = 10.0**resolution_exp
    scaled = x / unit if unit > 0.0 else math.inf
    if not math.isfinite(scaled):
        return x  # a range too small or too large to round readably
    nearest = round(scaled)
    if abs(scaled - nearest) <= 1e-9:
        whole = nearest
    else:
        whole = math.ceil(scaled) if up else math.floor(scaled)
    return round(whole * unit, max(-resolution_exp, 0))


def readable_value(distribution: Distribution, value: Any) -> Any:
    """A fixed value easier to read: a continuous float to 4 significant
    digits when that stays in range; other values unchanged."""
    if not isinstance(distribution, FloatDistribution) or distribution.step is not None:
        return value
    short = float(f"{float(value):.{_FIXED_DIGITS}g}")
    return short if distribution.contains(short) else float(value)


def fixed_distribution(distribution: Distribution, value: Any) -> Distribution:
    """A one-value distribution of the kind of ``distribution``."""
    if isinstance(distribution, FloatDistribution):
        return FloatDistribution(float(value), float(value))
    if isinstance(distribution, IntDistribution):
        return IntDistribution(int(value), int(value))
    return CategoricalDistribution((value,))


def _readable_float_range(dist: FloatDistribution, low: float, high: float) -> tuple[float, float]:
    original_low, original_high = low, high
    if dist.log:
        low = _round_significant(low, _LOG_DIGITS, up=False)
        high = _round_significant(high, _LOG_DIGITS, up=True)
    else:
        span = dist.high - dist.low
        exp = math.floor(math.log10(span)) - _LINEAR_DIGITS
        low = _round_to_resolution(low, exp, up=False)
        high = _round_to_resolution(high, exp, up=True)
    readable = max(low, dist.low), min(high, dist.high)
    # Snapping to the rounding grid may cross over in a range far below its unit.
    return readable if readable[0] <= readable[1] else (original_low, original_high)


def _on_grid(distribution: FloatDistribution, value: float) -> float:
    """A grid value without binary noise (0.7, not 0.7000000000000001)."""
    tidy = round(value, 12)
    inside = distribution.low <= tidy <= distribution.high and distribution.contains(tidy)
    return tidy if inside and abs(tidy - value) <= 1e-12 * max(1.0, abs(value)) else value


def narrowed_distribution(distribution: Distribution, u_low: float, u_high: float) -> Distribution:
    """The part of a numeric ``distribution`` between encoded positions
    ``u_low <= u_high`` (in [0, 1]), rounded outward, same kind and scale.

    Raises:
        TypeError: For a categorical distribution.
    """
    if distribution.is_single:
        return distribution
    low_value = distribution.from_unit(u_low)
    high_value = distribution.from_unit(u_high)
    if isinstance(distribution, IntDistribution):
        return IntDistribution(
            int(low_value), int(high_value), log=distribution.log, step=distribution.step
        )
    if isinstance(distribution, FloatDistribution):
        if distribution.step is not None:
            low, high = _on_grid(distribution, low_value), _on_grid(distribution, high_value)
            return FloatDistribution(low, high, step=distribution.step)
        low, high = _readable_float_range(distribution, low_value, high_value)
        return FloatDistribution(low, high, log=distribution.log)
    raise TypeError(f"cannot narrow a {type(distribution).__name__}")


def rescaled_distribution(distribution: Distribution, *, log: bool) -> Distribution:
    """``distribution`` searched on a log (or linear) scale instead.

    Raises:
        ValueError: When a log scale is asked of a range that cannot have one.
    """
    if log and not supports_log(distribution):
        raise ValueError(f"{distribution!r} cannot be searched on a log scale")
    if isinstance(distribution, FloatDistribution):
        return FloatDistribution(distribution.low, distribution.high, log=log)
    if isinstance(distribution, IntDistribution):
        return IntDistribution(distribution.low, distribution.high, log=log)
    raise ValueError(f"{distribution!r} has no scale")
