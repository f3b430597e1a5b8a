"""A finite, unordered set of choices."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from hypersense.errors import InvalidDistributionError
from hypersense.space.base import Distribution

__all__ = ["CategoricalChoice", "CategoricalDistribution"]

#: The types a categorical choice may have (JSON-representable scalars).
CategoricalChoice = str | int | float | bool | None

_ALLOWED = (str, int, float, bool, type(None))


def _choice_key(value: Any) -> tuple[str, Any]:
    """A key that tells ``True`` from ``1`` and ``1`` from ``1.0``."""
    return (type(value).__name__, value)


@dataclass(frozen=True)
class CategoricalDistribution(Distribution):
    """One of a fixed list of choices (str, int, float, bool or None).

    The choices are unordered for modelling purposes; their encoding gives each
    choice an equal-width bin of [0, 1] in the order given.

    Args:
        choices: The values, at least one, no duplicates.
    """

    choices: tuple[CategoricalChoice, ...]

    kind: ClassVar[str] = "categorical"

    def __post_init__(self) -> None:
        if isinstance(self.choices, (str, bytes)) or not isinstance(self.choices, Sequence):
            raise InvalidDistributionError(
                "`choices` must be a list or tuple of values", f"choices={self.choices!r}"
            )
        choices = tuple(self.choices)
        if not choices:
            raise InvalidDistributionError("`choices` must not be empty", "choices=()")
        seen: set[tuple[str, Any]] = set()
        for c in choices:
            if not isinstance(c, _ALLOWED):
                raise InvalidDistributionError(
                    "each choice must be str, int, float, bool or None",
                    f"{c!r} of type {type(c).__name__}",
                )
            if isinstance(c, float) and not math.isfinite(c):
                raise InvalidDistributionError("float choices must be finite", f"{c!r}")
            key = _choice_key(c)
            if key in seen:
                raise InvalidDistributionError(
                    "`choices` must not contain duplicates", f"{c!r} twice in {list(choices)!r}"
                )
            seen.add(key)
        object.__setattr__(self, "choices", choices)

    @property
    def n_values(self) -> int:
        return len(self.choices)

    def index(self, value: Any) -> int:
        """Position of ``value`` among the choices; raises ``ValueError`` if absent."""
        key = _choice_key(value)
        for i, c in enumerate(self.choices):
            if _choice_key(c) == key:
                return i
        raise ValueError(f"{value!r} is not one of the choices {list(self.choices)!r}")

    def contains(self, value: Any) -> bool:
        try:
            self.index(value)
        except ValueError:
            return False
        return True

    def to_unit(self, value: Any) -> float:
        return (self.index(value) + 0.5) / len(self.choices)

    def from_unit(self, u: float) -> CategoricalChoice:
        if math.isnan(u):
            raise ValueError("cannot decode NaN from the unit interval")
        n = len(self.choices)
        return self.choices[min(int(min(max(u, 0.0), 1.0) * n), n - 1)]

    def grid(self, n_points: int) -> tuple[CategoricalChoice, ...]:
        return self.choices

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "choices": list(self.choices)}

    def __hash__(self) -> int:
        return hash(tuple(_choice_key(c) for c in self.choices))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CategoricalDistribution):
            return NotImplemented
        return [_choice_key(c) for c in self.choices] == [_choice_key(c) for c in other.choices]
