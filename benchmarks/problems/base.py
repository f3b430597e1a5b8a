"""What a benchmark problem is: a named, grouped black box over a described space.

A problem is tool-agnostic. Its search space is written once as a tuple of
:class:`ParamSpec`; :mod:`benchmarks.problems.translation` turns that into
``trial.suggest_*`` calls (hypersense and Optuna share those signatures) and
into scikit-optimize dimensions. ``evaluate`` maps a params dict to the value
to minimise. Synthetic problems know their optimum, so results can be read as
regret (value - optimum).
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["GROUPS", "ParamSpec", "Problem", "ProblemGroup"]

ProblemGroup = Literal[
    "synthetic",
    "model-tuning",
    "bbob-separable",
    "bbob-moderate-conditioning",
    "bbob-high-conditioning",
    "bbob-multimodal-adequate",
    "bbob-multimodal-weak",
]
#: Every group, in report order: the twelve-problem suite's two, then BBOB's five
#: function groups of the broad suite (Hansen et al. 2009).
GROUPS: tuple[ProblemGroup, ...] = (
    "synthetic",
    "model-tuning",
    "bbob-separable",
    "bbob-moderate-conditioning",
    "bbob-high-conditioning",
    "bbob-multimodal-adequate",
    "bbob-multimodal-weak",
)

ParamKind = Literal["float", "int", "categorical"]


@dataclass(frozen=True)
class ParamSpec:
    """One hyperparameter of a problem's search space.

    Attributes:
        name: Parameter name, as passed to ``suggest_*`` and found in params dicts.
        kind: ``"float"``, ``"int"`` or ``"categorical"``.
        low: Smallest value (numeric kinds).
        high: Largest value (numeric kinds).
        log: Whether the range is searched on a log scale (numeric kinds).
        choices: The values of a categorical parameter.
    """

    name: str
    kind: ParamKind
    low: float = 0.0
    high: float = 1.0
    log: bool = False
    choices: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind == "categorical":
            if not self.choices:
                raise ValueError(f"categorical parameter {self.name!r} needs `choices`")
            return
        if self.kind not in ("float", "int"):
            raise ValueError(f"`kind` of parameter {self.name!r} is unknown (got {self.kind!r})")
        if not (math.isfinite(self.low) and math.isfinite(self.high)) or self.low >= self.high:
            raise ValueError(
                f"parameter {self.name!r} needs finite `low` < `high` "
                f"(got low={self.low!r}, high={self.high!r})"
            )
        if self.log and self.low <= 0:
            raise ValueError(
                f"parameter {self.name!r} needs `low` > 0 with log=True (got low={self.low!r})"
            )
        if self.kind == "int" and (self.low != int(self.low) or self.high != int(self.high)):
            raise ValueError(
                f"integer parameter {self.name!r} needs integer bounds "
                f"(got low={self.low!r}, high={self.high!r})"
            )

    def contains(self, value: Any) -> bool:
        """Whether ``value`` is a legal value of this parameter."""
        if self.kind == "categorical":
            return value in self.choices
        if self.kind == "int" and int(value) != value:
            return False
        return bool(self.low <= value <= self.high)


class Problem(ABC):
    """A black box to minimise, with its space, group and (if known) optimum.

    Subclasses set the class attributes and implement :meth:`evaluate`. An
    instance may cache data it loads (a data set, its fixed CV split) on first
    use, so build one per process.
    """

    name: str
    group: ProblemGroup
    space: tuple[ParamSpec, ...]
    #: The known minimum value, or None when unknown (model-tuning problems).
    optimum: float | None = None
    #: What the value is, for the report (e.g. "regret", "3-fold CV error").
    value_label: str = "value"

    @abstractmethod
    def evaluate(self, params: Mapping[str, Any]) -> float:
        """The value to minimise at ``params`` (one entry per ParamSpec)."""

    def check_params(self, params: Mapping[str, Any]) -> None:
        """Raise ValueError naming the parameter when ``params`` is not a point of the space."""
        names = [spec.name for spec in self.space]
        if sorted(params) != sorted(names):
            raise ValueError(f"{self.name}: expected parameters {names}, got {sorted(params)}")
        for spec in self.space:
            if not spec.contains(params[spec.name]):
                raise ValueError(
                    f"{self.name}: value {params[spec.name]!r} of parameter {spec.name!r} "
                    f"is outside its space {spec!r}"
                )

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
