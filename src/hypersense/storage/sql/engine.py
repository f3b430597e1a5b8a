"""Engines for SQLite and PostgreSQL, with short transactions and retries.

SQLite is made to tolerate many local worker processes: write-ahead logging
(readers never block the writer), ``BEGIN IMMEDIATE`` for write transactions
(the write lock is taken up front, so two writers never deadlock on a lock
upgrade, which SQLite reports as "database is locked" without waiting), a busy
timeout, and a retry loop with jittered exponential back-off around every
transaction. PostgreSQL transactions are retried on serialization failures and
deadlocks.
"""

from __future__ import annotations

import logging
import os
import random
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import create_engine, event, make_url
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import StaticPool

from hypersense._optional import import_optional
from hypersense.errors import StorageError

__all__ = ["SQLEngine"]

_log = logging.getLogger(__name__)
T = TypeVar("T")

# SQLSTATEs worth retrying on PostgreSQL: serialization failure, deadlock.
_PG_RETRY_STATES = {"40001", "40P01"}


def _is_retryable(exc: DBAPIError, dialect: str) -> bool:
    if dialect == "sqlite":
        text = str(exc.orig).lower()
        return isinstance(exc, OperationalError) and ("locked" in text or "busy" in text)
    state = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return state in _PG_RETRY_STATES


class SQLEngine:
    """A SQLAlchemy engine plus the transaction discipline of hypersense.

    Args:
        url: ``sqlite:///path/to/file.db`` or ``postgresql+psycopg://user@host/db``.
        busy_timeout_s: How long one transaction may keep retrying on a busy
            database before a StorageError is raised.
        sqlite_synchronous: SQLite's ``synchronous`` pragma. ``"NORMAL"`` (default)
            is durable against process crashes in WAL mode; ``"FULL"`` also
            against power loss, at a cost of one fsync per commit.
    """

    def __init__(
        self,
        url: str,
        *,
        busy_timeout_s: float = 120.0,
        sqlite_synchronous: str = "NORMAL",
        engine_kwargs: dict[str, Any] | None = None,
    ) -> None:
        parsed = make_url(url)
        self.url = url
        self.dialect = parsed.get_backend_name()
        if self.dialect not in ("sqlite", "postgresql"):
            raise ValueError(
                f"storage URL {parsed.render_as_string(hide_password=True)!r} uses "
                f"{self.dialect!r}; hypersense supports 'sqlite' and 'postgresql'"
            )
        if sqlite_synchronous.upper() not in ("OFF", "NORMAL", "FULL", "EXTRA"):
            raise ValueError(
                f"`sqlite_synchronous` must be OFF, NORMAL, FULL or EXTRA "
                f"(got {sqlite_synchronous!r})"
            )
        self.busy_timeout_s = busy_timeout_s
        self._sqlite_synchronous = sqlite_synchronous.upper()
        self._engine_kwargs = dict(engine_kwargs or {})
        if self.dialect == "postgresql" and parsed.get_driver_name() in ("psycopg", "psycopg2"):
            module = "psycopg" if parsed.get_driver_name() == "psycopg" else "psycopg2"
            import_optional(module, extra="postgres", purpose="PostgreSQL storage")
        if self.dialect == "postgresql" and parsed.drivername == "postgresql":
            # Default to psycopg 3, the maintained driver.
            parsed = parsed.set(drivername="postgresql+psycopg")
            import_optional("psycopg", extra="postgres", purpose="PostgreSQL storage")
        self._parsed = parsed
        self._jitter = random.Random()  # back-off jitter only; not a result's randomness
        self._pid = os.getpid()
        self._engine = self._create()
        self._finalizer = weakref.finalize(self, _dispose, self._engine)

    def _create(self) -> Engine:
        kwargs = dict(self._engine_kwargs)
        if self.dialect == "sqlite":
            database = self._parsed.database or ""
            connect_args = {"timeout": 10.0, "check_same_thread": False}
            if database in ("", ":memory:"):
                kwargs.setdefault("poolclass", StaticPool)
            else:
                directory = os.path.dirname(os.path.abspath(database))
                if not os.path.isdir(directory):
                    raise StorageError(
                        f"cannot open SQLite file {database!r}: directory {directory!r} "
                        "does not exist"
                    )
            engine = create_engine(self._parsed, connect_args=connect_args, **kwargs)
            self._install_sqlite_hooks(engine)
        else:
            kwargs.setdefault("pool_pre_ping", True)
            engine = create_engine(self._parsed, **kwargs)
        return engine

    def _install_sqlite_hooks(self, engine: Engine) -> None:
        synchronous = self._sqlite_synchronous

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy's begin event below decide how transactions start.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA busy_timeout = 10000")
            if (self._parsed.database or "") not in ("", ":memory:"):
                cur.execute("PRAGMA journal_mode = WAL")
            cur.execute(f"PRAGMA synchronous = {synchronous}")
            cur.execute("PRAGMA foreign_keys = ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            write = conn.get_execution_options().get("hs_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    @property
    def engine(self) -> Engine:
        """The engine of this process (re-created after a fork)."""
        if os.getpid() != self._pid:
            # A forked child must not share the parent's sockets or file handles.
            self._engine.dispose(close=False)
            self._finalizer.detach()
            self._engine = self._create()
            self._finalizer = weakref.finalize(self, _dispose, self._engine)
            self._pid = os.getpid()
        return self._engine

    @contextmanager
    def _transaction(self, write: bool) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            if write:
                conn = conn.execution_options(hs_write=True)
            elif self.dialect == "postgresql":
                # One snapshot for the several SELECTs of a read.
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield conn

    def run(self, fn: Callable[[Connection], T], *, write: bool) -> T:
        """Run ``fn`` in one transaction, retrying it while the database is busy."""
        deadline = time.monotonic() + self.busy_timeout_s
        delay = 0.005
        attempt = 0
        while True:
            attempt += 1
            try:
                with self._transaction(write) as conn:
                    return fn(conn)
            except DBAPIError as exc:
                if not _is_retryable(exc, self.dialect):
                    raise
                if time.monotonic() >= deadline:
                    raise StorageError(
                        f"the database stayed busy for {self.busy_timeout_s:.0f} s "
                        f"({attempt} attempts): {exc.orig}"
                    ) from exc
                _log.debug("database busy (attempt %d), retrying: %s", attempt, exc.orig)
                time.sleep(delay * (0.5 + self._jitter.random()))
                delay = min(delay * 2, 0.5)

    def dispose(self) -> None:
        """Close every pooled connection."""
        self._engine.dispose()


def _dispose(engine: Engine) -> None:
    # Close pooled connections when the storage is garbage-collected, so drivers
    # do not warn about connections deleted while open.
    engine.dispose()
