"""The SQL of the hot path: one short statement per write of a running trial.

Each write to a running trial is guarded in the statement itself (``... WHERE
EXISTS (... state = 'RUNNING')``), so a write to a trial another process has
failed inserts nothing and needs no separate lock. The texts are portable
between SQLite (>= 3.35) and PostgreSQL and compiled once.
"""

from __future__ import annotations

from sqlalchemy import TextClause, text

__all__ = [
    "CLAIM_TRIAL",
    "FINISH_TRIAL",
    "INSERT_ATTR",
    "INSERT_ATTR_IF_RUNNING",
    "INSERT_INTERMEDIATE_IF_RUNNING",
    "INSERT_PARAM_IF_RUNNING",
    "INSERT_TRIAL",
    "NEXT_NUMBER",
    "TRIAL_STATE",
    "find_waiting",
]

_RUNNING = "EXISTS (SELECT 1 FROM hs_trials WHERE trial_id = :trial_id AND state = 'RUNNING')"

NEXT_NUMBER = text(
    "UPDATE hs_studies SET next_number = next_number + 1 WHERE study_id = :study_id "
    "RETURNING next_number"
)

INSERT_TRIAL = text(
    "INSERT INTO hs_trials (study_id, number, state, started_at, heartbeat_at) "
    "VALUES (:study_id, :number, :state, :started_at, :started_at) RETURNING trial_id"
)

CLAIM_TRIAL = text(
    "UPDATE hs_trials SET state = 'RUNNING', started_at = :now, heartbeat_at = :now "
    "WHERE trial_id = :trial_id AND state = 'WAITING'"
)


def find_waiting(dialect: str) -> TextClause:
    """The oldest WAITING trial of a study; on PostgreSQL, skipping rows another
    transaction is claiming right now."""
    lock = " FOR UPDATE SKIP LOCKED" if dialect == "postgresql" else ""
    return text(
        "SELECT trial_id FROM hs_trials WHERE study_id = :study_id AND state = 'WAITING' "
        f"ORDER BY number LIMIT 1{lock}"
    )


INSERT_PARAM_IF_RUNNING = text(
    "INSERT INTO hs_trial_params (trial_id, name, distribution, value_json) "
    f"SELECT :trial_id, :name, :distribution, :value_json WHERE {_RUNNING} "
    "ON CONFLICT (trial_id, name) DO UPDATE SET distribution = excluded.distribution, "
    "value_json = excluded.value_json"
)

INSERT_INTERMEDIATE_IF_RUNNING = text(
    "INSERT INTO hs_trial_intermediate (trial_id, step, value) "
    f"SELECT :trial_id, :step, :value WHERE {_RUNNING} "
    "ON CONFLICT (trial_id, step) DO UPDATE SET value = excluded.value"
)

INSERT_ATTR_IF_RUNNING = text(
    "INSERT INTO hs_trial_attrs (trial_id, kind, key, value_json) "
    f"SELECT :trial_id, :kind, :key, :value_json WHERE {_RUNNING} "
    "ON CONFLICT (trial_id, kind, key) DO UPDATE SET value_json = excluded.value_json"
)

INSERT_ATTR = text(
    "INSERT INTO hs_trial_attrs (trial_id, kind, key, value_json) "
    "VALUES (:trial_id, :kind, :key, :value_json) "
    "ON CONFLICT (trial_id, kind, key) DO UPDATE SET value_json = excluded.value_json"
)

FINISH_TRIAL = text(
    "UPDATE hs_trials SET state = :state, values_json = :values_json, completed_at = :now, "
    "fail_reason = :fail_reason WHERE trial_id = :trial_id AND state = 'RUNNING'"
)

TRIAL_STATE = text("SELECT number, state FROM hs_trials WHERE trial_id = :trial_id")
