"""The Pareto front of a study with several objectives."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from hypersense.direction import StudyDirection, to_minimization
from hypersense.pareto import non_dominated_mask
from hypersense.report.data.snapshot import StudySnapshot, as_snapshot

if TYPE_CHECKING:
    from hypersense.study.study import Study

__all__ = ["ParetoData", "build_pareto_data"]


@dataclass(frozen=True)
class ParetoData:
    """Every COMPLETE trial in objective space, front marked.

    Attributes:
        objective_names: One label per objective.
        directions: One direction per objective.
        numbers: Trial numbers, shape ``(n,)``.
        values: ``n`` rows of ``k`` objective values.
        on_front: Whether each trial is on the Pareto front, shape ``(n,)``.
    """

    objective_names: tuple[str, ...]
    directions: tuple[StudyDirection, ...]
    numbers: tuple[int, ...]
    values: tuple[tuple[float, ...], ...]
    on_front: tuple[bool, ...]

    def front(self) -> tuple[int, ...]:
        """Trial numbers on the front, sorted by the first objective's value."""
        rows = [
            (v[0], n) for n, v, f in zip(self.numbers, self.values, self.on_front, strict=True) if f
        ]
        return tuple(n for _, n in sorted(rows))


def build_pareto_data(study: Study | StudySnapshot) -> ParetoData | None:
    """The front; None for a single objective or without COMPLETE trials."""
    snap = as_snapshot(study)
    done = snap.completed()
    if not snap.is_multi_objective or not done:
        return None
    values = np.array([t.values for t in done], dtype=float)
    mask = non_dominated_mask(to_minimization(values, snap.directions))
    return ParetoData(
        objective_names=snap.objective_names(),
        directions=snap.directions,
        numbers=tuple(t.number for t in done),
        values=tuple(tuple(float(x) for x in row) for row in values),
        on_front=tuple(bool(m) for m in mask),
    )
