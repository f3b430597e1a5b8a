"""Studies in a SQL database: a SQLite file, or PostgreSQL for many machines."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from hypersense.direction import StudyDirection, parse_direction
from hypersense.errors import (
    DuplicatedStudyError,
    StaleTrialError,
    StorageError,
    StudyNotFoundError,
)
from hypersense.space.base import Distribution
from hypersense.space.serialization import distribution_to_json
from hypersense.storage.base import Storage, StudyRecord, StudySummary
from hypersense.storage.json_values import dumps, normalize
from hypersense.storage.sql import schema as t
from hypersense.storage.sql import statements as sql
from hypersense.storage.sql.engine import SQLEngine
from hypersense.storage.sql.reading import combine, read_trials, states_condition
from hypersense.storage.validation import check_finish, check_param, check_study_name
from hypersense.trial.frozen import FrozenTrial, SystemAttr
from hypersense.trial.state import TrialState

__all__ = ["SQLStorage"]

_RUNNING = TrialState.RUNNING.value


class SQLStorage(Storage):
    """Studies in a SQL database through SQLAlchemy: SQLite or PostgreSQL.

    SQLite (``sqlite:///hypersense.db``) is the default of the command line and
    suits one machine with many worker processes; PostgreSQL
    (``postgresql://user:password@host/db``) lets runs on many machines share
    a study. Tables are created on first use.

    Args:
        url: A SQLAlchemy database URL.
        busy_timeout_s: How long a transaction keeps retrying on a busy database.
        sqlite_synchronous: SQLite durability level, see :class:`SQLEngine`.
        engine_kwargs: Extra keyword arguments for ``sqlalchemy.create_engine``.
    """

    def __init__(
        self,
        url: str,
        *,
        busy_timeout_s: float = 120.0,
        sqlite_synchronous: str = "NORMAL",
        engine_kwargs: dict[str, Any] | None = None,
    ) -> None:
        self.url = url
        self._busy_timeout_s = busy_timeout_s
        self._sqlite_synchronous = sqlite_synchronous
        self._engine_kwargs = engine_kwargs
        self._db = SQLEngine(
            url,
            busy_timeout_s=busy_timeout_s,
            sqlite_synchronous=sqlite_synchronous,
            engine_kwargs=engine_kwargs,
        )
        self._find_waiting = sql.find_waiting(self._db.dialect)
        self._db.run(self._create_schema, write=True)

    def __repr__(self) -> str:
        from sqlalchemy import make_url

        return f"SQLStorage({make_url(self.url).render_as_string(hide_password=True)!r})"

    def __getstate__(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "busy_timeout_s": self._busy_timeout_s,
            "sqlite_synchronous": self._sqlite_synchronous,
            "engine_kwargs": self._engine_kwargs,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        SQLStorage.__init__(
            self,
            state["url"],
            busy_timeout_s=state["busy_timeout_s"],
            sqlite_synchronous=state["sqlite_synchronous"],
            engine_kwargs=state["engine_kwargs"],
        )

    def close(self) -> None:
        self._db.dispose()

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self._db.dialect

    # ------------------------------------------------------------------ schema
    def _create_schema(self, conn: Connection) -> None:
        if self._db.dialect == "postgresql":
            # Serialise concurrent first runs: CREATE TABLE IF NOT EXISTS races otherwise.
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(720301)")
        t.metadata.create_all(conn, checkfirst=True)
        row = conn.execute(select(t.meta.c.value).where(t.meta.c.key == "schema_version")).first()
        if row is None:
            conn.execute(insert(t.meta).values(key="schema_version", value=str(t.SCHEMA_VERSION)))
        elif int(row.value) != t.SCHEMA_VERSION:
            raise StorageError(
                f"the database at {self!r} has hypersense schema version {row.value}; this "
                f"hypersense reads version {t.SCHEMA_VERSION}"
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
            "created_at": time.time(),
            "next_number": 0,
        }

        def op(conn: Connection) -> StudyRecord:
            exists = conn.execute(select(t.studies.c.study_id).where(t.studies.c.name == name))
            if exists.first() is not None:
                raise DuplicatedStudyError(f"a study named {name!r} already exists in {self!r}")
            conn.execute(insert(t.studies).values(**values))
            return self._study_where(conn, t.studies.c.name == name, repr(name))

        try:
            return self._db.run(op, write=True)
        except IntegrityError:  # lost a race with another process creating it
            raise DuplicatedStudyError(
                f"a study named {name!r} already exists in {self!r}"
            ) from None

    def _study_where(self, conn: Connection, cond: Any, what: str) -> StudyRecord:
        row = conn.execute(select(t.studies).where(cond)).first()
        if row is None:
            raise StudyNotFoundError(f"no study {what} in {self!r}")
        return _study_record(row)

    def get_study(self, name: str) -> StudyRecord:
        return self._db.run(
            lambda c: self._study_where(c, t.studies.c.name == name, f"named {name!r}"),
            write=False,
        )

    def list_studies(self) -> list[StudySummary]:
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
                if sid in counts:
                    counts[sid][TrialState(state)] = n
            return [StudySummary(r, counts[r.study_id]) for r in records]

        return self._db.run(op, write=False)

    def delete_study(self, study_id: int) -> None:
        def op(conn: Connection) -> None:
            self._study_where(conn, t.studies.c.study_id == study_id, f"with id {study_id}")
            ids = select(t.trials.c.trial_id).where(t.trials.c.study_id == study_id)
            for table in (t.params, t.intermediate, t.attrs):
                conn.execute(table.delete().where(table.c.trial_id.in_(ids)))
            conn.execute(t.trials.delete().where(t.trials.c.study_id == study_id))
            conn.execute(t.studies.delete().where(t.studies.c.study_id == study_id))

        self._db.run(op, write=True)

    def set_study_attr(self, study_id: int, key: str, value: Any, *, system: bool = False) -> None:
        value = normalize(value, what=f"study attribute {key!r}")
        column = "system_attrs" if system else "user_attrs"

        def op(conn: Connection) -> None:
            row = conn.execute(
                select(t.studies.c[column])
                .where(t.studies.c.study_id == study_id)
                .with_for_update()
            ).first()
            if row is None:
                raise StudyNotFoundError(f"no study with id {study_id} in {self!r}")
            attrs = json.loads(row[0])
            attrs[key] = value
            conn.execute(
                update(t.studies)
                .where(t.studies.c.study_id == study_id)
                .values({column: json.dumps(attrs)})
            )

        self._db.run(op, write=True)

    # ------------------------------------------------------------------ trials
    def create_trial(
        self,
        study_id: int,
        *,
        state: TrialState = TrialState.RUNNING,
        system_attrs: Mapping[str, Any] | None = None,
        user_attrs: Mapping[str, Any] | None = None,
    ) -> FrozenTrial:
        if state not in (TrialState.RUNNING, TrialState.WAITING):
            raise ValueError(f"a new trial must be RUNNING or WAITING (got {state})")
        attr_rows = _attr_rows("system", system_attrs) + _attr_rows("user", user_attrs)
        return self._db.run(lambda c: self._insert_trial(c, study_id, state, attr_rows), write=True)

    def _insert_trial(
        self, conn: Connection, study_id: int, state: TrialState, attr_rows: list[dict[str, Any]]
    ) -> FrozenTrial:
        bumped = conn.execute(sql.NEXT_NUMBER, {"study_id": study_id}).first()
        if bumped is None:
            raise StudyNotFoundError(f"no study with id {study_id} in {self!r}")
        number = bumped[0] - 1
        running = state is TrialState.RUNNING
        started = time.time() if running else None
        trial_id = conn.execute(
            sql.INSERT_TRIAL,
            {"study_id": study_id, "number": number, "state": state.value, "started_at": started},
        ).scalar_one()
        if attr_rows:
            conn.execute(sql.INSERT_ATTR, [{**r, "trial_id": trial_id} for r in attr_rows])
        attrs: dict[str, dict[str, Any]] = {"system": {}, "user": {}}
        for r in attr_rows:
            attrs[r["kind"]][r["key"]] = json.loads(r["value_json"])
        return FrozenTrial(
            number=number,
            trial_id=trial_id,
            state=state,
            system_attrs=attrs["system"],
            user_attrs=attrs["user"],
            started_at=started,
            heartbeat_at=started,
        )

    def claim_waiting_trial(self, study_id: int) -> FrozenTrial | None:
        return self._db.run(lambda c: self._claim(c, study_id), write=True)

    def _claim(self, conn: Connection, study_id: int) -> FrozenTrial | None:
        row = conn.execute(self._find_waiting, {"study_id": study_id}).first()
        if row is None:
            return None
        conn.execute(sql.CLAIM_TRIAL, {"trial_id": row.trial_id, "now": time.time()})
        return read_trials(conn, t.trials.c.trial_id == row.trial_id)[0]

    def start_trial(self, study_id: int) -> FrozenTrial:
        def op(conn: Connection) -> FrozenTrial:
            claimed = self._claim(conn, study_id)
            return (
                claimed
                if claimed is not None
                else self._insert_trial(conn, study_id, TrialState.RUNNING, [])
            )

        return self._db.run(op, write=True)

    def _check_written(self, conn: Connection, result: Any, trial_id: int, action: str) -> None:
        """Explain a guarded write that changed no row: no such trial, or not RUNNING."""
        if result.rowcount:
            return
        row = conn.execute(sql.TRIAL_STATE, {"trial_id": trial_id}).first()
        if row is None:
            raise KeyError(f"no trial with id {trial_id} in {self!r}")
        raise StaleTrialError(f"cannot {action} trial {row.number}: it is {row.state}, not RUNNING")

    def set_trial_param(
        self, trial_id: int, name: str, distribution: Distribution, value: Any
    ) -> None:
        check_param(name, distribution, value)
        values = {
            "trial_id": trial_id,
            "name": name,
            "distribution": distribution_to_json(distribution),
            "value_json": dumps(value, what=f"parameter {name!r}"),
        }

        def op(conn: Connection) -> None:
            result = conn.execute(sql.INSERT_PARAM_IF_RUNNING, values)
            self._check_written(conn, result, trial_id, f"set parameter {name!r} of")

        self._db.run(op, write=True)

    def set_trial_intermediate_value(self, trial_id: int, step: int, value: float) -> None:
        v = float(value)
        values = {"trial_id": trial_id, "step": int(step), "value": None if math.isnan(v) else v}

        def op(conn: Connection) -> None:
            result = conn.execute(sql.INSERT_INTERMEDIATE_IF_RUNNING, values)
            self._check_written(conn, result, trial_id, "report to")

        self._db.run(op, write=True)

    def set_trial_attrs(
        self,
        trial_id: int,
        attrs: Mapping[str, Any],
        *,
        system: bool = False,
        require_running: bool = True,
    ) -> None:
        rows = [
            {**r, "trial_id": trial_id} for r in _attr_rows("system" if system else "user", attrs)
        ]
        if not rows:
            return

        def op(conn: Connection) -> None:
            if require_running:
                for row in rows:
                    result = conn.execute(sql.INSERT_ATTR_IF_RUNNING, row)
                    self._check_written(
                        conn, result, trial_id, f"set attributes {sorted(attrs)} of"
                    )
                return
            if conn.execute(sql.TRIAL_STATE, {"trial_id": trial_id}).first() is None:
                raise KeyError(f"no trial with id {trial_id} in {self!r}")
            conn.execute(sql.INSERT_ATTR, rows)

        self._db.run(op, write=True)

    def record_heartbeat(self, trial_ids: Iterable[int], now: float) -> None:
        ids = list(trial_ids)
        if not ids:
            return
        self._db.run(
            lambda c: c.execute(
                update(t.trials)
                .where(t.trials.c.trial_id.in_(ids), t.trials.c.state == _RUNNING)
                .values(heartbeat_at=now)
            ),
            write=True,
        )

    def finish_trial(
        self,
        trial_id: int,
        state: TrialState,
        *,
        values: Sequence[float] | None = None,
        fail_reason: str | None = None,
        system_attrs: Mapping[str, Any] | None = None,
        now: float,
    ) -> None:
        vals = check_finish(state, values)
        rows = [{**r, "trial_id": trial_id} for r in _attr_rows("system", system_attrs)]
        values_json = (
            None if vals is None else json.dumps([None if math.isnan(v) else v for v in vals])
        )
        params = {
            "trial_id": trial_id,
            "state": state.value,
            "values_json": values_json,
            "now": now,
            "fail_reason": fail_reason,
        }

        def op(conn: Connection) -> None:
            result = conn.execute(sql.FINISH_TRIAL, params)
            self._check_written(conn, result, trial_id, f"finish ({state.name})")
            if rows:
                conn.execute(sql.INSERT_ATTR, rows)

        self._db.run(op, write=True)

    def fail_stale_trials(self, study_id: int, *, cutoff: float, now: float) -> list[FrozenTrial]:
        def op(conn: Connection) -> list[FrozenTrial]:
            ids = [
                r[0]
                for r in conn.execute(
                    update(t.trials)
                    .where(
                        t.trials.c.study_id == study_id,
                        t.trials.c.state == _RUNNING,
                        t.trials.c.heartbeat_at < cutoff,
                    )
                    .values(
                        state=TrialState.FAIL.value,
                        completed_at=now,
                        fail_reason="stale heartbeat: the worker stopped responding",
                    )
                    .returning(t.trials.c.trial_id)
                )
            ]
            if not ids:
                return []
            conn.execute(
                sql.INSERT_ATTR,
                [
                    {
                        "trial_id": i,
                        "kind": "system",
                        "key": SystemAttr.INTERRUPTED,
                        "value_json": "true",
                    }
                    for i in ids
                ],
            )
            return read_trials(conn, t.trials.c.trial_id.in_(ids))

        return self._db.run(op, write=True)

    def get_trial(self, trial_id: int) -> FrozenTrial:
        found = self._db.run(lambda c: read_trials(c, t.trials.c.trial_id == trial_id), write=False)
        if not found:
            raise KeyError(f"no trial with id {trial_id} in {self!r}")
        return found[0]

    def get_trials(
        self,
        study_id: int,
        *,
        states: Iterable[TrialState] | None = None,
        min_number: int = 0,
    ) -> list[FrozenTrial]:
        where = combine(
            t.trials.c.study_id == study_id,
            states_condition(states),
            t.trials.c.number >= min_number if min_number > 0 else None,
        )
        return self._db.run(lambda c: read_trials(c, where), write=False)

    def count_trials(self, study_id: int, *, states: Iterable[TrialState] | None = None) -> int:
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


def _attr_rows(kind: str, attrs: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    return [
        {"kind": kind, "key": k, "value_json": dumps(v, what=f"trial attribute {k!r}")}
        for k, v in (attrs or {}).items()
    ]
