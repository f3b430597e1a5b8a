"""Which database failures are worth retrying, and the waiting between attempts.

*Busy* failures (SQLite's locked database, PostgreSQL's serialization failures
and deadlocks) mean the transaction did not commit. *Gone* failures (a lost
connection, a server restarting, SQLite's transient I/O errors) leave it
unknown whether a write committed; :meth:`SQLEngine.run` sorts that out.
"""

from __future__ import annotations

import logging
import random
import time
from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from hypersense.errors import StorageError

if TYPE_CHECKING:
    from hypersense.storage.sql.engine import SQLEngine

__all__ = ["RetryState", "classify_failure"]

_log = logging.getLogger("hypersense.storage.sql.engine")

# SQLSTATEs of PostgreSQL worth running the same transaction again for:
# serialization failure, deadlock.
_PG_BUSY_STATES = {"40001", "40P01"}
# The connection went: admin/crash shutdown, cannot connect now, class 08.
_PG_GONE_STATES = {"57P01", "57P02", "57P03"}
# Connection errors that no amount of waiting fixes.
_PERMANENT_CONNECT_TEXTS = (
    "does not exist",
    "authentication failed",
    "no pg_hba.conf entry",
    "password",
    "permission denied",
    "could not translate host name",
)


def classify_failure(exc: DBAPIError, dialect: str) -> str | None:
    """``"busy"``, ``"gone"`` (connection lost, or transient I/O), ``"full"`` (no space
    left on the disk; the transaction did not commit) or None (permanent)."""
    text = str(exc.orig).lower()
    if dialect == "sqlite":
        if isinstance(exc, OperationalError) and ("locked" in text or "busy" in text):
            return "busy"
        if "disk i/o error" in text:
            return "gone"
        if "disk is full" in text:
            return "full"
        return None
    state = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    if state in _PG_BUSY_STATES:
        return "busy"
    if state == "53100":  # disk_full
        return "full"
    if exc.connection_invalidated or state in _PG_GONE_STATES:
        return "gone"
    if isinstance(state, str) and state.startswith("08"):
        return "gone"
    if state is None and isinstance(exc, (OperationalError, InterfaceError)):
        return None if any(t in text for t in _PERMANENT_CONNECT_TEXTS) else "gone"
    return None


class RetryState:
    """Deadlines and back-off of one :meth:`SQLEngine.run` call."""

    def __init__(self, engine: SQLEngine) -> None:
        self._engine = engine
        self._started = time.monotonic()
        self._attempts = 0
        self._delay = {"busy": 0.005, "gone": 0.1, "full": 0.1}
        self._lost_since: float | None = None  # when the connection (or the space) went
        self._jitter = random.Random()  # back-off jitter only; not a result's randomness

    def wait(self, kind: str, exc: DBAPIError) -> None:
        """Sleep before the next attempt, or raise StorageError once the window is over."""
        self._attempts += 1
        engine = self._engine
        now = time.monotonic()
        if kind == "busy":
            window: float = engine.busy_timeout_s
            what = "stayed busy"
        else:
            if self._lost_since is None:
                self._lost_since = now
                _log.warning(
                    "%s storage %r (%s); retrying for up to %.0f s",
                    "lost the connection to" if kind == "gone" else "no space left on the disk of",
                    engine.shown_url,
                    str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else exc,
                    engine.reconnect_timeout_s,
                )
            window = engine.reconnect_timeout_s
            what = "could not be reached" if kind == "gone" else "had no space left on its disk"
        since = self._started if kind == "busy" else self._lost_since
        assert since is not None
        if now - since >= window:
            cause = str(exc.orig).strip().splitlines()
            raise StorageError(
                f"storage {engine.shown_url!r} {what} for {window:.0f} s "
                f"({self._attempts} attempts): {cause[0] if cause else exc}"
            ) from exc
        delay = self._delay[kind]
        time.sleep(delay * (0.5 + self._jitter.random()))
        self._delay[kind] = min(delay * 2, 0.5 if kind == "busy" else 2.0)
        if kind == "gone":
            engine.dispose()  # drop every pooled connection to the old server

    def recovered(self) -> None:
        if self._lost_since is not None:
            _log.warning(
                "storage %r works again after %.1f s",
                self._engine.shown_url,
                time.monotonic() - self._lost_since,
            )
