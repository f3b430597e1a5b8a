"""Local sensitivity around the best configuration: the tornado.

Built from a :class:`~hypersense.analysis.experiments.LocalSensitivity` given
to the report, or from the trials of the ``"<study>:local"`` companion study
that :func:`~hypersense.analysis.experiments.local_sensitivity` ran (then the
intervals are recomputed at 95%).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from hypersense.report.data.companions import design_points, group_values
from hypersense.report.data.snapshot import StudySnapshot, as_snapshot

if TYPE_CHECKING:
    from hypersense.study.study import Study

__all__ = [
    "TornadoBarData",
    "TornadoData",
    "build_tornado_data",
    "tornado_data_from_local",
]

_CONFIDENCE = 0.95


@dataclass(frozen=True)
class TornadoBarData:
    """How far one parameter alone moves the mean metric.

    Attributes:
        parameter: The parameter.
        low_value: Its value giving the smallest mean (as text).
        low_mean: That smallest mean.
        high_value: Its value giving the largest mean (as text).
        high_mean: That largest mean.
        range_low: Lower end of the range's interval (NaN when unknown).
        range_high: Upper end of the range's interval.
        p_value: The sweep's F-test p-value (NaN when unknown).
    """

    parameter: str
    low_value: str
    low_mean: float
    high_value: str
    high_mean: float
    range_low: float = math.nan
    range_high: float = math.nan
    p_value: float = math.nan

    @property
    def range(self) -> float:
        """``high_mean - low_mean``."""
        return self.high_mean - self.low_mean


@dataclass(frozen=True)
class TornadoData:
    """Bars by decreasing range, around the reference configuration's mean.

    Attributes:
        objective_name: What the means measure.
        reference_mean: Mean metric of the reference configuration.
        bars: Widest first.
        source: Where the data came from, in words.
    """

    objective_name: str
    reference_mean: float
    bars: tuple[TornadoBarData, ...]
    source: str = ""

    def __post_init__(self) -> None:
        key = lambda b: -b.range if math.isfinite(b.range) else math.inf  # noqa: E731
        object.__setattr__(self, "bars", tuple(sorted(self.bars, key=key)))


def tornado_data_from_local(local: Any, objective_name: str = "value") -> TornadoData:
    """From a ``LocalSensitivity`` result (read by attribute, not imported)."""
    bars = [
        TornadoBarData(
            parameter=b.parameter,
            low_value=str(b.low_value),
            low_mean=float(b.low_mean),
            high_value=str(b.high_value),
            high_mean=float(b.high_mean),
            range_low=float(b.range_of_means.low),
            range_high=float(b.range_of_means.high),
            p_value=float(b.p_value),
        )
        for b in local.tornado
    ]
    return TornadoData(
        objective_name,
        float(local.reference_summary.mean),
        tuple(bars),
        source=f"local sensitivity in study {local.companion_study_name!r}",
    )


def _group(attrs: Mapping[str, Any]) -> Hashable | None:
    if attrs.get("design_reference"):
        return ("__reference__",)
    name = attrs.get("design_parameter")
    if name is None:
        return None
    return (str(name), json_key(attrs.get("design_value")))


def json_key(value: Any) -> str:
    """A hashable, readable label of a swept value."""
    return str(value)


def _bar(name: str, levels: dict[str, list[float]]) -> TornadoBarData | None:
    """The bar of one parameter from its levels (reference included)."""
    from hypersense.analysis.experiments.sweeps import extreme_gap
    from hypersense.analysis.experiments.variance_components import one_way_anova

    means = {v: float(np.nanmean(x)) for v, x in levels.items() if np.isfinite(x).any()}
    if len(means) < 2:
        return None
    low = min(means, key=means.__getitem__)
    high = max(means, key=means.__getitem__)
    gap = extreme_gap(list(levels.values()), _CONFIDENCE)
    anova = one_way_anova(list(levels.values()))
    return TornadoBarData(
        name, low, means[low], high, means[high], gap.low, gap.high, anova.p_value
    )


def build_tornado_data(study: Study | StudySnapshot) -> TornadoData | None:
    """The tornado of the ``"local"`` companion study; None when it does not exist
    or holds no finished sweep."""
    snap = as_snapshot(study)
    local = snap.companions.get("local")
    if local is None:
        return None
    groups = group_values(design_points(local), _group)
    reference = groups.pop(("__reference__",), [])
    reference_label = _reference_label(local)
    by_parameter: dict[str, dict[str, list[float]]] = {}
    for key, values in groups.items():
        name, value = cast(tuple[str, str], key)
        by_parameter.setdefault(name, {reference_label(name): list(reference)})[value] = values
    bars = [b for n, levels in by_parameter.items() if (b := _bar(n, levels)) is not None]
    if not bars:
        return None
    ref = np.asarray(reference, dtype=float)
    ref_mean = float(np.mean(ref[np.isfinite(ref)])) if np.isfinite(ref).any() else math.nan
    return TornadoData(
        snap.objective_names()[0],
        ref_mean,
        tuple(bars),
        source=f"one-at-a-time sweeps in study {local.study_name!r} (intervals at 95%)",
    )


def _reference_label(local: StudySnapshot) -> Any:
    """``label(name)``: the reference configuration's value of ``name``, as text."""
    ref_params: Mapping[str, Any] = {}
    for t in local.trials:
        if t.user_attrs.get("design_reference"):
            ref_params = t.params
            break

    def label(name: str) -> str:
        return json_key(ref_params.get(name, "reference"))

    return label
