"""Studies in a SQL database: a SQLite file, or PostgreSQL for many machines."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import func, insert, literal_column, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from hypersense.direction import StudyDirection, parse_direction
from hypersense.errors import DuplicatedStudyError, StorageError, StudyNotFoundError
from hypersense.storage.base import StudyRecord, StudySummary
from hypersense.storage.json_values import dumps, normalize
from hypersense.storage.sql import schema as t
from hypersense.storage.sql.engine import NOT_LANDED, SQLEngine
from hypersense.storage.sql.opening import (
    check_version,
    check_writable_sqlite,
    create_schema,
    read_schema_state,
)
from hypersense.storage.sql.reading import combine, read_trials, states_condition
from hypersense.storage.sql.statements import now_sql
from hypersense.storage.sql.trial_writes import SQLTrialWrites
from hypersense.storage.validation import check_study_name, shorten
from hypersense.trial.frozen import FrozenTrial
from hypersense.trial.state import TrialState

__all__ = ["SQLStorage"]

_STATE_VALUES = frozenset(s.value for s in TrialState)


class SQLStorage(SQLTrialWrites):
    """Studies in a SQL database through SQLAlchemy: SQLite or PostgreSQL.

    SQLite (``sqlite:///hypersense.db``) is the default of the command line and
    suits one machine with many worker processes; PostgreSQL
    (``postgresql://user:password@host/db``) lets runs on many machines share
    a study. Opening a storage changes nothing in the database: hypersense's
    tables are created when the first study is, and a SQLite file that holds
    another program's tables is refused for writing.

    Args:
        url: A SQLAlchemy database URL.
        read_only: Open for reading only (what the listing and report commands
            do): nothing is created, SQLite files are opened ``mode=ro``.
        busy_timeout_s: How long a transaction keeps retrying on a busy database.
        reconnect_timeout_s: How long a transaction keeps retrying after the
            connection was lost (e.g. a PostgreSQL restart), see :class:`SQLEngine`.
        sqlite_synchronous: SQLite durability level, see :class:`SQLEngine`.
        engine_kwargs: Extra keyword arguments for ``sqlalchemy.create_engine``.

    Raises:
        StorageError: The URL names something that cannot be a database (a
            directory, a missing directory, an in-memory SQLite database); the
            message shows the URL.
    """

    def __init__(
        self,
        url: str,
        *,
        read_only: bool = False,
        busy_timeout_s: float = 120.0,
        reconnect_timeout_s: float = 60.0,
        sqlite_synchronous: str = "NORMAL",
        engine_kwargs: dict[str, Any] | None = None,
    ) -> None:
        self.url = url
        self._options: dict[str, Any] = {
            "read_only": read_only,
            "busy_timeout_s": busy_timeout_s,
            "reconnect_timeout_s": reconnect_timeout_s,
            "sqlite_synchronous": sqlite_synchronous,
            "engine_kwargs": engine_kwargs,
        }
        db = SQLEngine(url, **self._options)
        self._schema_ready = False
        super().__init__(db)

    def __repr__(self) -> str:
        flag = ", read_only=True" if self._db.read_only else ""
        return f"SQLStorage({self._db.shown_url!r}{flag})"

    def __str__(self) -> str:
        return self._db.shown_url

    @property
    def sqlite_path(self) -> str | None:
        """The absolute path of the SQLite database file (None for other databases)."""
        return self._db.sqlite_path

    def __getstate__(self) -> dict[str, Any]:
        return {"url": self.url, **self._options}

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        SQLStorage.__init__(self, state.pop("url"), **state)

    def close(self) -> None:
        self._db.dispose()

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self._db.dialect

    @property
    def read_only(self) -> bool:
        """Whether this storage was opened for reading only."""
        return self._db.read_only

    # ------------------------------------------------------------------ schema
    def _where(self) -> str:
        return f"storage {self._db.shown_url!r}"

    def _has_schema(self) -> bool:
        """Whether hypersense's tables exist (checked until they do, then cached)."""
        if not self._schema_ready:
            state = self._db.run(read_schema_state, write=False)
            check_version(state, self._where())
            if not state.has_hypersense:
                return False
            self._db.enable_wal()
            self._schema_ready = True
        return True

    def _ensure_schema(self) -> None:
        """Create the tables on the first write of a study, refusing foreign files."""
        if self._has_schema():
            return
        if self._db.dialect == "sqlite":
            check_writable_sqlite(self._db.run(read_schema_state, write=False), self._where())
            self._db.enable_wal()
        self._db.run(lambda c: create_schema(c, self._db.dialect, self._where()), write=True)
        self._schema_ready = True

    def _require_study_tables(self, what: str) -> None:
        if not self._has_schema():
            raise StudyNotFoundError(
                f"no study {what} in {self._where()} (it holds no hypersense studies)"
            )

    # ----------------------------------------------------------------- studies
    def create_study(
        self,
        name: str,
        directions: Sequence[StudyDirection],
        *,
        user_attrs: Mapping[str, Any] | None = None,
        system_attrs: Mapping[str, Any] | None = None,
    ) -> StudyRecord:
        check_study_name(name)
        values = {
            "name": name,
            "directions": json.dumps([d.value for d in directions]),
            "user_attrs": dumps(dict(user_attrs or {}), what="study user attributes"),
            "system_attrs": dumps(dict(system_attrs or {}), what="study system attributes"),
            "next_number": 0,
        }
        self._ensure_schema()
        now: Any = literal_column(now_sql(self._db.dialect))

        def op(conn: Connection) -> StudyRecord:
            exists = conn.execute(select(t.studies.c.study_id).where(t.studies.c.name == name))
            if exists.first() is not None:
                raise DuplicatedStudyError(f"a study named {name!r} already exists in {self}")
            conn.execute(insert(t.studies).values(**values, created_at=now))
            return self._study_where(conn, t.studies.c.name == name, repr(name))

        try:
            return self._db.run(op, write=True)
        except IntegrityError:  # lost a race with another process creating it
            raise DuplicatedStudyError(f"a study named {name!r} already exists in {self}") from None

    def _study_where(self, conn: Connection, cond: Any, what: str) -> StudyRecord:
        row = conn.execute(select(t.studies).where(cond)).first()
        if row is None:
            raise StudyNotFoundError(f"no study {what} in {self}")
        try:
            return _study_record(row)
        except (ValueError, TypeError, KeyError) as exc:
            raise StorageError(f"study {what} in {self} cannot be read: {exc}") from None

    def get_study(self, name: str) -> StudyRecord:
        what = f"named {shorten(name)}"
        self._require_study_tables(what)
        return self._db.run(
            lambda c: self._study_where(c, t.studies.c.name == name, what), write=False
        )

    def list_studies(self) -> list[StudySummary]:
        if not self._has_schema():
            return []

        def op(conn: Connection) -> list[StudySummary]:
            records = [
                _study_record(r)
                for r in conn.execute(select(t.studies).order_by(t.studies.c.study_id))
            ]
            counts: dict[int, dict[TrialState, int]] = {
                r.study_id: {s: 0 for s in TrialState} for r in records
            }
            q = select(t.trials.c.study_id, t.trials.c.state, func.count()).group_by(
                t.trials.c.study_id, t.trials.c.state
            )
            for sid, state, n in conn.execute(q):
                if sid in counts and state in _STATE_VALUES:
                    counts[sid][TrialState(state)] = n
            return [StudySummary(r, counts[r.study_id]) for r in records]

        return self._db.run(op, write=False)

    def delete_study(self, study_id: int) -> None:
        self._require_study_tables(f"with id {study_id}")

        def op(conn: Connection) -> None:
            self._study_where(conn, t.studies.c.study_id == study_id, f"with id {study_id}")
            ids = select(t.trials.c.trial_id).where(t.trials.c.study_id == study_id)
            for table in (t.params, t.intermediate, t.attrs):
                conn.execute(table.delete().where(table.c.trial_id.in_(ids)))
            conn.execute(t.trials.delete().where(t.trials.c.study_id == study_id))
            conn.execute(t.studies.delete().where(t.studies.c.study_id == study_id))

        def gone(conn: Connection) -> object:
            row = conn.execute(select(t.studies.c.study_id).where(t.studies.c.study_id == study_id))
            return None if row.first() is None else NOT_LANDED

        self._db.run(op, write=True, recover=gone)

    def set_study_attr(self, study_id: int, key: str, value: Any, *, system: bool = False) -> None:
        value = normalize(value, what=f"study attribute {key!r}")
        column = "system_attrs" if system else "user_attrs"
        self._require_study_tables(f"with id {study_id}")

        def op(conn: Connection) -> None:
            row = conn.execute(
                select(t.studies.c[column])
                .where(t.studies.c.study_id == study_id)
                .with_for_update()
            ).first()
            if row is None:
                raise StudyNotFoundError(f"no study with id {study_id} in {self}")
            attrs = json.loads(row[0])
            attrs[key] = value
            conn.execute(
                update(t.studies)
                .where(t.studies.c.study_id == study_id)
                .values({column: json.dumps(attrs)})
            )

        self._db.run(op, write=True)

    # ------------------------------------------------------------------- reads
    def get_trial(self, trial_id: int) -> FrozenTrial:
        found = (
            self._db.run(lambda c: read_trials(c, t.trials.c.trial_id == trial_id), write=False)
            if self._has_schema()
            else []
        )
        if not found:
            raise KeyError(f"no trial with id {trial_id} in {self}")
        return found[0]

    def get_trials(
        self,
        study_id: int,
        *,
        states: Iterable[TrialState] | None = None,
        min_number: int = 0,
        numbers: Iterable[int] | None = None,
    ) -> list[FrozenTrial]:
        if not self._has_schema():
            return []
        picked = None if numbers is None else sorted(set(numbers))
        if picked is not None and not picked:
            return []
        where = combine(
            t.trials.c.study_id == study_id,
            states_condition(states),
            t.trials.c.number >= min_number if min_number > 0 else None,
            None if picked is None else t.trials.c.number.in_(picked),
        )
        return self._db.run(lambda c: read_trials(c, where), write=False)

    def count_trials(self, study_id: int, *, states: Iterable[TrialState] | None = None) -> int:
        if not self._has_schema():
            return 0
        where = combine(t.trials.c.study_id == study_id, states_condition(states))
        return int(
            self._db.run(
                lambda c: c.execute(
                    select(func.count()).select_from(t.trials).where(where)
                ).scalar_one(),
                write=False,
            )
        )


def _study_record(row: Any) -> StudyRecord:
    return StudyRecord(
        study_id=row.study_id,
        name=row.name,
        directions=tuple(parse_direction(d) for d in json.loads(row.directions)),
        user_attrs=json.loads(row.user_attrs),
        system_attrs=json.loads(row.system_attrs),
        created_at=row.created_at,
    )
