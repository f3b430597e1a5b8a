"""Float and integer ranges: linear or log scale, with an optional step."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any, ClassVar

from hypersense.errors import InvalidDistributionError
from hypersense.space.base import Distribution

__all__ = ["FloatDistribution", "IntDistribution"]

# Relative tolerance when checking that a float step divides a range or that a
# value sits on the step grid: steps such as 0.1 are not exact in binary.
_STEP_RTOL = 1e-8


def _is_real(x: object) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def _is_integral(x: object) -> bool:
    return isinstance(x, numbers.Integral) and not isinstance(x, bool)


def _clip01(u: float) -> float:
    if math.isnan(u):
        raise ValueError("cannot decode NaN from the unit interval")
    return min(max(u, 0.0), 1.0)


def _bin_index(u: float, n: int) -> int:
    """Index of the equal-width bin of [0, 1] that holds ``u`` (n bins)."""
    return min(int(_clip01(u) * n), n - 1)


@dataclass(frozen=True)
class FloatDistribution(Distribution):
    """A real-valued range ``[low, high]``, on a linear or log scale.

    Args:
        low: Smallest value (inclusive).
        high: Largest value (inclusive).
        log: Sample and analyse on a log scale; needs ``low > 0``.
        step: Spacing of a discrete grid ``low, low + step, ..., high``; must
            divide ``high - low``. Not allowed together with ``log``.
    """

    low: float
    high: float
    log: bool = False
    step: float | None = None

    kind: ClassVar[str] = "float"

    def __post_init__(self) -> None:
        got = f"low={self.low!r}, high={self.high!r}, log={self.log!r}, step={self.step!r}"
        if not _is_real(self.low) or not _is_real(self.high):
            raise InvalidDistributionError("`low` and `high` must be real numbers", got)
        if not (math.isfinite(self.low) and math.isfinite(self.high)):
            raise InvalidDistributionError("`low` and `high` must be finite", got)
        if self.low > self.high:
            raise InvalidDistributionError(
                "`low` must be <= `high`", f"low={self.low!r}, high={self.high!r}"
            )
        if self.log and self.step is not None:
            raise InvalidDistributionError("`step` cannot be combined with `log=True`", got)
        if self.log and self.low <= 0:
            raise InvalidDistributionError(
                "`low` must be > 0 when `log=True`", f"low={self.low!r}, high={self.high!r}"
            )
        if self.step is not None:
            if not _is_real(self.step) or not math.isfinite(self.step) or self.step <= 0:
                raise InvalidDistributionError("`step` must be a positive number", got)
            n_steps = (self.high - self.low) / self.step
            if abs(n_steps - round(n_steps)) > _STEP_RTOL * max(1.0, abs(n_steps)):
                raise InvalidDistributionError(
                    "`step` must divide `high - low`",
                    f"low={self.low!r}, high={self.high!r}, step={self.step!r}",
                )
        object.__setattr__(self, "low", float(self.low))
        object.__setattr__(self, "high", float(self.high))
        if self.step is not None:
            object.__setattr__(self, "step", float(self.step))

    @property
    def n_values(self) -> int | None:
        if self.low == self.high:
            return 1
        if self.step is None:
            return None
        return round((self.high - self.low) / self.step) + 1

    def _grid_value(self, k: int) -> float:
        assert self.step is not None
        return min(self.low + k * self.step, self.high)

    def contains(self, value: Any) -> bool:
        if not _is_real(value) or not math.isfinite(float(value)):
            return False
        x = float(value)
        span = self.high - self.low
        tol = _STEP_RTOL * max(1.0, abs(self.low), abs(self.high))
        if x < self.low - tol or x > self.high + tol:
            return False
        if self.step is None or span == 0:
            return True
        k = (x - self.low) / self.step
        return abs(k - round(k)) <= _STEP_RTOL * max(1.0, abs(k))

    def to_unit(self, value: Any) -> float:
        x = float(value)
        n = self.n_values
        if n == 1:
            return 0.5
        if n is not None:
            assert self.step is not None
            k = min(max(round((x - self.low) / self.step), 0), n - 1)
            return (k + 0.5) / n
        if self.log:
            lo, hi = math.log(self.low), math.log(self.high)
            if hi == lo:  # e.g. [9.0, 9.000000000000002]: one value in log space
                return 0.5
            return _clip01((math.log(x) - lo) / (hi - lo))
        return _clip01((x - self.low) / (self.high - self.low))

    def from_unit(self, u: float) -> float:
        n = self.n_values
        if n == 1:
            return self.low
        if n is not None:
            return self._grid_value(_bin_index(u, n))
        u = _clip01(u)
        if self.log:
            lo, hi = math.log(self.low), math.log(self.high)
            if hi == lo:
                return self.low
            return min(max(math.exp(lo + u * (hi - lo)), self.low), self.high)
        return min(max(self.low + u * (self.high - self.low), self.low), self.high)

    def grid(self, n_points: int) -> tuple[float, ...]:
        n = self.n_values
        if n is not None:
            return tuple(self.from_unit((k + 0.5) / n) for k in range(n))
        if n_points < 2:
            raise InvalidDistributionError(
                "a grid over a continuous range needs >= 2 points", f"n_points={n_points}"
            )
        return tuple(self.from_unit(k / (n_points - 1)) for k in range(n_points))

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.kind,
            "low": self.low,
            "high": self.high,
            "log": self.log,
            "step": self.step,
        }


@dataclass(frozen=True)
class IntDistribution(Distribution):
    """An integer range ``[low, high]``, on a linear or log scale.

    Args:
        low: Smallest value (inclusive).
        high: Largest value (inclusive).
        log: Sample and analyse on a log scale; needs ``low >= 1`` and ``step == 1``.
        step: Spacing of the values ``low, low + step, ..., high``; must divide
            ``high - low``.
    """

    low: int
    high: int
    log: bool = False
    step: int = 1

    kind: ClassVar[str] = "int"

    def __post_init__(self) -> None:
        got = f"low={self.low!r}, high={self.high!r}, log={self.log!r}, step={self.step!r}"
        for field_name in ("low", "high", "step"):
            value = getattr(self, field_name)
            if _is_real(value) and not _is_integral(value) and float(value).is_integer():
                object.__setattr__(self, field_name, int(value))
            elif not _is_integral(value):
                raise InvalidDistributionError(f"`{field_name}` must be an integer", got)
        object.__setattr__(self, "low", int(self.low))
        object.__setattr__(self, "high", int(self.high))
        object.__setattr__(self, "step", int(self.step))
        if self.low > self.high:
            raise InvalidDistributionError(
                "`low` must be <= `high`", f"low={self.low!r}, high={self.high!r}"
            )
        if self.step < 1:
            raise InvalidDistributionError("`step` must be >= 1", f"step={self.step!r}")
        if self.log and self.step != 1:
            raise InvalidDistributionError("`step` cannot be combined with `log=True`", got)
        if self.log and self.low < 1:
            raise InvalidDistributionError(
                "`low` must be >= 1 when `log=True`", f"low={self.low!r}, high={self.high!r}"
            )
        if (self.high - self.low) % self.step != 0:
            raise InvalidDistributionError(
                "`step` must divide `high - low`",
                f"low={self.low!r}, high={self.high!r}, step={self.step!r}",
            )

    @property
    def n_values(self) -> int:
        return (self.high - self.low) // self.step + 1

    def contains(self, value: Any) -> bool:
        if not _is_integral(value):
            if _is_real(value) and float(value).is_integer():
                value = int(value)
            else:
                return False
        v = int(value)
        return self.low <= v <= self.high and (v - self.low) % self.step == 0

    # On a log scale each integer x owns the bin [x - 1/2, x + 1/2] in log space,
    # so rounding exp(decoded) returns x and a uniform u gives log-uniform values.
    def _log_bounds(self) -> tuple[float, float]:
        return math.log(self.low - 0.5), math.log(self.high + 0.5)

    def to_unit(self, value: Any) -> float:
        v = int(value)
        n = self.n_values
        if n == 1:
            return 0.5
        if self.log:
            lo, hi = self._log_bounds()
            return _clip01((math.log(v) - lo) / (hi - lo))
        k = min(max((v - self.low) // self.step, 0), n - 1)
        return (k + 0.5) / n

    def from_unit(self, u: float) -> int:
        n = self.n_values
        if n == 1:
            return self.low
        if self.log:
            lo, hi = self._log_bounds()
            x = math.exp(lo + _clip01(u) * (hi - lo))
            return min(max(math.floor(x + 0.5), self.low), self.high)
        return self.low + _bin_index(u, n) * self.step

    def grid(self, n_points: int) -> tuple[int, ...]:
        return tuple(range(self.low, self.high + 1, self.step))

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.kind,
            "low": self.low,
            "high": self.high,
            "log": self.log,
            "step": self.step,
        }
