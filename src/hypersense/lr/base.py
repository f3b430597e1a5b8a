"""The contract of a suggestion rule: one loss curve of a range test in, one
learning rate (or a reason why none) out.

Lifecycle:

1. :func:`hypersense.lr.range_test` ramps the learning rate once per seed and
   records each ramp as a :class:`LossCurve` (up to where it stopped).
2. Every :class:`SuggestionRule` reads each curve and returns a
   :class:`Suggestion`: a learning rate, or no learning rate with the reason
   (a flat curve, a drop within the noise, a loss still falling at the end of
   the range ...). A rule never returns None.
3. The result combines each rule over the seeds (the median on the log scale)
   and all rules and seeds into the suggested learning rate and its interval
   (:class:`~hypersense.lr.result.RangeTestResult`).

Rules read the losses smoothed without lag (:attr:`LossCurve.trend`), and
slopes against ``log10(lr)``, whatever the ramp's spacing: a linear ramp packs
its points at high rates, and a slope per step would be measured on the wrong
axis.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from hypersense.lr.curves import loss_trend, smooth_losses

__all__ = ["LossCurve", "Suggestion", "SuggestionRule"]


@dataclass(frozen=True)
class Suggestion:
    """What one rule says: a learning rate, or none and why.

    Attributes:
        rule: The rule's name (``"steepest"``, ``"valley"``, ``"minimum"`` ...).
        lr: The suggested learning rate, or None when the rule cannot suggest.
        reason: Why there is no suggestion (None when there is one).
    """

    rule: str
    lr: float | None
    reason: str | None = None

    def __post_init__(self) -> None:
        if (self.lr is None) == (self.reason is None):
            raise ValueError(
                f"a Suggestion of rule {self.rule!r} has either an `lr` or a `reason` "
                f"(got lr={self.lr!r}, reason={self.reason!r})"
            )
        if self.lr is not None and not (math.isfinite(self.lr) and self.lr > 0):
            raise ValueError(f"a suggested `lr` must be finite and > 0 (got {self.lr!r})")

    @property
    def found(self) -> bool:
        """Whether the rule suggested a learning rate."""
        return self.lr is not None

    @classmethod
    def none(cls, rule: str, reason: str) -> Suggestion:
        """No suggestion from ``rule``, because of ``reason``."""
        return cls(rule, None, reason)

    def __str__(self) -> str:
        return f"{self.rule}: {self.lr:.3g}" if self.lr is not None else f"{self.rule}: none"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; :meth:`from_dict` rebuilds it."""
        return {"rule": self.rule, "lr": self.lr, "reason": self.reason}

    @classmethod
    def from_dict(cls, data: Any) -> Suggestion:
        """Rebuild from :meth:`to_dict`'s form."""
        lr = data.get("lr")
        return cls(str(data["rule"]), None if lr is None else float(lr), data.get("reason"))


@dataclass(frozen=True, eq=False)
class LossCurve:
    """One ramp of a range test, up to where it stopped.

    Attributes:
        lrs: Shape ``(n,)``, the rate of each step, increasing.
        losses: Shape ``(n,)``, the raw training loss of each step's batch
            (measured before the step's update).
        diverged: Whether the ramp stopped on divergence; its last point is
            then the one where the loss blew up, and rules ignore it.
        beta: The smoothing of :attr:`smoothed` and :attr:`trend`, in [0, 1).
        smoothed: Shape ``(n,)``, the causal moving average of ``losses``
            (:func:`~hypersense.lr.curves.smooth_losses`): what the ramp's stop
            test read.
        trend: Shape ``(m,)`` over the :attr:`usable` points: the losses
            smoothed without lag (:func:`~hypersense.lr.curves.loss_trend`):
            what rules read.
    """

    lrs: NDArray[np.float64]
    losses: NDArray[np.float64]
    diverged: bool
    beta: float = 0.9
    smoothed: NDArray[np.float64] = field(init=False)
    trend: NDArray[np.float64] = field(init=False)

    def __post_init__(self) -> None:
        if len(self.losses) != len(self.lrs):
            raise ValueError(
                f"a LossCurve needs `lrs` and `losses` of one length "
                f"(got {len(self.lrs)}, {len(self.losses)})"
            )
        losses = np.asarray(self.losses, dtype=float)
        object.__setattr__(self, "smoothed", smooth_losses(losses, self.beta))
        object.__setattr__(self, "trend", loss_trend(losses[self.usable], self.beta))

    @property
    def usable(self) -> slice:
        """The points rules read: all but the diverging one."""
        return slice(0, len(self.lrs) - 1 if self.diverged else len(self.lrs))


class SuggestionRule(ABC):
    """Turns one :class:`LossCurve` into a :class:`Suggestion`.

    Subclasses set :attr:`name` and implement :meth:`suggest`; their options
    are keyword-only constructor arguments shown by ``repr``.
    """

    #: The rule's name in results, configs and the report.
    name: ClassVar[str]

    @abstractmethod
    def suggest(self, curve: LossCurve) -> Suggestion:
        """The rule's learning rate for ``curve``, or no suggestion with the reason."""

    def __repr__(self) -> str:
        options = ", ".join(f"{k.lstrip('_')}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({options})"
