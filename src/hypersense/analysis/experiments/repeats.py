"""Summaries of repeated evaluations of one configuration (seeds, folds).

Pure functions on numpy arrays. A configuration evaluated with ``n`` seeds has
a mean, a sample standard deviation and a Student-t interval for its mean:
the interval every curve point, re-evaluation and noise table reports.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

__all__ = ["IntervalEstimate", "RepeatSummary", "summarize_repeats", "t_interval"]


@dataclass(frozen=True)
class IntervalEstimate:
    """A point estimate with a confidence interval (NaN where undefined).

    Attributes:
        estimate: The point estimate.
        low: Lower end of the interval.
        high: Upper end of the interval.
    """

    estimate: float
    low: float
    high: float

    def to_dict(self) -> dict[str, float]:
        """The fields as a plain dict (NaN kept; callers make it JSON-ready)."""
        return {"estimate": self.estimate, "low": self.low, "high": self.high}


@dataclass(frozen=True)
class RepeatSummary:
    """Mean of ``n`` repeated evaluations with a t-interval.

    Attributes:
        n: Finite values used (failed or pruned repeats are left out).
        mean: Their mean (NaN when ``n == 0``).
        std: Their sample standard deviation, ``ddof=1`` (NaN when ``n < 2``).
        low: Lower end of the t-interval of the mean (NaN when ``n < 2``).
        high: Upper end of the t-interval of the mean (NaN when ``n < 2``).
    """

    n: int
    mean: float
    std: float
    low: float
    high: float

    @property
    def standard_error(self) -> float:
        """``std / sqrt(n)``: the standard error of the mean (NaN when ``n < 2``)."""
        return self.std / math.sqrt(self.n) if self.n >= 2 else math.nan

    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (NaN kept; callers make it JSON-ready)."""
        return {
            "n": self.n,
            "mean": self.mean,
            "std": self.std,
            "low": self.low,
            "high": self.high,
        }


def t_interval(mean: float, std: float, n: int, confidence: float) -> tuple[float, float]:
    """Two-sided Student-t interval ``mean ± t_{(1+c)/2, n-1} · std / sqrt(n)``.

    Args:
        mean: Sample mean.
        std: Sample standard deviation (``ddof=1``).
        n: Sample size; below 2 the interval is ``(nan, nan)``.
        confidence: Coverage, e.g. 0.95.
    """
    if n < 2 or not math.isfinite(std):
        return math.nan, math.nan
    half = float(stats.t.ppf(0.5 + confidence / 2.0, n - 1)) * std / math.sqrt(n)
    return mean - half, mean + half


def summarize_repeats(values: ArrayLike, confidence: float) -> RepeatSummary:
    """Mean, standard deviation and t-interval of the finite entries of ``values``.

    Args:
        values: Shape ``(n,)``; NaN marks a repeat that gave no value.
        confidence: Coverage of the interval, e.g. 0.95.
    """
    x = np.asarray(values, dtype=float).ravel()
    x = x[np.isfinite(x)]
    n = int(x.size)
    if n == 0:
        return RepeatSummary(0, math.nan, math.nan, math.nan, math.nan)
    mean = float(np.mean(x))
    std = float(np.std(x, ddof=1)) if n >= 2 else math.nan
    low, high = t_interval(mean, std, n, confidence)
    return RepeatSummary(n, mean, std, low, high)
