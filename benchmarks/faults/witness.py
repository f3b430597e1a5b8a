"""Watching a study's rows in its database, independently of hypersense.

A :class:`Witness` polls the ``hs_*`` tables with plain ``sqlite3`` or ``psycopg``
(read-only; a lost connection is simply opened again) and remembers, for every
trial, when it was first seen in each state and the value of every COMPLETE
trial it ever saw: a result seen stored once must still be there at the end.
``snapshot()`` reads the final state, with each trial's owner pid and parameters.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

_STUDY = "JOIN hs_studies s ON s.study_id = t.study_id WHERE s.name = {p}"
_TRIALS = "SELECT t.number, t.state, t.values_json FROM hs_trials t " + _STUDY
_ATTRS = (
    "SELECT t.number, a.key, a.value_json FROM hs_trial_attrs a "
    "JOIN hs_trials t ON t.trial_id = a.trial_id " + _STUDY + " AND a.kind = 'system' "
    "AND a.key IN ('owner', 'not_run')"
)
_PARAMS = (
    "SELECT t.number, p.name, p.value_json FROM hs_trial_params p "
    "JOIN hs_trials t ON t.trial_id = p.trial_id " + _STUDY
)


@dataclass(frozen=True)
class StoredTrial:
    """A trial as its rows say.

    Attributes:
        number: The trial's number.
        state: RUNNING, WAITING, COMPLETE, PRUNED or FAIL.
        value: The first objective value, if stored.
        owner_pid: The pid of the process that started it (system attribute ``owner``).
        not_run: Never handed to an objective (a grid with nothing left).
        params: The stored parameters.
    """

    number: int
    state: str
    value: float | None = None
    owner_pid: int | None = None
    not_run: bool = False
    params: dict[str, Any] = field(default_factory=dict)


def _value(values_json: str | None) -> float | None:
    if values_json is None:
        return None
    values = json.loads(values_json)
    return None if not values or values[0] is None else float(values[0])


class _Connection:
    """A read-only connection to a SQLite file or a PostgreSQL database, by URL."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._conn: Any = None
        self._placeholder = "?" if url.startswith("sqlite") else "%s"

    def _open(self) -> Any:
        if self._url.startswith("sqlite"):
            path = self._url.removeprefix("sqlite:///")
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
            conn.execute("PRAGMA busy_timeout = 2000")
            return conn
        import psycopg

        parts = urlparse(self._url)
        return psycopg.connect(
            host=parts.hostname,
            port=parts.port,
            user=parts.username,
            dbname=parts.path.lstrip("/"),
            autocommit=True,
            connect_timeout=2,
        )

    def query(self, template: str, study: str) -> list[tuple[Any, ...]]:
        """Rows of ``template`` for ``study``; [] while the tables do not exist yet.

        Raises:
            Exception: The database could not be reached (the caller tries again).
        """
        if self._conn is None:
            self._conn = self._open()
        try:
            return list(self._conn.execute(template.format(p=self._placeholder), (study,)))
        except Exception as exc:
            if type(exc).__name__ == "UndefinedTable" or "no such table" in str(exc):
                return []
            self.close()
            raise

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
            self._conn = None


class Witness:
    """Polls a study's trials every ``interval_s`` in a background thread.

    Attributes:
        first_seen: number -> state -> wall-clock time it was first seen in it.
        seen_complete: number -> value of every trial ever seen COMPLETE.
    """

    def __init__(self, url: str, study: str, *, interval_s: float = 0.02) -> None:
        self._url = url
        self._conn = _Connection(url)  # used by the polling thread only
        self._study = study
        self._interval_s = interval_s
        self.first_seen: dict[int, dict[str, float]] = {}
        self.seen_complete: dict[int, float] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="witness", daemon=True)

    def __enter__(self) -> Witness:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
        self._conn.close()

    def _loop(self) -> None:
        while True:
            stopping = self._stop.wait(self._interval_s)
            self._poll()  # after the stop too: one last look once the runners ended
            if stopping:
                return

    def _poll(self) -> None:
        """Read the trials once and record what is new (a failed read is skipped)."""
        try:
            rows = self._conn.query(_TRIALS, self._study)
        except Exception:
            time.sleep(0.1)
            return
        now = time.time()
        with self._lock:
            for number, state, values_json in rows:
                self.first_seen.setdefault(number, {}).setdefault(state, now)
                if state == "COMPLETE" and number not in self.seen_complete:
                    value = _value(values_json)
                    if value is not None:
                        self.seen_complete[number] = value

    def seen_at(self, number: int, state: str) -> float | None:
        """When trial ``number`` was first seen in ``state`` (None: not yet)."""
        with self._lock:
            return self.first_seen.get(number, {}).get(state)

    def wait_for(self, predicate: Callable[[], bool], timeout_s: float) -> bool:
        """Whether ``predicate()`` became true within ``timeout_s`` (checked every poll)."""
        deadline = time.monotonic() + timeout_s
        while not predicate():
            if time.monotonic() > deadline:
                return False
            time.sleep(self._interval_s)
        return True

    def snapshot(self) -> dict[int, StoredTrial]:
        """The study's trials as stored now, with owners and parameters."""
        conn = _Connection(self._url)  # the polling thread keeps its own
        try:
            for _ in range(100):
                try:
                    rows = conn.query(_TRIALS, self._study)
                    attrs = conn.query(_ATTRS, self._study)
                    params = conn.query(_PARAMS, self._study)
                    break
                except Exception:
                    time.sleep(0.2)
            else:
                raise RuntimeError(f"could not read study {self._study!r} at {self._url}")
        finally:
            conn.close()
        owners: dict[int, int] = {}
        not_run: set[int] = set()
        for number, key, value_json in attrs:
            if key == "owner":
                owners[number] = int(json.loads(value_json)["pid"])
            elif json.loads(value_json):
                not_run.add(number)
        by_number: dict[int, dict[str, Any]] = {}
        for number, name, value_json in params:
            by_number.setdefault(number, {})[name] = json.loads(value_json)
        return {
            number: StoredTrial(
                number=number,
                state=state,
                value=_value(values_json),
                owner_pid=owners.get(number),
                not_run=number in not_run,
                params=by_number.get(number, {}),
            )
            for number, state, values_json in rows
        }
