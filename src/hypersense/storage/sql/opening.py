"""What a database holds before hypersense writes to it, and creating its tables.

Opening a storage never changes a database: the tables are created (and a
SQLite file switched to write-ahead logging) only when a study is first
created in it. A SQLite file that already holds another program's tables is
refused for writing, so a mistyped ``--storage`` never adds hypersense's
tables to someone else's database. (PostgreSQL databases are shared by
design; hypersense's tables all start with ``hs_``.)
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert, inspect, select
from sqlalchemy.engine import Connection

from hypersense.errors import StorageError
from hypersense.storage.sql import schema as t

__all__ = [
    "SchemaState",
    "check_version",
    "check_writable_sqlite",
    "create_schema",
    "read_schema_state",
]

_ADVISORY_LOCK_KEY = 720301  # serialises concurrent first runs on PostgreSQL


@dataclass(frozen=True)
class SchemaState:
    """Which tables a database has.

    Attributes:
        version: hypersense's schema version stored in it, or None without one.
        other_tables: Tables that are not hypersense's.
    """

    version: int | None
    other_tables: tuple[str, ...]

    @property
    def has_hypersense(self) -> bool:
        """Whether hypersense's tables are there."""
        return self.version is not None


def read_schema_state(conn: Connection) -> SchemaState:
    """Look at the database's tables without changing anything."""
    names = set(inspect(conn).get_table_names())
    others = tuple(sorted(n for n in names if not n.startswith("hs_")))
    if t.meta.name not in names:
        return SchemaState(version=None, other_tables=others)
    row = conn.execute(select(t.meta.c.value).where(t.meta.c.key == "schema_version")).first()
    return SchemaState(version=None if row is None else int(row.value), other_tables=others)


def check_version(state: SchemaState, where: str) -> None:
    """Refuse a database written by an incompatible hypersense."""
    if state.version is not None and state.version != t.SCHEMA_VERSION:
        raise StorageError(
            f"{where} has hypersense schema version {state.version}; this hypersense reads "
            f"version {t.SCHEMA_VERSION}"
        )


def check_writable_sqlite(state: SchemaState, where: str) -> None:
    """Refuse to add hypersense's tables to another program's SQLite file."""
    if state.has_hypersense or not state.other_tables:
        return
    shown = ", ".join(state.other_tables[:5]) + (" ..." if len(state.other_tables) > 5 else "")
    raise StorageError(
        f"{where} is a database of another program (tables: {shown}); hypersense does not add "
        "its tables to it — use a new file, e.g. sqlite:///hypersense.db"
    )


def create_schema(conn: Connection, dialect: str, where: str) -> None:
    """Create hypersense's tables (if another process has not just done so)."""
    if dialect == "postgresql":
        # Serialise concurrent first runs: CREATE TABLE IF NOT EXISTS races otherwise.
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_ADVISORY_LOCK_KEY})")
    state = read_schema_state(conn)
    check_version(state, where)
    if dialect == "sqlite":
        check_writable_sqlite(state, where)
    t.metadata.create_all(conn, checkfirst=True)
    if state.version is None:
        conn.execute(insert(t.meta).values(key="schema_version", value=str(t.SCHEMA_VERSION)))
