"""Optimisation history: every finished value in trial order, and the best so far."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from hypersense.direction import StudyDirection
from hypersense.report.data.snapshot import StudySnapshot, as_snapshot
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
    """

    objective_name: str
    direction: StudyDirection
    numbers: tuple[int, ...]
    values: tuple[float, ...]
    best_so_far: tuple[float, ...]
    best_number: int
    pruned_numbers: tuple[int, ...] = ()
    pruned_values: tuple[float, ...] = ()


def running_best(values: NDArray[np.float64], direction: StudyDirection) -> NDArray[np.float64]:
    """The best of ``values[: i + 1]`` for every ``i``; shape as ``values`` ``(n,)``."""
    x = np.asarray(values, dtype=float)
    if direction is StudyDirection.MINIMIZE:
        return np.minimum.accumulate(x)
    return np.maximum.accumulate(x)


def build_history_data(study: Study | StudySnapshot, *, objective: int = 0) -> HistoryData | None:
    """The history of objective ``objective``; None when no trial completed.

    Args:
        study: The study or its snapshot.
        objective: Which objective, for a multi-objective study.
    """
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
    return HistoryData(
        objective_name=snap.objective_names()[objective],
        direction=direction,
        numbers=tuple(t.number for t in done),
        values=tuple(float(v) for v in values),
        best_so_far=tuple(float(v) for v in best),
        best_number=done[best_index].number,
        pruned_numbers=tuple(t.number for t in pruned),
        pruned_values=tuple(t.objective_value(objective) for t in pruned),
    )
