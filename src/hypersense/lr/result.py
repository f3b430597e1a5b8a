"""What a range test returns: every seed's curve, each rule's suggestion, the
suggested learning rate and its interval, and the divergence point.

Plain data, no PyTorch: results are stored on studies as JSON
(:meth:`RangeTestResult.to_dict`) and read back by the report and by configs
without importing torch.

How suggestions combine:

- per rule, over the seeds: the median on the log scale of the seeds whose
  curve the rule could read (no suggestion, with every seed's reason, when
  none could);
- :attr:`RangeTestResult.suggested_lr`: the median on the log scale of every
  (rule, seed) suggestion; :attr:`RangeTestResult.interval` is their lowest
  and highest, so it shows how far rules and seeds disagree.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hypersense.errors import HypersenseError
from hypersense.lr.base import LossCurve, Suggestion, SuggestionRule
from hypersense.lr.curves import lr_ramp

__all__ = [
    "NoSuggestionError",
    "RangeTestResult",
    "RangeTestSettings",
    "SeedCurve",
    "build_result",
    "combine_suggestions",
]


class NoSuggestionError(HypersenseError, ValueError):
    """No rule could suggest a learning rate from any seed's curve (the message
    gives each rule's reason)."""


@dataclass(frozen=True)
class RangeTestSettings:
    """How a range test ran.

    Attributes:
        start_lr: The first rate of the ramp.
        end_lr: The last rate (reached only when the ramp did not diverge).
        num_steps: Optimiser steps of a full ramp.
        mode: ``"exp"`` or ``"linear"`` spacing.
        optimizer: The optimiser's name (``"custom"`` for one given built).
        batch_size: The effective batch size: examples per optimiser step
            (batch size times ``accumulation_steps``); None when unknown.
        accumulation_steps: Batches whose gradients make one optimiser step.
        diverge_factor: The ramp stops once the smoothed loss exceeds this
            many times its minimum.
        beta: Smoothing of the losses.
        seeds: One ramp per seed.
    """

    start_lr: float
    end_lr: float
    num_steps: int
    mode: str
    optimizer: str
    batch_size: int | None
    accumulation_steps: int
    diverge_factor: float
    beta: float
    seeds: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {**self.__dict__, "seeds": list(self.seeds)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RangeTestSettings:
        """Rebuild from :meth:`to_dict`'s form."""
        batch = data.get("batch_size")
        return cls(
            start_lr=float(data["start_lr"]),
            end_lr=float(data["end_lr"]),
            num_steps=int(data["num_steps"]),
            mode=str(data["mode"]),
            optimizer=str(data["optimizer"]),
            batch_size=None if batch is None else int(batch),
            accumulation_steps=int(data.get("accumulation_steps", 1)),
            diverge_factor=float(data["diverge_factor"]),
            beta=float(data["beta"]),
            seeds=tuple(int(s) for s in data["seeds"]),
        )


@dataclass(frozen=True)
class SeedCurve:
    """One seed's ramp, up to where it stopped, and what each rule read from it.

    Attributes:
        seed: The seed of the ramp's batch order, dropout (and initial
            weights, for a model factory).
        lrs: The rate of each step taken.
        losses: Raw training loss of each step's batch (NaN where not finite).
        smoothed_losses: Smoothed losses.
        divergence_lr: The rate of the step at which the ramp diverged, or None.
        suggestions: One per rule, in rule order.
    """

    seed: int
    lrs: tuple[float, ...]
    losses: tuple[float, ...]
    smoothed_losses: tuple[float, ...]
    divergence_lr: float | None
    suggestions: tuple[Suggestion, ...]

    @property
    def n_steps(self) -> int:
        """Optimiser steps the ramp took."""
        return len(self.lrs)

    def loss_curve(self, beta: float) -> LossCurve:
        """The curve as the rules read it (``beta``: the test's smoothing)."""
        return LossCurve(
            np.asarray(self.lrs, dtype=float),
            np.asarray(self.losses, dtype=float),
            self.divergence_lr is not None,
            beta=beta,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (non-finite losses as None)."""
        return {
            "seed": self.seed,
            "lrs": list(self.lrs),
            "losses": _json_floats(self.losses),
            "smoothed_losses": _json_floats(self.smoothed_losses),
            "divergence_lr": self.divergence_lr,
            "suggestions": [s.to_dict() for s in self.suggestions],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SeedCurve:
        """Rebuild from :meth:`to_dict`'s form."""
        div = data.get("divergence_lr")
        return cls(
            seed=int(data["seed"]),
            lrs=tuple(float(x) for x in data["lrs"]),
            losses=_floats(data["losses"]),
            smoothed_losses=_floats(data["smoothed_losses"]),
            divergence_lr=None if div is None else float(div),
            suggestions=tuple(Suggestion.from_dict(s) for s in data["suggestions"]),
        )


@dataclass(frozen=True)
class RangeTestResult:
    """A learning-rate range test: curves, suggestions, interval, divergence.

    Attributes:
        settings: How the test ran.
        curves: One per seed, in seed order.
        suggestions: Rule name -> its suggestion combined over the seeds.
    """

    settings: RangeTestSettings
    curves: tuple[SeedCurve, ...]
    suggestions: Mapping[str, Suggestion]

    @property
    def lrs(self) -> NDArray[np.float64]:
        """Shape ``(num_steps,)``: the full ramp of rates."""
        s = self.settings
        return lr_ramp(s.start_lr, s.end_lr, s.num_steps, s.mode)

    @property
    def losses(self) -> NDArray[np.float64]:
        """Shape ``(n_seeds, num_steps)``: raw losses, NaN after a ramp stopped."""
        return self._padded("losses")

    @property
    def smoothed_losses(self) -> NDArray[np.float64]:
        """Shape ``(n_seeds, num_steps)``: smoothed losses, NaN after a ramp stopped."""
        return self._padded("smoothed_losses")

    def _padded(self, field: str) -> NDArray[np.float64]:
        out = np.full((len(self.curves), self.settings.num_steps), np.nan)
        for row, curve in zip(out, self.curves, strict=True):
            values = getattr(curve, field)
            row[: len(values)] = values
        return out

    @property
    def divergence_lr(self) -> float | None:
        """The lowest rate at which a seed's ramp diverged; None when none did."""
        found = [c.divergence_lr for c in self.curves if c.divergence_lr is not None]
        return min(found) if found else None

    @property
    def n_steps_run(self) -> int:
        """Optimiser steps taken over all seeds (the test's cost)."""
        return sum(c.n_steps for c in self.curves)

    def found(self) -> list[Suggestion]:
        """Every (seed, rule) suggestion that gave a rate."""
        return [s for c in self.curves for s in c.suggestions if s.found]

    @property
    def has_suggestion(self) -> bool:
        """Whether any rule suggested a rate on any seed."""
        return bool(self.found())

    @property
    def suggested_lr(self) -> float:
        """The median (log scale) of every rule's suggestion on every seed.

        Raises:
            NoSuggestionError: No rule could suggest on any seed (the message
                has each rule's reason).
        """
        rates = [s.lr for s in self._found_or_raise() if s.lr is not None]
        # exp(log(x)) may move the last bit: keep the median inside the interval.
        return min(max(_log_median(rates), min(rates)), max(rates))

    @property
    def interval(self) -> tuple[float, float]:
        """The lowest and highest suggestion over rules and seeds.

        Raises:
            NoSuggestionError: No rule could suggest on any seed.
        """
        rates = [s.lr for s in self._found_or_raise() if s.lr is not None]
        return min(rates), max(rates)

    def _found_or_raise(self) -> list[Suggestion]:
        found = self.found()
        if not found:
            reasons = "; ".join(f"{s.rule}: {s.reason}" for s in self.suggestions.values())
            raise NoSuggestionError(f"no rule suggested a learning rate: {reasons}")
        return found

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (what studies store); :meth:`from_dict` rebuilds it."""
        out: dict[str, Any] = {
            "settings": self.settings.to_dict(),
            "curves": [c.to_dict() for c in self.curves],
            "suggestions": [s.to_dict() for s in self.suggestions.values()],
            "divergence_lr": self.divergence_lr,
        }
        if self.has_suggestion:
            out["suggested_lr"] = self.suggested_lr
            out["interval"] = list(self.interval)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RangeTestResult:
        """Rebuild from :meth:`to_dict`'s form.

        Raises:
            ValueError: A field is missing or malformed (naming it).
        """
        try:
            suggestions = [Suggestion.from_dict(s) for s in data["suggestions"]]
            return cls(
                settings=RangeTestSettings.from_dict(data["settings"]),
                curves=tuple(SeedCurve.from_dict(c) for c in data["curves"]),
                suggestions={s.rule: s for s in suggestions},
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not a stored range test ({type(exc).__name__}: {exc})") from exc


def combine_suggestions(rule: str, per_seed: Sequence[tuple[int, Suggestion]]) -> Suggestion:
    """One rule over the seeds: the median (log scale) of its suggestions, or
    no suggestion with each seed's reason."""
    rates = [s.lr for _, s in per_seed if s.lr is not None]
    if rates:
        return Suggestion(rule, _log_median(rates))
    reasons = sorted({s.reason for _, s in per_seed if s.reason is not None})
    seeds = ", ".join(str(seed) for seed, _ in per_seed)
    return Suggestion.none(rule, f"no seed ({seeds}) gave one: {' / '.join(reasons)}")


def build_result(
    settings: RangeTestSettings,
    ramps: Sequence[tuple[int, LossCurve]],
    rules: Sequence[SuggestionRule],
) -> RangeTestResult:
    """Apply ``rules`` to each seed's ramp and combine them.

    Args:
        settings: How the test ran.
        ramps: ``(seed, curve)`` per seed, in seed order.
        rules: The suggestion rules, with distinct names.
    """
    curves = []
    per_rule: dict[str, list[tuple[int, Suggestion]]] = {r.name: [] for r in rules}
    for seed, curve in ramps:
        said = tuple(rule.suggest(curve) for rule in rules)
        for suggestion in said:
            per_rule[suggestion.rule].append((seed, suggestion))
        curves.append(
            SeedCurve(
                seed=seed,
                lrs=tuple(float(x) for x in curve.lrs),
                losses=tuple(float(x) for x in curve.losses),
                smoothed_losses=tuple(float(x) for x in curve.smoothed),
                divergence_lr=float(curve.lrs[-1]) if curve.diverged else None,
                suggestions=said,
            )
        )
    combined = {name: combine_suggestions(name, said) for name, said in per_rule.items()}
    return RangeTestResult(settings=settings, curves=tuple(curves), suggestions=combined)


def _log_median(rates: Sequence[float | None]) -> float:
    logs = [math.log(r) for r in rates if r is not None]
    return float(math.exp(float(np.median(logs))))


def _json_floats(values: Sequence[float]) -> list[float | None]:
    return [v if math.isfinite(v) else None for v in values]


def _floats(values: Sequence[Any]) -> tuple[float, ...]:
    return tuple(math.nan if v is None else float(v) for v in values)
