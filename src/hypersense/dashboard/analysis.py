"""Importance, recomputed in the background as a study grows.

The report's importance (:func:`hypersense.report.data.importance_adapter.analysis_figures`,
level ``"importance"``, its seed and draws) takes seconds to minutes on a large
study, so it never runs in a request. :class:`ImportanceJobs` runs one
computation at a time in a separate process (so the server's threads keep
answering), for a study whose COMPLETE trials reached ``min_trials`` and grew
by ``new_share`` (at least 5 trials) since its last computation. The worker
reads the study's companion studies (the ``:noise`` one gives the noise floor)
from the storage itself; the trials come from the server's cache. Each study's
:class:`ImportanceStatus` says when the shown result was computed and on how
many trials, and whether a newer one is being computed.
"""

from __future__ import annotations

import contextlib
import logging
import math
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from typing import Any

from hypersense.report.data.importance import ImportanceData
from hypersense.report.data.snapshot import COMPANION_PREFIX, StudySnapshot

__all__ = ["ImportanceJobs", "ImportanceStatus", "compute_importance"]

_log = logging.getLogger(__name__)
_MIN_NEW_TRIALS = 5


@dataclass(frozen=True)
class ImportanceStatus:
    """What the dashboard knows of one study's importance.

    Attributes:
        data: The last result (None before the first, or when the analysis
            could not run on the study).
        computed_at: Unix time that result was computed.
        n_complete: COMPLETE trials it was computed on.
        running: Whether a newer computation is under way (or queued).
        message: Why there is no result yet, or what went wrong, or "".
    """

    data: ImportanceData | None = None
    computed_at: float | None = None
    n_complete: int = 0
    running: bool = False
    message: str = ""

    def as_json(self) -> dict[str, Any]:
        """The status for the page."""
        return {
            "computed_at": self.computed_at,
            "n_complete": self.n_complete,
            "running": self.running,
            "message": self.message,
            "method": None if self.data is None else self.data.method,
        }


def compute_importance(url: str, snap: StudySnapshot, min_trials: int) -> ImportanceData | None:
    """The report's importance bars for ``snap``, its companion studies read from
    the storage at ``url`` (what the worker process runs)."""
    from hypersense.config.storage_url import open_storage
    from hypersense.errors import StudyNotFoundError
    from hypersense.report.data.importance_adapter import analysis_figures
    from hypersense.report.data.snapshot import as_snapshot
    from hypersense.study.management import load_study

    companions: dict[str, StudySnapshot] = {}
    store = open_storage(url, must_exist=True, read_only=True)
    try:
        for key, name in snap.system_attrs.items():
            if key.startswith(COMPANION_PREFIX) and isinstance(name, str):
                try:
                    study = load_study(name, store, heartbeat_interval_s=None)
                except StudyNotFoundError:
                    continue
                companions[key[len(COMPANION_PREFIX) :]] = as_snapshot(study)
    finally:
        store.close()
    full = replace(snap, companions=companions)
    return analysis_figures(full, level="importance", min_trials=min_trials).importance


def _work(conn: Connection, url: str, snap: StudySnapshot, min_trials: int) -> None:
    """Entry point of the worker process: send ``(data, error text)`` back."""
    with contextlib.suppress(OSError):
        os.nice(10)  # the server and the browser come first
    try:
        conn.send((compute_importance(url, snap, min_trials), ""))
    except Exception as exc:  # noqa: BLE001 - reported on the page, not lost
        conn.send((None, f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


class ImportanceJobs:
    """Background importance computations, one at a time, in a worker process.

    Args:
        url: The storage URL (the worker reads companion studies there).
        min_trials: Fewest COMPLETE trials to compute importance on.
        new_share: Recompute once COMPLETE trials grew by this share.
    """

    def __init__(self, url: str, *, min_trials: int, new_share: float) -> None:
        self._url = url
        self._min_trials = min_trials
        self._new_share = new_share
        self._lock = threading.Lock()
        self._status: dict[int, ImportanceStatus] = {}
        self._queue: list[tuple[int, Callable[[], StudySnapshot]]] = []
        self._wake = threading.Event()
        self._closed = threading.Event()
        self._process: Any = None
        self._thread: threading.Thread | None = None

    def status(self, study_id: int) -> ImportanceStatus:
        """The study's importance as known now."""
        with self._lock:
            return self._status.get(study_id, ImportanceStatus())

    def _due(self, status: ImportanceStatus, n_complete: int) -> bool:
        if status.running or n_complete < self._min_trials:
            return False
        if status.computed_at is None and not status.message:
            return True
        grown = max(_MIN_NEW_TRIALS, math.ceil(status.n_complete * self._new_share))
        return n_complete >= status.n_complete + grown

    def consider(
        self, study_id: int, n_complete: int, snapshot: Callable[[], StudySnapshot]
    ) -> None:
        """Queue a computation for the study if it is due (``snapshot`` is called
        only when the computation starts)."""
        with self._lock:
            status = self._status.get(study_id, ImportanceStatus())
            if n_complete < self._min_trials and status.data is None:
                message = (
                    f"importance is computed once {self._min_trials} trials completed "
                    f"({n_complete} so far)"
                )
                self._status[study_id] = replace(status, message=message)
                return
            if not self._due(status, n_complete) or self._closed.is_set():
                return
            self._status[study_id] = replace(status, running=True)
            self._queue.append((study_id, snapshot))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._serve, name="hypersense-importance", daemon=True
                )
                self._thread.start()
        self._wake.set()

    def _serve(self) -> None:
        while not self._closed.is_set():
            self._wake.wait(1.0)
            self._wake.clear()
            while not self._closed.is_set():
                with self._lock:
                    if not self._queue:
                        break
                    study_id, snapshot = self._queue.pop(0)
                self._run(study_id, snapshot)

    def _run(self, study_id: int, snapshot: Callable[[], StudySnapshot]) -> None:
        try:
            snap = snapshot()
        except Exception as exc:  # noqa: BLE001 - e.g. the study was deleted
            self._finish(study_id, None, 0, f"could not read the study: {exc}")
            return
        n_complete = len(snap.completed())
        ctx = multiprocessing.get_context("spawn")
        receiver, sender = ctx.Pipe(duplex=False)
        process = ctx.Process(
            target=_work, args=(sender, self._url, snap, self._min_trials), daemon=True
        )
        with self._lock:
            self._process = process
        process.start()
        sender.close()
        data, error = None, "the importance worker ended without an answer"
        try:
            while not self._closed.is_set():
                if receiver.poll(0.2):
                    data, error = receiver.recv()
                    break
                if not process.is_alive():
                    break
        except EOFError:
            pass
        finally:
            receiver.close()
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join()
        if not self._closed.is_set():
            self._finish(study_id, data, n_complete, error)

    def _finish(
        self, study_id: int, data: ImportanceData | None, n_complete: int, error: str
    ) -> None:
        if error:
            _log.warning("importance of study id %s not computed: %s", study_id, error)
        with self._lock:
            old = self._status.get(study_id, ImportanceStatus())
            if data is None and not error:
                error = "the analysis found nothing to rank (see the server's log)"
            self._status[study_id] = ImportanceStatus(
                data=data if data is not None else old.data,
                computed_at=time.time() if data is not None else old.computed_at,
                n_complete=n_complete,
                running=False,
                message=error,
            )

    def close(self) -> None:
        """Stop: a computation under way is ended, none starts."""
        self._closed.set()
        self._wake.set()
        with self._lock:
            process = self._process
        if process is not None and process.is_alive():
            process.kill()
        if self._thread is not None:
            self._thread.join(timeout=10)
