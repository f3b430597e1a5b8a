"""The dashboard's state and its reads and writes, apart from HTTP: the
study readers, the background importance jobs and the figure caches that the
routes of :mod:`hypersense.dashboard.app` serve."""

from __future__ import annotations

import threading
import time
from typing import Any

from hypersense.config.storage_url import display_url, open_storage
from hypersense.dashboard.analysis import ImportanceJobs
from hypersense.dashboard.figures import FigureCache, build_figure
from hypersense.dashboard.live import StudyCatalog, StudyReader, StudyState
from hypersense.dashboard.options import DashboardOptions
from hypersense.dashboard.records import NOTE_ATTR, study_row, study_summary
from hypersense.errors import StudyNotFoundError
from hypersense.report.data import StudySnapshot, build_learning_curves_data
from hypersense.report.figures import figure_kind
from hypersense.storage.base import Storage
from hypersense.study.stop_request import request_stop

__all__ = ["Dashboard"]


class Dashboard:
    """The server's state: the readers, the importance jobs, the figure caches.

    Args:
        options: The settings (a required token must be set).
        storage: The storage to read (default: opened read-only from
            ``options.storage``; closed by :meth:`close` only when opened here).
    """

    def __init__(self, options: DashboardOptions, storage: Storage | None = None) -> None:
        options.check_token()
        self.options = options
        self._owned = storage is None
        self.storage = (
            open_storage(options.storage, must_exist=True, read_only=True)
            if storage is None
            else storage
        )
        self.catalog = StudyCatalog(self.storage, refresh_interval_s=options.refresh_interval_s)
        self.jobs = ImportanceJobs(
            options.storage,
            min_trials=options.analysis_min_trials,
            new_share=options.analysis_new_share,
        )
        self.shown_storage = display_url(options.storage)
        self._figures: dict[int, FigureCache] = {}
        self._writer: Storage | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def __repr__(self) -> str:
        return f"Dashboard({self.options!r})"

    # ------------------------------------------------------------ lifecycle
    def start(self) -> None:
        """Read every study once in the background, newest first."""
        threading.Thread(
            target=self.catalog.warm_up, args=(self._stop,), name="hypersense-warm-up", daemon=True
        ).start()

    def close(self) -> None:
        """End background work and close the storages opened here."""
        self._stop.set()
        self.jobs.close()
        if self._writer is not None:
            self._writer.close()
        if self._owned:
            self.storage.close()

    # --------------------------------------------------------------- reading
    def state(self, study_id: int) -> tuple[StudyReader, StudyState]:
        """A study's reader and its fresh state; StudyNotFoundError when unknown."""
        reader = self.catalog.reader(study_id)
        return reader, reader.state()

    def snapshot(self, state: StudyState) -> StudySnapshot:
        """The state as the report's snapshot."""
        return state.snapshot(self.shown_storage)

    def summary(self, study_id: int) -> dict[str, Any]:
        """The study page's header, importance status included."""
        _, state = self.state(study_id)
        snap = self.snapshot(state)
        self.jobs.consider(
            study_id, len(snap.completed()), lambda: self.snapshot(self.state(study_id)[1])
        )
        return {
            **study_summary(state, snap),
            "importance": self.jobs.status(study_id).as_json(),
            "writes": self.options.allow_writes,
        }

    def studies(self) -> list[dict[str, Any]]:
        """Every study's row; studies read before are refreshed (incrementally)."""
        rows = []
        for summary in self.catalog.summaries():
            try:
                reader = self.catalog.reader(summary.record.study_id)
                state = reader.state() if reader.loaded is not None else None
            except StudyNotFoundError:
                continue  # deleted since listed
            rows.append(study_row(summary, state))
        return rows

    def figure(self, study_id: int, name: str) -> tuple[bytes, str]:
        """Figure ``name`` of the study as JSON, with its ETag."""
        _, state = self.state(study_id)
        status = self.jobs.status(study_id)
        with self._lock:
            cache = self._figures.setdefault(study_id, FigureCache())
        made = cache.get(
            name,
            (state.version, status.computed_at),
            lambda: build_figure(name, self.snapshot(state), status.data),
        )
        return made.body, made.etag

    def trial(self, study_id: int, number: int) -> tuple[StudyState, Any]:
        """The study's state and trial ``number``; KeyError when it has none."""
        _, state = self.state(study_id)
        if 0 <= number < len(state.trials) and state.trials[number].number == number:
            return state, state.trials[number]
        for t in state.trials:
            if t.number == number:
                return state, t
        raise KeyError(number)

    def trial_figure(self, study_id: int, number: int) -> dict[str, Any] | None:
        """The report's learning-curve figure of one trial (None without values)."""
        state, found = self.trial(study_id, number)
        snap = self.snapshot(state)
        one = StudySnapshot(snap.study_name, snap.directions, (found,), snap.user_attrs)
        data = build_learning_curves_data(one)
        return None if data is None else figure_kind("learning_curves").render(data)

    # --------------------------------------------------------------- writing
    def _writable(self) -> Storage:
        with self._lock:
            if self._writer is None:
                self._writer = open_storage(self.options.storage, must_exist=True)
            return self._writer

    def write_note(self, study_id: int, number: int, text: str) -> dict[str, Any]:
        """Store ``text`` as trial ``number``'s note (an empty text clears it)."""
        reader, _ = self.state(study_id)
        _, found = self.trial(study_id, number)
        note = {"text": text, "written_at": time.time(), "by": "dashboard"}
        self._writable().set_trial_attrs(
            found.trial_id, {NOTE_ATTR: note}, system=True, require_running=False
        )
        reader.forget(number)
        return note

    def stop_study(self, study_id: int) -> dict[str, Any]:
        """Store a stop request for the study (see :mod:`hypersense.study.stop_request`)."""
        _, state = self.state(study_id)
        return request_stop(self._writable(), state.record.name, by="dashboard")
