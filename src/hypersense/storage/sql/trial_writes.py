"""The writes of a trial's life in SQL: start, record, claim, heartbeat, finish.

Each is one short transaction through :meth:`SQLEngine.run`. Those that must
not happen twice after a lost connection (starting a trial, finishing it,
claiming a unique attribute) come with a ``recover`` check: a start leaves a
private token on the trial (attribute kind ``token``, never shown as a user
or system attribute) by which the retry finds it; a finish is recognised by
its state, values and reason.
"""

from __future__ import annotations

import json
import math
import uuid
from abc import abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from hypersense.errors import StaleTrialError, StudyNotFoundError
from hypersense.space.base import Distribution
from hypersense.space.serialization import distribution_to_json
from hypersense.storage.base import STALE_REASON, Storage
from hypersense.storage.json_values import dumps
from hypersense.storage.sql import schema as t
from hypersense.storage.sql import statements as sql
from hypersense.storage.sql.added import check_added, insert_finished_trial
from hypersense.storage.sql.engine import NOT_LANDED, SQLEngine
from hypersense.storage.sql.reading import read_trials
from hypersense.storage.validation import check_finish, check_param
from hypersense.trial.frozen import FrozenTrial, SystemAttr
from hypersense.trial.state import TrialState

__all__ = ["SQLTrialWrites"]


class SQLTrialWrites(Storage):
    """The trial-writing half of :class:`~hypersense.storage.sql.SQLStorage`."""

    def __init__(self, db: SQLEngine) -> None:
        self._db = db
        self._sql = sql.statements(db.dialect)

    @abstractmethod
    def _require_study_tables(self, what: str) -> None:
        """Raise StudyNotFoundError when the database holds no hypersense tables."""

    # ------------------------------------------------------------------ starts
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
        rows = _attr_rows("system", system_attrs) + _attr_rows("user", user_attrs)
        token = _token()
        self._require_study_tables(f"with id {study_id}")
        return self._db.run(
            lambda c: self._insert_trial(c, study_id, state, rows, token),
            write=True,
            recover=lambda c: self._find_token(c, token),
        )

    def _insert_trial(
        self,
        conn: Connection,
        study_id: int,
        state: TrialState,
        attr_rows: list[dict[str, Any]],
        token: dict[str, Any],
    ) -> FrozenTrial:
        bumped = conn.execute(self._sql.next_number, {"study_id": study_id}).first()
        if bumped is None:
            raise StudyNotFoundError(f"no study with id {study_id} in {self}")
        number = bumped[0] - 1
        inserted = conn.execute(
            self._sql.insert_trial,
            {"study_id": study_id, "number": number, "state": state.value},
        ).one()
        conn.execute(
            sql.INSERT_ATTR, [{**r, "trial_id": inserted.trial_id} for r in [*attr_rows, token]]
        )
        attrs: dict[str, dict[str, Any]] = {"system": {}, "user": {}}
        for r in attr_rows:
            attrs[r["kind"]][r["key"]] = json.loads(r["value_json"])
        return FrozenTrial(
            number=number,
            trial_id=inserted.trial_id,
            state=state,
            system_attrs=attrs["system"],
            user_attrs=attrs["user"],
            started_at=inserted.started_at,
            heartbeat_at=inserted.started_at,
        )

    def claim_waiting_trial(
        self, study_id: int, *, system_attrs: Mapping[str, Any] | None = None
    ) -> FrozenTrial | None:
        rows = _attr_rows("system", system_attrs)
        token = _token()
        self._require_study_tables(f"with id {study_id}")
        return self._db.run(
            lambda c: self._claim(c, study_id, rows, token),
            write=True,
            recover=lambda c: self._find_token(c, token),
        )

    def _claim(
        self,
        conn: Connection,
        study_id: int,
        attr_rows: list[dict[str, Any]],
        token: dict[str, Any],
    ) -> FrozenTrial | None:
        row = conn.execute(self._sql.find_waiting, {"study_id": study_id}).first()
        if row is None:
            return None
        conn.execute(self._sql.claim_trial, {"trial_id": row.trial_id})
        conn.execute(
            sql.INSERT_ATTR, [{**r, "trial_id": row.trial_id} for r in [*attr_rows, token]]
        )
        return read_trials(conn, t.trials.c.trial_id == row.trial_id)[0]

    def start_trial(
        self, study_id: int, *, system_attrs: Mapping[str, Any] | None = None
    ) -> FrozenTrial:
        rows = _attr_rows("system", system_attrs)
        token = _token()
        self._require_study_tables(f"with id {study_id}")

        def op(conn: Connection) -> FrozenTrial:
            claimed = self._claim(conn, study_id, rows, token)
            if claimed is not None:
                return claimed
            return self._insert_trial(conn, study_id, TrialState.RUNNING, rows, token)

        return self._db.run(op, write=True, recover=lambda c: self._find_token(c, token))

    def add_trial(self, study_id: int, trial: FrozenTrial) -> FrozenTrial:
        check_added(trial)
        token = _token()
        self._require_study_tables(f"with id {study_id}")
        return self._db.run(
            lambda c: insert_finished_trial(c, self._db.dialect, study_id, trial, token),
            write=True,
            recover=lambda c: self._find_token(c, token),
        )

    def _find_token(self, conn: Connection, token: dict[str, Any]) -> object:
        found = conn.execute(
            select(t.attrs.c.trial_id).where(
                t.attrs.c.kind == "token",
                t.attrs.c.key == token["key"],
                t.attrs.c.value_json == token["value_json"],
            )
        ).first()
        if found is None:
            return NOT_LANDED
        return read_trials(conn, t.trials.c.trial_id == found.trial_id)[0]

    # ------------------------------------------------------- running writes
    def _check_written(self, conn: Connection, result: Any, trial_id: int, action: str) -> None:
        """Explain a guarded write that changed no row: no such trial, or not RUNNING."""
        if result.rowcount:
            return
        row = conn.execute(sql.TRIAL_STATE, {"trial_id": trial_id}).first()
        if row is None:
            raise StudyNotFoundError(
                f"cannot {action} trial id {trial_id}: it is no longer in {self} "
                "(its study was deleted)"
            )
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
            result = conn.execute(self._sql.insert_param_if_running, values)
            self._check_written(conn, result, trial_id, f"set parameter {name!r} of")

        self._db.run(op, write=True)

    def set_trial_intermediate_value(self, trial_id: int, step: int, value: float) -> None:
        v = float(value)
        values = {"trial_id": trial_id, "step": int(step), "value": None if math.isnan(v) else v}

        def op(conn: Connection) -> None:
            result = conn.execute(self._sql.insert_intermediate_if_running, values)
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
                    result = conn.execute(self._sql.insert_attr_if_running, row)
                    self._check_written(
                        conn, result, trial_id, f"set attributes {sorted(attrs)} of"
                    )
                return
            if conn.execute(sql.TRIAL_STATE, {"trial_id": trial_id}).first() is None:
                raise KeyError(f"no trial with id {trial_id} in {self}")
            conn.execute(sql.INSERT_ATTR, rows)

        self._db.run(op, write=True)

    def claim_unique_attr(self, trial_id: int, key: str, value: Any) -> bool:
        row = {"trial_id": trial_id, **_attr_rows("system", {key: value})[0]}

        def holder(conn: Connection) -> int | None:
            study = conn.execute(
                select(t.trials.c.study_id).where(t.trials.c.trial_id == trial_id)
            ).first()
            if study is None:
                raise KeyError(f"no trial with id {trial_id} in {self}")
            conn.execute(self._sql.lock_study, {"study_id": study.study_id})
            found = conn.execute(
                self._sql.attr_holder,
                {"study_id": study.study_id, "key": key, "value_json": row["value_json"]},
            ).all()
            ids = {r.trial_id for r in found}
            return trial_id if trial_id in ids else (min(ids) if ids else None)

        def op(conn: Connection) -> bool:
            held_by = holder(conn)
            if held_by is not None:
                return held_by == trial_id
            result = conn.execute(self._sql.insert_attr_if_running, row)
            self._check_written(conn, result, trial_id, f"claim {key!r} for")
            return True

        def recover(conn: Connection) -> object:
            held_by = holder(conn)
            return NOT_LANDED if held_by is None else held_by == trial_id

        return self._db.run(op, write=True, recover=recover)

    def record_heartbeat(self, trial_ids: Iterable[int]) -> None:
        ids = [{"trial_id": i} for i in trial_ids]
        if ids:
            self._db.run(lambda c: c.execute(self._sql.heartbeat, ids), write=True)

    # ---------------------------------------------------------------- endings
    def finish_trial(
        self,
        trial_id: int,
        state: TrialState,
        *,
        values: Sequence[float] | None = None,
        fail_reason: str | None = None,
        system_attrs: Mapping[str, Any] | None = None,
    ) -> float:
        vals = check_finish(state, values)
        rows = [{**r, "trial_id": trial_id} for r in _attr_rows("system", system_attrs)]
        values_json = (
            None if vals is None else json.dumps([None if math.isnan(v) else v for v in vals])
        )
        params = {
            "trial_id": trial_id,
            "state": state.value,
            "values_json": values_json,
            "fail_reason": fail_reason,
        }

        def op(conn: Connection) -> float:
            done = conn.execute(self._sql.finish_trial, params).first()
            if done is None:
                self._check_written(conn, _NoRows(), trial_id, f"finish ({state.name})")
            if rows:
                conn.execute(sql.INSERT_ATTR, rows)
            assert done is not None
            return float(done.completed_at)

        def recover(conn: Connection) -> object:
            row = conn.execute(sql.TRIAL_STATE, {"trial_id": trial_id}).first()
            same = row is not None and (row.state, row.values_json, row.fail_reason) == (
                state.value,
                values_json,
                fail_reason,
            )
            return float(row.completed_at) if same and row is not None else NOT_LANDED

        return self._db.run(op, write=True, recover=recover)

    def fail_stale_trials(self, study_id: int, *, grace_s: float) -> list[FrozenTrial]:
        if not self._has_trials_table():
            return []

        def op(conn: Connection) -> list[FrozenTrial]:
            ids = [
                r.trial_id
                for r in conn.execute(
                    self._sql.stale_trial_ids, {"study_id": study_id, "grace_s": float(grace_s)}
                )
            ]
            return self._fail(conn, ids, STALE_REASON)

        return self._db.run(op, write=True)

    def fail_running_trials(self, trial_ids: Iterable[int], *, reason: str) -> list[FrozenTrial]:
        ids = list(trial_ids)
        if not ids:
            return []
        return self._db.run(lambda c: self._fail(c, ids, reason), write=True)

    def _fail(self, conn: Connection, ids: list[int], reason: str) -> list[FrozenTrial]:
        failed = []
        for trial_id in ids:
            row = conn.execute(
                self._sql.fail_trial_if_running, {"trial_id": trial_id, "fail_reason": reason}
            ).first()
            if row is not None:
                failed.append(trial_id)
        if not failed:
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
                for i in failed
            ],
        )
        return read_trials(conn, t.trials.c.trial_id.in_(failed))

    def _has_trials_table(self) -> bool:
        try:
            self._require_study_tables("")
        except StudyNotFoundError:
            return False
        return True


class _NoRows:
    rowcount = 0


def _token() -> dict[str, Any]:
    """A private attribute row by which a retried start finds the trial it made."""
    return {"kind": "token", "key": "start", "value_json": json.dumps(uuid.uuid4().hex)}


def _attr_rows(kind: str, attrs: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    return [
        {"kind": kind, "key": k, "value_json": dumps(v, what=f"trial attribute {k!r}")}
        for k, v in (attrs or {}).items()
    ]
