"""The Pareto front of a study with several objectives."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from hypersense.direction import StudyDirection, to_minimization
from hypersense.pareto import non_dominated_mask
from hypersense.report.data.snapshot import StudySnapshot, as_snapshot
from hypersense.report.data.thinning import check_limit, kept_indices

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
        n_completed: COMPLETE trials in the study (more than ``numbers`` when
            the figure was thinned; None: as many).
        note: What was left out to keep the figure small ("" when nothing).
    """

    objective_names: tuple[str, ...]
    directions: tuple[StudyDirection, ...]
    numbers: tuple[int, ...]
    values: tuple[tuple[float, ...], ...]
    on_front: tuple[bool, ...]
    n_completed: int | None = None
    note: str = ""

    @property
    def n_trials(self) -> int:
        """COMPLETE trials of the study, drawn or not."""
        return len(self.numbers) if self.n_completed is None else self.n_completed

    def front(self) -> tuple[int, ...]:
        """Trial numbers on the front, sorted by the first objective's value."""
        rows = [
            (v[0], n) for n, v, f in zip(self.numbers, self.values, self.on_front, strict=True) if f
        ]
        return tuple(n for _, n in sorted(rows))


def build_pareto_data(
    study: Study | StudySnapshot, *, max_points: int | None = None
) -> ParetoData | None:
    """The front; None for a single objective or without COMPLETE trials.

    Args:
        study: The study or its snapshot.
        max_points: Most trials drawn: the whole front, the newest and an even
            spread of the dominated ones (see
            :mod:`hypersense.report.data.thinning`); None draws all.
    """
    check_limit("max_points", max_points)
    snap = as_snapshot(study)
    done = snap.completed()
    if not snap.is_multi_objective or not done:
        return None
    values = np.array([t.values for t in done], dtype=float)
    mask = non_dominated_mask(to_minimization(values, snap.directions))
    keep = kept_indices(len(done), max_points, np.flatnonzero(mask)).tolist()
    return ParetoData(
        objective_names=snap.objective_names(),
        directions=snap.directions,
        numbers=tuple(done[i].number for i in keep),
        values=tuple(tuple(float(x) for x in values[i]) for i in keep),
        on_front=tuple(bool(mask[i]) for i in keep),
        n_completed=len(done),
        note=f"showing {len(keep)} of {len(done)} (the whole front, the newest and an even "
        "spread of the others)"
        if len(keep) < len(done)
        else "",
    )
