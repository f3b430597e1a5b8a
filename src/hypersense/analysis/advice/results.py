"""What :func:`~hypersense.analysis.advice.advise` returns: plain frozen dataclasses.

A :class:`Advice` holds one :class:`ParameterAdvice` per analysed parameter
(its verdict, the evidence behind it, and the concrete changes of
:mod:`.advice.changes` to make), the fit of each analysed scope, the noise
floor used, and the rules' thresholds. ``to_dict()`` gives JSON-ready values
(``hypersense analyze --json``), ``to_pandas()`` one row per parameter, and
:meth:`Advice.steps` the numbered next steps the CLI prints.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hypersense.analysis.advice.changes import Change, FixValue
from hypersense.analysis.advice.rules import AdviceRules
from hypersense.analysis.experiments.serialization import json_dict, json_ready, rows_to_frame
from hypersense.analysis.results import Estimate
from hypersense.space.base import Distribution

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Advice", "ParameterAdvice", "ScopeFit", "Verdict", "condition_label"]


class Verdict(enum.Enum):
    """What the analysis says about one parameter."""

    MATTERS = "matters"  #: it drives the objective; search it (maybe narrowed)
    NEGLIGIBLE = "negligible"  #: fix it; searching it wastes trials
    CANNOT_TELL = "cannot tell"  #: the evidence does not decide (fit, noise, interval)


def condition_label(condition: Mapping[str, Any]) -> str:
    """``"kind='linear'"`` for a branch, ``""`` for the whole study."""
    return ", ".join(f"{k}={v!r}" for k, v in condition.items())


def _estimate_dict(e: Estimate | None) -> dict[str, float | None] | None:
    return None if e is None else e.to_dict()


@dataclass(frozen=True)
class ParameterAdvice:
    """The verdict on one parameter, its evidence, and what to change.

    Attributes:
        name: The parameter.
        verdict: Matters, negligible, or cannot tell.
        reason: Why this verdict, in one sentence with the numbers.
        importance: Normalised importance (as in the importance result).
        ci_low: Lower end of its interval.
        ci_high: Upper end of its interval.
        main_effect: First-order index with interval, when measured.
        total_effect: Total-effect index with interval, when measured.
        method: The importance method.
        surrogate: The surrogate of the parameter's scope.
        r2: Its cross-validated R².
        searched: The distribution the study searched.
        suggested: The distribution after the changes (``searched`` when none).
        changes: The changes, in the order to read them.
        scale: The scale the marginal curve fits (``"log"``/``"linear"``), or
            None when not judged or undecided.
        swing: Largest minus smallest mean of the marginal curve, in objective
            units, or None without a curve.
        condition: The branch the parameter was analysed in (empty: the whole study).
    """

    name: str
    verdict: Verdict
    reason: str
    importance: float
    ci_low: float
    ci_high: float
    main_effect: Estimate | None
    total_effect: Estimate | None
    method: str
    surrogate: str
    r2: float
    searched: Distribution
    suggested: Distribution
    changes: tuple[Change, ...] = ()
    scale: str | None = None
    swing: float | None = None
    condition: Mapping[str, Any] = field(default_factory=dict)

    @property
    def fixed_value(self) -> Any:
        """The value to fix the parameter at; KeyError when it is not to be fixed."""
        for change in self.changes:
            if isinstance(change, FixValue):
                return change.value
        raise KeyError(f"parameter {self.name!r} is not advised to be fixed")

    @property
    def is_fixed(self) -> bool:
        """Whether the advice fixes the parameter."""
        return any(isinstance(c, FixValue) for c in self.changes)

    def steps(self) -> tuple[str, ...]:
        """One sentence per change: what to do, then why."""
        prefix = f"[{condition_label(self.condition)}] " if self.condition else ""
        return tuple(
            f"{prefix}{c.describe(self.name, self.searched)}: {c.reason}" for c in self.changes
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (distributions as ``Distribution.to_dict()``)."""
        return {
            "name": self.name,
            "condition": json_ready(dict(self.condition)),
            "verdict": self.verdict.value,
            "reason": self.reason,
            **json_dict(
                {
                    "importance": self.importance,
                    "ci_low": self.ci_low,
                    "ci_high": self.ci_high,
                    "swing": self.swing,
                    "r2": self.r2,
                }
            ),
            "main_effect": _estimate_dict(self.main_effect),
            "total_effect": _estimate_dict(self.total_effect),
            "method": self.method,
            "surrogate": self.surrogate,
            "scale": self.scale,
            "changes": [c.to_dict() for c in self.changes],
            "searched": json_ready(self.searched.to_dict()),
            "suggested": json_ready(self.suggested.to_dict()),
        }


@dataclass(frozen=True)
class ScopeFit:
    """How well the surrogate of one analysed scope fits.

    Attributes:
        condition: The branch (empty: the whole study).
        surrogate: The chosen surrogate.
        r2: Its cross-validated R².
        surrogate_r2: Every candidate's cross-validated R².
        n_trials: Trials analysed in the scope.
        is_reliable: Whether ``r2`` reaches the rules' ``min_r2``.
    """

    condition: Mapping[str, Any]
    surrogate: str
    r2: float
    surrogate_r2: Mapping[str, float]
    n_trials: int
    is_reliable: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return json_dict(
            {
                "condition": dict(self.condition),
                "surrogate": self.surrogate,
                "r2": self.r2,
                "surrogate_r2": dict(self.surrogate_r2),
                "n_trials": self.n_trials,
                "is_reliable": self.is_reliable,
            }
        )


@dataclass(frozen=True)
class Advice:
    """Concrete next steps for a study's search space, with their evidence.

    Attributes:
        parameters: One entry per analysed parameter: the whole study's by
            decreasing importance, then each branch's.
        fits: The fit of each analysed scope (the whole study first).
        method: The importance method the advice rests on.
        direction: ``"minimize"`` or ``"maximize"``.
        noise_floor: The seed standard deviation used (objective units), or None.
        noise_source: Where it came from, in words, or None.
        rules: The thresholds applied.
        notes: Caveats (scopes without advice, missing curves).
    """

    parameters: tuple[ParameterAdvice, ...]
    fits: tuple[ScopeFit, ...]
    method: str
    direction: str
    noise_floor: float | None
    noise_source: str | None
    rules: AdviceRules
    notes: tuple[str, ...] = ()

    def __getitem__(self, name: str) -> ParameterAdvice:
        """The advice on parameter ``name``; KeyError naming the parameters."""
        for p in self.parameters:
            if p.name == name:
                return p
        raise KeyError(
            f"no advice on parameter {name!r}; there is on {[p.name for p in self.parameters]}"
        )

    @property
    def changed(self) -> tuple[ParameterAdvice, ...]:
        """The parameters with at least one change."""
        return tuple(p for p in self.parameters if p.changes)

    def steps(self) -> tuple[str, ...]:
        """The next steps in words: scopes without advice, every change, then the
        parameters that cannot be told yet."""
        out: list[str] = []
        for fit in self.fits:
            if not fit.is_reliable:
                label = condition_label(fit.condition)
                where = f"branch {label}" if label else "the whole study"
                out.append(
                    f"No advice for {where}: the {fit.surrogate} surrogate predicts only "
                    f"R2={fit.r2:.2f} (< {self.rules.min_r2:g}) of the variance out of sample; "
                    "run more trials (or reduce the objective's noise) first"
                )
        for p in self.parameters:
            out.extend(p.steps())
        reliable = {condition_label(f.condition) for f in self.fits if f.is_reliable}
        for p in self.parameters:
            if p.verdict is Verdict.CANNOT_TELL and condition_label(p.condition) in reliable:
                prefix = f"[{condition_label(p.condition)}] " if p.condition else ""
                out.append(f"{prefix}Keep searching '{p.name}' as it is for now: {p.reason}")
        if not out:
            out.append("Nothing to change: every analysed parameter matters over its whole range")
        return tuple(out)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description: parameters, fits, noise floor, rules, steps."""
        return {
            "method": self.method,
            "direction": self.direction,
            "parameters": [p.to_dict() for p in self.parameters],
            "fits": [f.to_dict() for f in self.fits],
            "noise_floor": json_ready(self.noise_floor),
            "noise_source": self.noise_source,
            "rules": self.rules.to_dict(),
            "notes": list(self.notes),
            "steps": list(self.steps()),
        }

    def to_pandas(self) -> pd.DataFrame:
        """One row per parameter: verdict, evidence and changes. Needs pandas."""
        rows = []
        for p in self.parameters:
            rows.append(
                {
                    "condition": condition_label(p.condition),
                    "name": p.name,
                    "verdict": p.verdict.value,
                    "importance": p.importance,
                    "ci_low": p.ci_low,
                    "ci_high": p.ci_high,
                    "total_effect": None if p.total_effect is None else p.total_effect.value,
                    "surrogate": p.surrogate,
                    "r2": p.r2,
                    "swing": p.swing,
                    "scale": p.scale,
                    "changes": "; ".join(c.describe(p.name, p.searched) for c in p.changes),
                    "reason": p.reason,
                }
            )
        return rows_to_frame(rows, purpose="Advice.to_pandas()")
