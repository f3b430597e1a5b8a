"""What the dashboard knows of each study, kept up to date by incremental reads.

Lifecycle: :class:`StudyCatalog` lists the storage's studies (at most once per
``refresh_interval_s``) and keeps one :class:`StudyReader` per study it was
asked about. A reader's :meth:`~StudyReader.state` re-reads the storage at
most once per interval, and then only the trials not seen yet and the
unfinished ones (:class:`~hypersense.study.cache.TrialCache`): a study of ten
thousand trials costs one full read when first shown, then a few rows per
update. Each read that finds anything new — a trial, an intermediate value, a
heartbeat, a study attribute — gives the study a new :attr:`StudyState.version`,
which pages use as their ETag. Readers are thread-safe; concurrent requests
share one read.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hypersense.direction import StudyDirection
from hypersense.errors import StudyNotFoundError
from hypersense.report.data.snapshot import StudySnapshot
from hypersense.storage.base import Storage, StudyRecord, StudySummary
from hypersense.study.cache import TrialCache
from hypersense.trial.frozen import FrozenTrial
from hypersense.trial.state import TrialState

__all__ = ["StudyCatalog", "StudyReader", "StudyState", "last_activity"]

_log = logging.getLogger(__name__)


def last_activity(trial: FrozenTrial) -> float | None:
    """The latest time the trial's record shows: completion, heartbeat or start."""
    times = [t for t in (trial.completed_at, trial.heartbeat_at, trial.started_at) if t]
    return max(times) if times else None


@dataclass(frozen=True)
class StudyState:
    """One study as last read.

    Attributes:
        record: The study's record (name, directions, attributes).
        trials: Every trial, in number order.
        version: Grows by one with every read that found a change.
        read_at: Unix time of the last read.
        last_activity: Latest start, heartbeat or completion of any trial.
        counts: Trials per state.
    """

    record: StudyRecord
    trials: tuple[FrozenTrial, ...]
    version: int
    read_at: float
    last_activity: float | None
    counts: Mapping[TrialState, int] = field(default_factory=dict)

    @property
    def directions(self) -> tuple[StudyDirection, ...]:
        """One direction per objective."""
        return self.record.directions

    def snapshot(self, storage: str = "") -> StudySnapshot:
        """The state as the report's snapshot (without companion studies)."""
        return StudySnapshot(
            study_name=self.record.name,
            directions=self.record.directions,
            trials=self.trials,
            user_attrs=dict(self.record.user_attrs),
            system_attrs=dict(self.record.system_attrs),
            created_at=self.record.created_at,
            storage=storage,
        )


class StudyReader:
    """One study's state, refreshed incrementally (see the module docstring).

    Args:
        storage: The storage (read-only is enough).
        record: The study's record as listed.
        refresh_interval_s: Shortest time between two reads.
    """

    def __init__(self, storage: Storage, record: StudyRecord, *, refresh_interval_s: float) -> None:
        self._storage = storage
        self._name = record.name
        self._cache = TrialCache(storage, record.study_id)
        self._interval_s = refresh_interval_s
        self._lock = threading.Lock()
        self._trials: dict[int, FrozenTrial] = {}
        self._state: StudyState | None = None
        self._record = record
        self._last_read = -float("inf")

    @property
    def study_id(self) -> int:
        """The study's storage key."""
        return self._record.study_id

    @property
    def loaded(self) -> StudyState | None:
        """The state last read, without reading (None before the first read)."""
        return self._state

    def forget(self, number: int) -> None:
        """Read trial ``number`` again on the next refresh (a note was written)."""
        self._cache.forget(number)
        with self._lock:
            self._last_read = -float("inf")

    def state(self) -> StudyState:
        """The study as stored now, read at most once per interval.

        Raises:
            StudyNotFoundError: The study was deleted.
        """
        with self._lock:
            now = time.monotonic()
            if self._state is not None and now - self._last_read < self._interval_s:
                return self._state
            self._last_read = now
            record = self._storage.get_study(self._name)
            changed = self._cache.refresh()
            previous = self._state
            if previous is not None and not changed and record == previous.record:
                self._state = StudyState(
                    record, previous.trials, previous.version, time.time(),
                    previous.last_activity, previous.counts,
                )  # fmt: skip
                return self._state
            self._state = self._next_state(record, changed, previous)
            return self._state

    def _next_state(
        self, record: StudyRecord, changed: list[FrozenTrial], previous: StudyState | None
    ) -> StudyState:
        for trial in changed:
            self._trials[trial.number] = trial
        trials = tuple(self._trials[n] for n in sorted(self._trials))
        counts = {s: 0 for s in TrialState}
        for t in trials:
            counts[t.state] += 1
        times = [last_activity(t) for t in changed]
        known = [t for t in times if t is not None]
        if previous is not None and previous.last_activity is not None:
            known.append(previous.last_activity)
        return StudyState(
            record=record,
            trials=trials,
            version=0 if previous is None else previous.version + 1,
            read_at=time.time(),
            last_activity=max(known) if known else None,
            counts=counts,
        )


class StudyCatalog:
    """The storage's studies and a reader per study.

    Args:
        storage: The storage (read-only is enough).
        refresh_interval_s: Shortest time between two reads of the list or of one study.
    """

    def __init__(self, storage: Storage, *, refresh_interval_s: float) -> None:
        self.storage = storage
        self._interval_s = refresh_interval_s
        self._lock = threading.Lock()
        self._readers: dict[int, StudyReader] = {}
        self._summaries: list[StudySummary] = []
        self._listed_at = -float("inf")
        self.version = 0

    def summaries(self) -> list[StudySummary]:
        """Every study with its counts, oldest first (listed at most once per interval)."""
        with self._lock:
            now = time.monotonic()
            if now - self._listed_at >= self._interval_s:
                self._listed_at = now
                fresh = self.storage.list_studies()
                if _keys(fresh) != _keys(self._summaries):
                    self.version += 1
                self._summaries = fresh
            return list(self._summaries)

    def reader(self, study_id: int) -> StudyReader:
        """The reader of study ``study_id``.

        Raises:
            StudyNotFoundError: No study has that id.
        """
        with self._lock:
            found = self._readers.get(study_id)
        if found is not None:
            return found
        self._listed_at = -float("inf")  # a new study may have been created since
        for summary in self.summaries():
            if summary.record.study_id == study_id:
                with self._lock:
                    return self._readers.setdefault(
                        study_id,
                        StudyReader(
                            self.storage, summary.record, refresh_interval_s=self._interval_s
                        ),
                    )
        raise StudyNotFoundError(f"no study with id {study_id}")

    def warm_up(self, stop: threading.Event) -> None:
        """Read every study once, newest first, until done or ``stop`` is set (the
        server runs this in a background thread so the first page is quick)."""
        try:
            ids = [s.record.study_id for s in reversed(self.summaries())]
            for study_id in ids:
                if stop.is_set():
                    return
                self.reader(study_id).state()
        except (StudyNotFoundError, OSError) as exc:
            _log.info("warming up the dashboard's readers stopped: %s", exc)
        except Exception:  # noqa: BLE001 - a background thread must not die silently
            _log.exception("warming up the dashboard's readers failed")


def _keys(summaries: list[StudySummary]) -> list[tuple[Any, ...]]:
    return [
        (
            s.record.study_id,
            s.record.name,
            tuple(sorted((k.value, n) for k, n in s.n_trials_by_state.items())),
        )
        for s in summaries
    ]
