"""The contract every search-space distribution keeps.

A distribution describes the values one hyperparameter may take and maps them
to and from the unit interval. That map is *the* encoding of hypersense: every
sampler proposes in the unit cube and every analysis measures effects there,
so a log-scaled learning rate is analysed on its log scale and an integer or a
categorical is a set of equal-width bins.

Lifecycle: a distribution is built (and validated) when a parameter is first
suggested or a space is declared; it is immutable, hashable, compared by value,
and stored as JSON next to every value drawn from it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

__all__ = ["Distribution", "ParamValue"]

#: A value a parameter may take: float, int, or a categorical choice.
ParamValue = Any


class Distribution(ABC):
    """The values one hyperparameter may take, and their unit-interval encoding."""

    kind: ClassVar[str]

    @abstractmethod
    def contains(self, value: ParamValue) -> bool:
        """Whether ``value`` is a value of this distribution (bounds, step, type)."""

    @abstractmethod
    def to_unit(self, value: ParamValue) -> float:
        """Encode ``value`` as a point of [0, 1]; ``from_unit`` inverts it exactly."""

    @abstractmethod
    def from_unit(self, u: float) -> ParamValue:
        """Decode a point of [0, 1] (clipped) into a value of this distribution."""

    def middle(self) -> ParamValue:
        """The middle of the range in its encoding: the geometric middle of a log
        range, the middle value of an integer range or of the list of choices."""
        return self.from_unit(0.5)

    @property
    @abstractmethod
    def n_values(self) -> int | None:
        """How many distinct values there are, or None for a continuous range."""

    @abstractmethod
    def grid(self, n_points: int) -> tuple[ParamValue, ...]:
        """Values for a grid: all of them when finite, else ``n_points`` evenly
        spaced in the encoded (linear or log) scale."""

    @abstractmethod
    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description that :func:`distribution_from_dict` rebuilds."""

    @property
    def is_single(self) -> bool:
        """Whether only one value is possible (the parameter is effectively fixed)."""
        return self.n_values == 1

    def to_unit_array(self, values: Sequence[ParamValue]) -> NDArray[np.float64]:
        """Encode many values at once; shape ``(len(values),)``."""
        return np.array([self.to_unit(v) for v in values], dtype=float)

    def from_unit_array(self, u: NDArray[np.float64]) -> list[ParamValue]:
        """Decode many unit-interval points at once."""
        return [self.from_unit(float(x)) for x in np.asarray(u, dtype=float).ravel()]
