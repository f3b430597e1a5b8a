"""Writing a whole finished trial at once (a trial added, copied or imported)."""

from __future__ import annotations

import json
import math
from typing import Any

from sqlalchemy import insert, literal_column
from sqlalchemy.engine import Connection

from hypersense.errors import StudyNotFoundError
from hypersense.space.serialization import distribution_to_json
from hypersense.storage.json_values import dumps
from hypersense.storage.sql import schema as t
from hypersense.storage.sql import statements as sql
from hypersense.storage.sql.reading import read_trials
from hypersense.storage.validation import check_finish, check_param
from hypersense.trial.frozen import FrozenTrial

__all__ = ["check_added", "insert_finished_trial"]


def check_added(trial: FrozenTrial) -> None:
    """Refuse a trial whose values or parameters could not be stored, before any write."""
    check_finish(trial.state, trial.values)
    for name, value in trial.params.items():
        check_param(name, trial.distributions[name], value)


def insert_finished_trial(
    conn: Connection,
    dialect: str,
    study_id: int,
    trial: FrozenTrial,
    token: dict[str, Any],
) -> FrozenTrial:
    """Insert ``trial`` with the study's next number; its times are kept, or the
    database's clock stands in for missing ones."""
    bumped = conn.execute(sql.statements(dialect).next_number, {"study_id": study_id}).first()
    if bumped is None:
        raise StudyNotFoundError(f"no study with id {study_id}")
    now: Any = literal_column(sql.now_sql(dialect))
    values = None if trial.values is None else [None if math.isnan(v) else v for v in trial.values]
    trial_id = conn.execute(
        insert(t.trials)
        .values(
            study_id=study_id,
            number=bumped[0] - 1,
            state=trial.state.value,
            values_json=None if values is None else json.dumps(values),
            started_at=now if trial.started_at is None else trial.started_at,
            completed_at=now if trial.completed_at is None else trial.completed_at,
            heartbeat_at=None,
            fail_reason=trial.fail_reason,
        )
        .returning(t.trials.c.trial_id)
    ).scalar_one()
    if trial.params:
        conn.execute(
            insert(t.params),
            [
                {
                    "trial_id": trial_id,
                    "name": name,
                    "distribution": distribution_to_json(trial.distributions[name]),
                    "value_json": dumps(value, what=f"parameter {name!r}"),
                }
                for name, value in trial.params.items()
            ],
        )
    if trial.intermediate_values:
        conn.execute(
            insert(t.intermediate),
            [
                {"trial_id": trial_id, "step": step, "value": None if math.isnan(v) else v}
                for step, v in trial.intermediate_values.items()
            ],
        )
    attrs = [
        {"trial_id": trial_id, "kind": kind, "key": k, "value_json": dumps(v, what=f"{k!r}")}
        for kind, source in (("user", trial.user_attrs), ("system", trial.system_attrs))
        for k, v in source.items()
    ]
    conn.execute(sql.INSERT_ATTR, [*attrs, {**token, "trial_id": trial_id}])
    return read_trials(conn, t.trials.c.trial_id == trial_id)[0]
