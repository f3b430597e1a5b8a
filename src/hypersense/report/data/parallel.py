"""Parallel coordinates: one axis per parameter and one for the objective."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from hypersense.direction import StudyDirection
from hypersense.report.data.snapshot import StudySnapshot, as_snapshot
from hypersense.report.data.thinning import check_limit, kept_indices
from hypersense.space.base import Distribution
from hypersense.space.categorical import CategoricalDistribution
from hypersense.space.numeric import FloatDistribution, IntDistribution

if TYPE_CHECKING:
    from hypersense.study.study import Study

__all__ = [
    "AxisData",
    "ParallelCoordinatesData",
    "axis_kind",
    "category_labels",
    "category_order",
    "build_parallel_coordinates_data",
]


@dataclass(frozen=True)
class AxisData:
    """One axis of the parallel-coordinates plot.

    Attributes:
        name: The parameter (or objective) name.
        kind: ``"linear"``, ``"log"`` (values are on a log10 scale) or
            ``"categorical"`` (values are choice indices).
        values: One per trial, shape ``(n,)``; NaN where a conditional
            parameter was not drawn.
        tick_labels: The choices of a categorical axis, by index; empty otherwise.
        low: Lower end of the axis (in the axis' own scale).
        high: Upper end of the axis.
    """

    name: str
    kind: str
    values: tuple[float, ...]
    tick_labels: tuple[str, ...] = ()
    low: float = math.nan
    high: float = math.nan


@dataclass(frozen=True)
class ParallelCoordinatesData:
    """Every COMPLETE trial as a line through parameter axes and the objective.

    Attributes:
        numbers: Trial numbers, shape ``(n,)``.
        axes: One per parameter, in order of first appearance.
        objective: The objective's axis (linear), which also colours the lines.
        objective_is_minimized: Whether smaller objective values are better.
        n_completed: COMPLETE trials in the study (more than ``numbers`` when
            the figure was thinned; None: as many).
        note: What was left out to keep the figure small ("" when nothing).
    """

    numbers: tuple[int, ...]
    axes: tuple[AxisData, ...]
    objective: AxisData
    objective_is_minimized: bool
    n_completed: int | None = None
    note: str = ""

    @property
    def n_trials(self) -> int:
        """COMPLETE trials of the study, drawn or not."""
        return len(self.numbers) if self.n_completed is None else self.n_completed


def _is_log(dist: Distribution) -> bool:
    return isinstance(dist, (FloatDistribution, IntDistribution)) and dist.log


def category_order(choices: Sequence[Any]) -> list[int]:
    """Indices of ``choices`` in the order to draw them: numbers (batch sizes)
    numerically, anything else as declared."""
    numeric = all(
        isinstance(c, (int, float)) and not isinstance(c, bool) and math.isfinite(c)
        for c in choices
    )
    indices = list(range(len(choices)))
    return sorted(indices, key=lambda i: choices[i]) if numeric else indices


def category_labels(choices: Sequence[Any]) -> tuple[str, ...]:
    """The labels of a categorical axis in the order to draw them
    (:func:`category_order`)."""
    return tuple(str(choices[i]) for i in category_order(choices))


def axis_kind(dist: Distribution) -> str:
    """``"categorical"``, ``"log"`` or ``"linear"``: how an axis of ``dist`` is drawn."""
    if isinstance(dist, CategoricalDistribution):
        return "categorical"
    return "log" if _is_log(dist) else "linear"


def _axis(name: str, dist: Distribution, values: list[Any]) -> AxisData:
    if isinstance(dist, CategoricalDistribution):
        labels = category_labels(dist.choices)
        position = {index: p for p, index in enumerate(category_order(dist.choices))}
        coded = tuple(
            float(position[dist.index(v)]) if v is not _ABSENT and dist.contains(v) else math.nan
            for v in values
        )
        return AxisData(name, "categorical", coded, labels, 0.0, float(len(labels) - 1))
    log = _is_log(dist)
    low, high = float(dist.low), float(dist.high)  # type: ignore[attr-defined]

    def scale(v: Any) -> float:
        if v is _ABSENT or v is None:
            return math.nan
        return math.log10(float(v)) if log else float(v)

    ends = (math.log10(low), math.log10(high)) if log else (low, high)
    return AxisData(name, "log" if log else "linear", tuple(scale(v) for v in values), (), *ends)


_ABSENT = object()


def build_parallel_coordinates_data(
    study: Study | StudySnapshot, *, objective: int = 0, max_lines: int | None = None
) -> ParallelCoordinatesData | None:
    """Lines of the COMPLETE trials; None without one, or without any parameter.

    Args:
        study: The study or its snapshot.
        objective: Which objective colours the lines.
        max_lines: Most trials drawn (the best fifth of them, the newest and an
            even spread; see :mod:`hypersense.report.data.thinning`); None draws all.
            The objective axis spans every trial's value.
    """
    check_limit("max_lines", max_lines)
    snap = as_snapshot(study)
    completed = snap.completed()
    space = snap.search_space()
    if not completed or not space:
        return None
    losses = snap.losses(completed, objective)
    n_best = 0 if max_lines is None else max_lines // 5
    keep = kept_indices(len(completed), max_lines, np.argsort(losses, kind="stable")[:n_best])
    done = [completed[i] for i in keep.tolist()]
    axes = []
    for name, dist in space.items():
        if dist.is_single:
            continue  # an axis with one value tells nothing
        axes.append(_axis(name, dist, [t.params.get(name, _ABSENT) for t in done]))
    values = tuple(t.objective_value(objective) for t in done)
    every = [t.objective_value(objective) for t in completed]
    obj = AxisData(snap.objective_names()[objective], "linear", values, (), min(every), max(every))
    thinned = len(done) < len(completed)
    return ParallelCoordinatesData(
        numbers=tuple(t.number for t in done),
        axes=tuple(axes),
        objective=obj,
        objective_is_minimized=snap.directions[objective] is StudyDirection.MINIMIZE,
        n_completed=len(completed),
        note=f"showing {len(done)} of {len(completed)} (the best, the newest and an even spread)"
        if thinned
        else "",
    )
