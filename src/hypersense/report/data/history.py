"""Optimisation history: every finished value in trial order, and the best so far."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from hypersense.direction import StudyDirection
from hypersense.report.data.snapshot import StudySnapshot, as_snapshot
from hypersense.report.data.thinning import check_limit, kept_indices
from hypersense.trial.state import TrialState

if TYPE_CHECKING:
    from hypersense.study.study import Study

__all__ = ["HistoryData", "build_history_data"]


@dataclass(frozen=True)
class HistoryData:
    """One objective's values in trial order, with the running best.

    Attributes:
        objective_name: Label of the objective.
        direction: Whether it is minimised or maximised.
        numbers: Trial numbers of the COMPLETE trials with finite values,
            shape ``(n,)``.
        values: Their values of this objective, shape ``(n,)``.
        best_so_far: The best value among the first ``i + 1`` of them, shape ``(n,)``.
        best_number: The trial giving the final best value (earliest on ties).
        pruned_numbers: Trial numbers of PRUNED trials with a last value.
        pruned_values: Those last reported values (the value a PRUNED trial keeps).
        note: What was left out to keep the figure small ("" when nothing).
    """

    objective_name: str
    direction: StudyDirection
    numbers: tuple[int, ...]
    values: tuple[float, ...]
    best_so_far: tuple[float, ...]
    best_number: int
    pruned_numbers: tuple[int, ...] = ()
    pruned_values: tuple[float, ...] = ()
    note: str = ""


def running_best(values: NDArray[np.float64], direction: StudyDirection) -> NDArray[np.float64]:
    """The best of ``values[: i + 1]`` for every ``i``; shape as ``values`` ``(n,)``."""
    x = np.asarray(values, dtype=float)
    if direction is StudyDirection.MINIMIZE:
        return np.minimum.accumulate(x)
    return np.maximum.accumulate(x)


def build_history_data(
    study: Study | StudySnapshot, *, objective: int = 0, max_points: int | None = None
) -> HistoryData | None:
    """The history of objective ``objective``; None when no trial completed.

    Args:
        study: The study or its snapshot.
        objective: Which objective, for a multi-objective study.
        max_points: Most completed (and, apart, pruned) trials drawn; None draws
            all. Every trial that improved the best is kept, so the best-so-far
            line is exact (see :mod:`hypersense.report.data.thinning`).
    """
    check_limit("max_points", max_points)
    snap = as_snapshot(study)
    if not 0 <= objective < len(snap.directions):
        raise ValueError(
            f"`objective` must be in [0, {len(snap.directions)}) for study "
            f"{snap.study_name!r} (got {objective!r})"
        )
    done = snap.completed()
    if not done:
        return None
    direction = snap.directions[objective]
    values = np.array([t.objective_value(objective) for t in done], dtype=np.float64)
    best = running_best(values, direction)
    best_index = int(np.argmin(snap.losses(done, objective)))
    pruned = [
        t
        for t in snap.in_states(TrialState.PRUNED)
        if t.values is not None and len(t.values) > objective and math.isfinite(t.values[objective])
    ]
    records = np.flatnonzero(np.r_[True, best[1:] != best[:-1]])
    keep = kept_indices(len(done), max_points, records).tolist()
    keep_pruned = kept_indices(len(pruned), max_points, []).tolist()
    note = ""
    if len(keep) < len(done) or len(keep_pruned) < len(pruned):
        pruned_part = f" and {len(keep_pruned)} of {len(pruned)} pruned" if pruned else ""
        note = (
            f"showing {len(keep)} of {len(done)} completed{pruned_part} trials (every "
            "improvement, the newest and an even spread)"
        )
    return HistoryData(
        objective_name=snap.objective_names()[objective],
        direction=direction,
        numbers=tuple(done[i].number for i in keep),
        values=tuple(float(values[i]) for i in keep),
        best_so_far=tuple(float(best[i]) for i in keep),
        best_number=done[best_index].number,
        pruned_numbers=tuple(pruned[i].number for i in keep_pruned),
        pruned_values=tuple(pruned[i].objective_value(objective) for i in keep_pruned),
        note=note,
    )
