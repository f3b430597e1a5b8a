"""From a range test to the learning-rate range of a search.

:func:`search_range` widens the range test's interval by ``span`` on each
side (on the log scale) and caps the top below the divergence point:

- ``low = interval_low / span``;
- ``high = min(interval_high x span, cap_fraction x divergence_lr)``; a test
  that never diverged caps at the highest rate it tried (``end_lr``): nothing
  is known above it;
- when the cap falls at or below ``low``, the range keeps its width below the
  cap (``low = high / span²``) and says so.

The result is an :class:`LRSearchRange`, a log-scale
:class:`~hypersense.space.FloatDistribution` with where it came from, which
:func:`narrow_space` puts into a search space (a plain one, a task's, or a
:class:`~hypersense.torch.RecipeSpace`) and
:func:`hypersense.lr.record_search_range` stores on the study for the report.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from hypersense.lr.result import RangeTestResult
from hypersense.space.base import Distribution
from hypersense.space.numeric import FloatDistribution
from hypersense.space.search_space import SearchSpace

__all__ = ["LRSearchRange", "narrow_space", "search_range"]

#: Default widening of the interval on each side (half a decade: √10).
DEFAULT_SPAN = math.sqrt(10.0)
#: Default cap: this share of the rate at which the range test diverged.
DEFAULT_CAP_FRACTION = 0.5


@dataclass(frozen=True)
class LRSearchRange:
    """A log-scale learning-rate range derived from a range test.

    Attributes:
        low: Lowest rate of the range.
        high: Highest rate of the range.
        interval: The range test's interval (its suggestions over rules and seeds).
        suggested_lr: The range test's suggested rate.
        divergence_lr: The rate at which it diverged (None: it never did).
        cap: The highest rate the range may reach (the capped top).
        span: Widening factor on each side of the interval.
        cap_fraction: Share of ``divergence_lr`` the top stays under.
        param: The parameter the range is for.
        note: How the range was derived, in one sentence.
    """

    low: float
    high: float
    interval: tuple[float, float]
    suggested_lr: float
    divergence_lr: float | None
    cap: float
    span: float
    cap_fraction: float
    param: str = "lr"
    note: str = ""

    def distribution(self) -> FloatDistribution:
        """The range as a log-scale distribution."""
        return FloatDistribution(self.low, self.high, log=True)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (what studies store); :meth:`from_dict` rebuilds it."""
        return {**self.__dict__, "interval": list(self.interval)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LRSearchRange:
        """Rebuild from :meth:`to_dict`'s form."""
        try:
            low, high = (float(x) for x in data["interval"])
            div = data.get("divergence_lr")
            return cls(
                low=float(data["low"]),
                high=float(data["high"]),
                interval=(low, high),
                suggested_lr=float(data["suggested_lr"]),
                divergence_lr=None if div is None else float(div),
                cap=float(data["cap"]),
                span=float(data["span"]),
                cap_fraction=float(data["cap_fraction"]),
                param=str(data.get("param", "lr")),
                note=str(data.get("note", "")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not a stored LR search range ({type(exc).__name__}: {exc})") from exc


def search_range(
    result: RangeTestResult,
    *,
    span: float = DEFAULT_SPAN,
    cap_fraction: float = DEFAULT_CAP_FRACTION,
    param: str = "lr",
) -> LRSearchRange:
    """The log-scale search range around ``result``'s interval, capped below divergence.

    Args:
        result: A range test.
        span: Widening of the interval on each side, > 1 (the default √10
            adds half a decade each way).
        cap_fraction: The top stays at most this share of the divergence
            rate, in (0, 1].
        param: The name of the parameter the range is for.

    Raises:
        NoSuggestionError: The range test suggested nothing (with the reasons).
        ValueError: A bad ``span`` or ``cap_fraction``.
    """
    if not (isinstance(span, (int, float)) and math.isfinite(span) and span > 1):
        raise ValueError(f"`span` must be a finite number > 1 (got {span!r})")
    if not (isinstance(cap_fraction, (int, float)) and 0 < cap_fraction <= 1):
        raise ValueError(f"`cap_fraction` must be in (0, 1] (got {cap_fraction!r})")
    interval, suggested = result.interval, result.suggested_lr  # raise without a suggestion
    divergence = result.divergence_lr
    if divergence is None:
        cap = result.settings.end_lr
        why = f"capped at end_lr {cap:.3g} (the test never diverged)"
    else:
        cap = cap_fraction * divergence
        why = f"capped at {cap_fraction:g} x the divergence lr {divergence:.3g}"
    low, high = interval[0] / span, min(interval[1] * span, cap)
    note = f"interval [{interval[0]:.3g}, {interval[1]:.3g}] widened {span:.3g}x each way"
    if high < interval[1] * span:
        note += f", {why}"
    if high <= low:
        low = high / span**2
        note += "; the cap lies below the widened interval, so the range ends at it"
    return LRSearchRange(
        low=low,
        high=high,
        interval=interval,
        suggested_lr=suggested,
        divergence_lr=divergence,
        cap=cap,
        span=float(span),
        cap_fraction=float(cap_fraction),
        param=param,
        note=note,
    )


class _Narrowable(Protocol):
    def narrow(self, ranges: Mapping[str, Any]) -> Any: ...


_Space = TypeVar("_Space", bound=_Narrowable)


def narrow_space(
    space: Mapping[str, Distribution] | _Space, lr_range: LRSearchRange
) -> SearchSpace | _Space:
    """``space`` with ``lr_range.param`` drawn from ``lr_range``.

    Args:
        space: A mapping of distributions (a task's or a config's space) that
            holds the parameter, or anything with a ``narrow(ranges)`` method
            (a :class:`~hypersense.torch.RecipeSpace`).
        lr_range: The range to use.

    Raises:
        KeyError: A mapping without the parameter.
    """
    if isinstance(space, Mapping):
        if lr_range.param not in space:
            raise KeyError(
                f"the space has no parameter {lr_range.param!r} to narrow "
                f"(its parameters: {', '.join(space)})"
            )
        return SearchSpace({**space, lr_range.param: lr_range.distribution()})
    return space.narrow({lr_range.param: lr_range.distribution()})  # type: ignore[no-any-return]
