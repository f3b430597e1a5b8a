"""The results of one-at-a-time sweeps: points, curves, tornado bars.

Frozen dataclasses that :func:`~hypersense.analysis.experiments.local.local_sensitivity`
returns; each has a JSON-ready ``to_dict()``, and the whole result a
``to_pandas()`` that imports pandas only when called.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hypersense.analysis.experiments.repeats import IntervalEstimate, RepeatSummary
from hypersense.analysis.experiments.serialization import json_dict, rows_to_frame
from hypersense.analysis.experiments.variance_components import OneWayAnova
from hypersense.space.base import Distribution

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["LocalSensitivity", "SensitivityCurve", "SweepPoint", "TornadoBar"]

_PURPOSE = "a local sensitivity table"


@dataclass(frozen=True)
class SweepPoint:
    """One point of a sweep: a value of the swept parameter and its repeats.

    Attributes:
        value: The swept parameter's value.
        unit: Its position in the unit encoding.
        is_reference: Whether it is the reference configuration's value.
        summary: Mean, deviation and t-interval over the seeds.
    """

    value: Any
    unit: float
    is_reference: bool
    summary: RepeatSummary

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (the summary flattened)."""
        head = {"value": self.value, "unit": self.unit, "is_reference": self.is_reference}
        return json_dict({**head, **self.summary.to_dict()})


@dataclass(frozen=True)
class SensitivityCurve:
    """The sweep of one parameter around the reference configuration.

    Attributes:
        parameter: The swept parameter.
        distribution: Its distribution.
        points: The sweep, by position in the unit encoding.
        anova: One-way ANOVA of the points' repeats; its F-test asks whether
            any point's mean differs from the others beyond seed noise.
        range_of_means: Largest minus smallest point mean, with the interval
            of :func:`~hypersense.analysis.experiments.sweeps.extreme_gap`.
    """

    parameter: str
    distribution: Distribution
    points: tuple[SweepPoint, ...]
    anova: OneWayAnova
    range_of_means: IntervalEstimate

    @property
    def p_value(self) -> float:
        """The sweep's F-test p-value (NaN when fewer than two seeds or points)."""
        return self.anova.p_value

    def _extreme(self, pick: Any) -> SweepPoint | None:
        scored = [p for p in self.points if math.isfinite(p.summary.mean)]
        return pick(scored, key=lambda p: p.summary.mean) if scored else None

    @property
    def lowest(self) -> SweepPoint | None:
        """The point with the smallest mean metric."""
        return self._extreme(min)

    @property
    def highest(self) -> SweepPoint | None:
        """The point with the largest mean metric."""
        return self._extreme(max)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description of the curve."""
        return json_dict(
            {
                "parameter": self.parameter,
                "distribution": self.distribution.to_dict(),
                "points": [p.to_dict() for p in self.points],
                "f_statistic": self.anova.f_statistic,
                "df_between": self.anova.df_between,
                "df_within": self.anova.df_within,
                "p_value": self.anova.p_value,
                "range_of_means": self.range_of_means.to_dict(),
            }
        )


@dataclass(frozen=True)
class TornadoBar:
    """One bar of the tornado: how far one parameter alone moves the mean metric.

    Attributes:
        parameter: The parameter.
        low_value: Its value giving the smallest mean, and that mean.
        low_mean: The smallest mean along the sweep.
        high_value: Its value giving the largest mean.
        high_mean: The largest mean along the sweep.
        range_of_means: ``high_mean - low_mean`` with its interval.
        p_value: The sweep's F-test p-value.
    """

    parameter: str
    low_value: Any
    low_mean: float
    high_value: Any
    high_mean: float
    range_of_means: IntervalEstimate
    p_value: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (the range flattened)."""
        rng = self.range_of_means
        return json_dict(
            {
                "parameter": self.parameter,
                "low_value": self.low_value,
                "low_mean": self.low_mean,
                "high_value": self.high_value,
                "high_mean": self.high_mean,
                "range": rng.estimate,
                "range_low": rng.low,
                "range_high": rng.high,
                "p_value": self.p_value,
            }
        )


def _tornado_bar(curve: SensitivityCurve) -> TornadoBar:
    low, high = curve.lowest, curve.highest
    return TornadoBar(
        parameter=curve.parameter,
        low_value=None if low is None else low.value,
        low_mean=math.nan if low is None else low.summary.mean,
        high_value=None if high is None else high.value,
        high_mean=math.nan if high is None else high.summary.mean,
        range_of_means=curve.range_of_means,
        p_value=curve.p_value,
    )


def _widest_first(bar: TornadoBar) -> float:
    width = bar.range_of_means.estimate
    return -width if math.isfinite(width) else math.inf


@dataclass(frozen=True)
class LocalSensitivity:
    """Result of :func:`local_sensitivity`.

    Attributes:
        study_name: The searched study.
        companion_study_name: The study holding the sweeps' trials.
        reference: The configuration swept around.
        reference_summary: The reference configuration's repeats.
        curves: One per swept parameter, in the space's order.
        skipped: Parameters not swept, with the reason.
        n_points: Positions per numeric sweep (before adding the reference).
        n_seeds: Repeats per point.
        window: Width of the swept interval in the unit encoding (None: all).
        confidence: Coverage of the intervals.
    """

    study_name: str
    companion_study_name: str
    reference: Mapping[str, Any]
    reference_summary: RepeatSummary
    curves: tuple[SensitivityCurve, ...]
    skipped: Mapping[str, str]
    n_points: int
    n_seeds: int
    window: float | None
    confidence: float

    def curve(self, parameter: str) -> SensitivityCurve:
        """The curve of ``parameter``; KeyError naming the swept ones if absent."""
        for c in self.curves:
            if c.parameter == parameter:
                return c
        raise KeyError(
            f"no curve for parameter {parameter!r}; swept: {[c.parameter for c in self.curves]}"
        )

    @property
    def tornado(self) -> tuple[TornadoBar, ...]:
        """Bars by decreasing range of means (sweeps without a range last)."""
        return tuple(sorted((_tornado_bar(c) for c in self.curves), key=_widest_first))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description of the whole result."""
        return json_dict(
            {
                "study_name": self.study_name,
                "companion_study_name": self.companion_study_name,
                "reference": dict(self.reference),
                "reference_summary": self.reference_summary.to_dict(),
                "curves": [c.to_dict() for c in self.curves],
                "tornado": [b.to_dict() for b in self.tornado],
                "skipped": dict(self.skipped),
                "n_points": self.n_points,
                "n_seeds": self.n_seeds,
                "window": self.window,
                "confidence": self.confidence,
            }
        )

    def to_pandas(self, table: str = "curves") -> pd.DataFrame:
        """``table="curves"``: one row per sweep point (``parameter``, ``value``,
        ``unit``, ``is_reference``, ``n``, ``mean``, ``std``, ``low``, ``high``);
        ``table="tornado"``: one row per bar."""
        if table == "curves":
            rows = [
                {"parameter": c.parameter, **p.to_dict()} for c in self.curves for p in c.points
            ]
        elif table == "tornado":
            rows = [b.to_dict() for b in self.tornado]
        else:
            raise ValueError(f"`table` must be 'curves' or 'tornado' (got {table!r})")
        return rows_to_frame(rows, purpose=_PURPOSE)
