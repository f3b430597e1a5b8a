"""How the study ran: trials per state, and a timeline of trials per worker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hypersense.report.data.snapshot import StudySnapshot, as_snapshot
from hypersense.trial.frozen import SystemAttr
from hypersense.trial.state import TrialState

if TYPE_CHECKING:
    from hypersense.study.study import Study

__all__ = [
    "StateCountsData",
    "TimelineBar",
    "TimelineData",
    "build_state_counts_data",
    "build_timeline_data",
]

_UNKNOWN_WORKER = "unknown worker"


@dataclass(frozen=True)
class StateCountsData:
    """How many trials are in each state (every state listed, in lifecycle order)."""

    counts: tuple[tuple[TrialState, int], ...]

    @property
    def total(self) -> int:
        """All trials."""
        return sum(n for _, n in self.counts)

    def count(self, state: TrialState) -> int:
        """Trials in ``state``."""
        return dict(self.counts)[state]


_ORDER = (
    TrialState.COMPLETE,
    TrialState.PRUNED,
    TrialState.FAIL,
    TrialState.RUNNING,
    TrialState.WAITING,
)


def build_state_counts_data(study: Study | StudySnapshot) -> StateCountsData:
    """Counts per state (all zero for a study without trials)."""
    snap = as_snapshot(study)
    counts = {s: 0 for s in _ORDER}
    for t in snap.trials:
        counts[t.state] += 1
    return StateCountsData(tuple((s, counts[s]) for s in _ORDER))


@dataclass(frozen=True)
class TimelineBar:
    """One trial's run on its worker, in seconds since the study's first start.

    Attributes:
        number: The trial's number.
        worker: ``host:pid`` of the process that ran it.
        state: Its state.
        start_s: Start time.
        end_s: End time (for a RUNNING trial, its last heartbeat or its start).
    """

    number: int
    worker: str
    state: TrialState
    start_s: float
    end_s: float


@dataclass(frozen=True)
class TimelineData:
    """Every started trial as a bar on its worker's row.

    Attributes:
        origin: Unix time of the first start (the zero of the time axis).
        workers: Worker names, by first start.
        bars: One per started trial, in number order.
    """

    origin: float
    workers: tuple[str, ...]
    bars: tuple[TimelineBar, ...]


def build_timeline_data(study: Study | StudySnapshot) -> TimelineData | None:
    """The timeline; None when no trial has started."""
    snap = as_snapshot(study)
    origin = snap.study_start()
    if origin is None:
        return None
    bars = []
    for t in snap.trials:
        if t.started_at is None:
            continue
        end = t.completed_at or t.heartbeat_at or t.started_at
        worker = t.system_attrs.get(SystemAttr.WORKER)
        bars.append(
            TimelineBar(
                t.number,
                str(worker) if worker else _UNKNOWN_WORKER,
                t.state,
                t.started_at - origin,
                end - origin,
            )
        )
    workers = tuple(dict.fromkeys(b.worker for b in sorted(bars, key=lambda b: b.start_s)))
    return TimelineData(origin, workers, tuple(bars))
