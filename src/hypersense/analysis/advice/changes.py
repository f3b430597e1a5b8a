"""The concrete changes advice makes to one parameter's search space.

Each change is a frozen dataclass with the reason it was advised, a sentence
that says what to do (``describe``) and a JSON-ready ``to_dict()`` whose
``"kind"`` names it: ``"fix"``, ``"narrow"``, ``"scale"`` or ``"drop_choices"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from hypersense.analysis.experiments.serialization import json_dict
from hypersense.space.base import Distribution

__all__ = [
    "Change",
    "ChangeScale",
    "DropChoices",
    "FixValue",
    "NarrowRange",
    "format_value",
]


def format_value(value: Any) -> str:
    """A parameter value for sentences: floats to 4 significant digits, others by ``repr``."""
    if isinstance(value, float):
        return f"{value:.4g}"
    return repr(value)


def _range_text(distribution: Distribution) -> str:
    low, high = getattr(distribution, "low", None), getattr(distribution, "high", None)
    return f"[{format_value(low)}, {format_value(high)}]"


@dataclass(frozen=True)
class FixValue:
    """Fix the parameter at ``value``.

    Attributes:
        value: The value to fix it at.
        reason: Why, in one sentence.
    """

    value: Any
    reason: str
    kind: ClassVar[str] = "fix"

    def describe(self, name: str, searched: Distribution) -> str:
        """The step in words."""
        return f"Fix '{name}' at {format_value(self.value)}"

    def to_dict(self) -> dict[str, Any]:
        """``{"kind": "fix", "value", "reason"}``."""
        return json_dict({"kind": self.kind, "value": self.value, "reason": self.reason})


@dataclass(frozen=True)
class NarrowRange:
    """Search the parameter over ``[low, high]`` only.

    Attributes:
        low: New lower end (inside the searched range).
        high: New upper end.
        reason: Why, in one sentence.
    """

    low: float
    high: float
    reason: str
    kind: ClassVar[str] = "narrow"

    def describe(self, name: str, searched: Distribution) -> str:
        """The step in words."""
        return (
            f"Narrow '{name}' to [{format_value(self.low)}, {format_value(self.high)}] "
            f"(searched {_range_text(searched)})"
        )

    def to_dict(self) -> dict[str, Any]:
        """``{"kind": "narrow", "low", "high", "reason"}``."""
        return json_dict(
            {"kind": self.kind, "low": self.low, "high": self.high, "reason": self.reason}
        )


@dataclass(frozen=True)
class ChangeScale:
    """Search the parameter on a log (or a linear) scale.

    Attributes:
        log: True for a log scale, False for a linear one.
        reason: Why, in one sentence.
    """

    log: bool
    reason: str
    kind: ClassVar[str] = "scale"

    @property
    def scale(self) -> str:
        """``"log"`` or ``"linear"``."""
        return "log" if self.log else "linear"

    def describe(self, name: str, searched: Distribution) -> str:
        """The step in words."""
        before = "linear" if self.log else "log"
        return f"Search '{name}' on a {self.scale} scale (searched on a {before} one)"

    def to_dict(self) -> dict[str, Any]:
        """``{"kind": "scale", "scale": "log" | "linear", "reason"}``."""
        return {"kind": self.kind, "scale": self.scale, "reason": self.reason}


@dataclass(frozen=True)
class DropChoices:
    """Stop searching some choices of a categorical parameter.

    Attributes:
        dropped: The choices to drop.
        kept: The choices left.
        reason: Why, in one sentence.
    """

    dropped: tuple[Any, ...]
    kept: tuple[Any, ...]
    reason: str
    kind: ClassVar[str] = "drop_choices"

    def describe(self, name: str, searched: Distribution) -> str:
        """The step in words."""
        dropped = ", ".join(format_value(v) for v in self.dropped)
        kept = ", ".join(format_value(v) for v in self.kept)
        return f"Drop {dropped} from '{name}' (keep {kept})"

    def to_dict(self) -> dict[str, Any]:
        """``{"kind": "drop_choices", "dropped", "kept", "reason"}``."""
        return json_dict(
            {
                "kind": self.kind,
                "dropped": list(self.dropped),
                "kept": list(self.kept),
                "reason": self.reason,
            }
        )


#: One concrete change to a parameter's search space.
Change = FixValue | NarrowRange | ChangeScale | DropChoices
