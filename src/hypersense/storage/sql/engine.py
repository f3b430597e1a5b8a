"""Engines for SQLite and PostgreSQL, with short transactions and retries.

SQLite is made to tolerate many local worker processes: write-ahead logging
(set once, when hypersense creates its tables), ``BEGIN IMMEDIATE`` for write
transactions (the write lock is taken up front, so two writers never deadlock
on a lock upgrade, which SQLite reports as "database is locked" without
waiting), a busy timeout, and a retry loop with jittered exponential back-off
around every transaction.

Two kinds of failure are retried, each over its own window:

- *busy*: SQLite's locked/busy database, PostgreSQL's serialization failures
  and deadlocks. The transaction did not commit; it is simply run again.
- *connection lost*: the server restarted or the network dropped (and
  SQLite's transient I/O errors). A write may or may not have committed
  before the connection went, so a write is only run again after its
  ``recover`` function, run in a fresh transaction, says it did not land.
  This is what makes a retried ``tell`` write once. Connection loss is only
  retried once the storage has connected at least once: a wrong host or port
  fails at once instead of after the window.

Every other database error becomes a :class:`~hypersense.errors.StorageError`
that names the storage URL and the cause.
"""

from __future__ import annotations

import logging
import os
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Final, TypeVar

from sqlalchemy import create_engine, event, make_url
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.pool import NullPool

from hypersense._optional import import_optional
from hypersense.errors import StorageError
from hypersense.storage.sql.retries import RetryState, classify_failure

__all__ = ["NOT_LANDED", "SQLEngine"]

_log = logging.getLogger(__name__)
T = TypeVar("T")

#: What a ``recover`` function returns when the write it checks did not commit.
NOT_LANDED: Final = object()


class SQLEngine:
    """A SQLAlchemy engine plus the transaction discipline of hypersense.

    Args:
        url: ``sqlite:///path/to/file.db`` or ``postgresql+psycopg://user@host/db``.
        busy_timeout_s: How long one transaction may keep retrying on a busy
            database before a StorageError is raised.
        reconnect_timeout_s: How long a transaction keeps retrying after the
            connection to the database was lost (a server restart, a network
            drop) before a StorageError is raised.
        sqlite_synchronous: SQLite's ``synchronous`` pragma. ``"NORMAL"`` (default)
            is durable against process crashes in WAL mode; ``"FULL"`` also
            against power loss, at a cost of one fsync per commit.
        read_only: Open the database for reading only: SQLite files are opened
            with ``mode=ro`` (or as immutable on a read-only file system),
            PostgreSQL sessions are read-only, and writes are refused.
        engine_kwargs: Extra keyword arguments for ``sqlalchemy.create_engine``.
    """

    def __init__(
        self,
        url: str,
        *,
        busy_timeout_s: float = 120.0,
        reconnect_timeout_s: float = 60.0,
        sqlite_synchronous: str = "NORMAL",
        read_only: bool = False,
        engine_kwargs: dict[str, Any] | None = None,
    ) -> None:
        parsed = make_url(url)
        self.url = url
        # As the user wrote it (SQLAlchemy's rendering would escape ':' and '/'),
        # unless there is a password to hide.
        self.shown_url = url if parsed.password is None else parsed.render_as_string()
        self.dialect = parsed.get_backend_name()
        if self.dialect not in ("sqlite", "postgresql"):
            raise ValueError(
                f"storage URL {self.shown_url!r} uses {self.dialect!r}; hypersense supports "
                "'sqlite' and 'postgresql'"
            )
        if sqlite_synchronous.upper() not in ("OFF", "NORMAL", "FULL", "EXTRA"):
            raise ValueError(
                f"`sqlite_synchronous` must be OFF, NORMAL, FULL or EXTRA "
                f"(got {sqlite_synchronous!r})"
            )
        for name, value in (
            ("busy_timeout_s", busy_timeout_s),
            ("reconnect_timeout_s", reconnect_timeout_s),
        ):
            if not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"`{name}` must be a number of seconds >= 0 (got {value!r})")
        self.busy_timeout_s = float(busy_timeout_s)
        self.reconnect_timeout_s = float(reconnect_timeout_s)
        self.read_only = read_only
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
        self.sqlite_path = self._check_sqlite_path() if self.dialect == "sqlite" else None
        self._immutable = False
        self._connected_once = False
        self._pid = os.getpid()
        self._engine = self._create()
        self._finalizer = weakref.finalize(self, _dispose, self._engine)

    # ---------------------------------------------------------------- engines
    def _check_sqlite_path(self) -> str:
        database = self._parsed.database or ""
        if database in ("", ":memory:") or database.startswith("file::memory:"):
            raise StorageError(
                f"storage {self.shown_url!r} is an in-memory SQLite database, which would "
                "vanish with this connection; give a file (sqlite:///study.db), or no storage "
                "at all (storage=None) for an in-memory study"
            )
        path = os.path.abspath(database)
        if os.path.isdir(path):
            raise StorageError(
                f"cannot open storage {self.shown_url!r}: {path!r} is a directory, not a "
                "database file"
            )
        directory = os.path.dirname(path)
        if not os.path.isdir(directory):
            raise StorageError(
                f"cannot open storage {self.shown_url!r}: directory {directory!r} does not exist"
            )
        return path

    def _sqlite_url(self) -> URL:
        """The file as a URI: read-only (``mode=ro`` or ``immutable``) when asked."""
        if not self.read_only:
            return self._parsed
        flag = "immutable=1" if self._immutable else "mode=ro"
        uri = f"file:{self.sqlite_path}?{flag}"
        return make_url("sqlite:///").set(database=uri, query={"uri": "true"})

    def _create(self) -> Engine:
        kwargs = dict(self._engine_kwargs)
        if self.dialect == "sqlite":
            connect_args: dict[str, Any] = {"timeout": 10.0, "check_same_thread": False}
            if self.read_only:
                kwargs.setdefault("poolclass", NullPool)
            engine = create_engine(self._sqlite_url(), connect_args=connect_args, **kwargs)
            self._install_sqlite_hooks(engine)
            return engine
        kwargs.setdefault("pool_pre_ping", True)
        if self.read_only:
            connect_args = dict(kwargs.pop("connect_args", {}))
            options = connect_args.get("options", "")
            connect_args["options"] = f"{options} -c default_transaction_read_only=on".strip()
            kwargs["connect_args"] = connect_args
        return create_engine(self._parsed, **kwargs)

    def _install_sqlite_hooks(self, engine: Engine) -> None:
        synchronous = self._sqlite_synchronous
        read_only = self.read_only

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy's begin event below decide how transactions start.
            # Nothing here changes the file: the journal mode is set when
            # hypersense creates its tables (see SQLEngine.enable_wal).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA busy_timeout = 10000")
            if not read_only:
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
            self._replace_engine()
            self._pid = os.getpid()
        return self._engine

    def _replace_engine(self) -> None:
        self._finalizer.detach()
        self._engine = self._create()
        self._finalizer = weakref.finalize(self, _dispose, self._engine)

    def enable_wal(self) -> None:
        """Switch a SQLite file to write-ahead logging (persistent; a no-op if it is).

        Called only for files that hold hypersense's tables (or are getting
        them now): another program's database keeps its journal mode.
        """
        if self.dialect != "sqlite" or self.read_only:
            return
        # On the driver's connection, outside any transaction (which SQLite requires).
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            mode = cursor.execute("PRAGMA journal_mode").fetchone()
            if mode is None or str(mode[0]).lower() != "wal":
                cursor.execute("PRAGMA journal_mode = WAL")
            cursor.close()
        finally:
            raw.close()

    # ----------------------------------------------------------- transactions
    @contextmanager
    def _transaction(self, write: bool) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            # The database was reached: from now on a lost connection is a restart or a
            # network drop, even if it goes before this first transaction ends.
            self._connected_once = True
            if write:
                conn = conn.execution_options(hs_write=True)
            elif self.dialect == "postgresql":
                # One snapshot for the several SELECTs of a read.
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield conn

    def run(
        self,
        fn: Callable[[Connection], T],
        *,
        write: bool,
        recover: Callable[[Connection], Any] | None = None,
    ) -> T:
        """Run ``fn`` in one transaction, retrying it while the database is busy or
        the connection is lost.

        Args:
            fn: The transaction's work.
            write: Whether ``fn`` writes (SQLite then takes the write lock up front).
            recover: For a write that must not happen twice: after a lost
                connection, called in a fresh read transaction to tell whether
                the interrupted attempt committed. It returns what ``fn`` would
                have returned if so, else :data:`NOT_LANDED` (and ``fn`` runs
                again). Without it, ``fn`` must be safe to repeat.
        """
        if write and self.read_only:
            raise StorageError(f"storage {self.shown_url!r} was opened read-only")
        retry = RetryState(self)
        uncertain = False
        while True:
            try:
                if uncertain and recover is not None:
                    landed = self._once(recover, write=False)
                    if landed is not NOT_LANDED:
                        retry.recovered()
                        return landed  # type: ignore[no-any-return]
                result = self._once(fn, write=write)
                retry.recovered()
                return result
            except IntegrityError:
                raise  # a constraint the caller turns into its own error
            except DBAPIError as exc:
                kind = classify_failure(exc, self.dialect)
                if kind == "gone" and not self._connected_once:
                    kind = None  # never connected: a wrong URL, not a lost connection
                if kind is None:
                    raise self._storage_error(exc) from exc
                retry.wait(kind, exc)
                uncertain = uncertain or (kind == "gone" and write)

    def _once(self, fn: Callable[[Connection], T], *, write: bool) -> T:
        try:
            with self._transaction(write) as conn:
                return fn(conn)
        except OperationalError as exc:
            if self._should_reopen_immutable(exc):
                return self._once(fn, write=write)
            raise

    def _should_reopen_immutable(self, exc: OperationalError) -> bool:
        """A read-only SQLite file on a read-only file system cannot get the
        shared-memory file WAL needs; open it as immutable instead (nobody can
        be writing to it there)."""
        if self.dialect != "sqlite" or not self.read_only or self._immutable:
            return False
        text = str(exc.orig).lower()
        if "unable to open" not in text and "readonly" not in text:
            return False
        if not os.path.isfile(self.sqlite_path or ""):
            return False
        self._immutable = True
        self._engine.dispose()
        self._replace_engine()
        return True

    def _storage_error(self, exc: DBAPIError) -> StorageError:
        cause = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else repr(exc)
        lower = cause.lower()
        where = f"storage {self.shown_url!r}"
        if self.dialect == "sqlite":
            if "not a database" in lower:
                return StorageError(f"{where}: {self.sqlite_path!r} is not an SQLite database")
            if "disk is full" in lower or "database or disk is full" in lower:
                return StorageError(f"{where}: the disk holding {self.sqlite_path!r} is full")
            if "unable to open" in lower and not os.path.exists(self.sqlite_path or ""):
                return StorageError(f"{where}: no database file {self.sqlite_path!r}")
            if "readonly" in lower or "read-only" in lower:
                return StorageError(f"{where}: {self.sqlite_path!r} cannot be written ({cause})")
        return StorageError(f"{where}: {cause}")

    def dispose(self) -> None:
        """Close every pooled connection."""
        self._engine.dispose()


def _dispose(engine: Engine) -> None:
    # Close pooled connections when the storage is garbage-collected, so drivers
    # do not warn about connections deleted while open.
    engine.dispose()
