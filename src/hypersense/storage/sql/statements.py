"""The SQL of the hot path: one short statement per write of a running trial.

Each write to a running trial is guarded in the statement itself (``... WHERE
EXISTS (... state = 'RUNNING')``), so a write to a trial another process has
failed inserts nothing and needs no separate lock. Every time is the
database's own clock (:func:`now_sql`), so runners whose clocks disagree still
agree on heartbeats. The texts are portable between SQLite (>= 3.35) and
PostgreSQL and compiled once per dialect.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import TextClause, text

__all__ = ["INSERT_ATTR", "Statements", "TRIAL_STATE", "now_sql", "statements"]

_RUNNING = "EXISTS (SELECT 1 FROM hs_trials WHERE trial_id = :trial_id AND state = 'RUNNING')"


def now_sql(dialect: str) -> str:
    """The database's current Unix time in seconds, as a SQL expression."""
    if dialect == "postgresql":
        return "CAST(EXTRACT(EPOCH FROM clock_timestamp()) AS DOUBLE PRECISION)"
    # SQLite's 'now' has millisecond precision; 2440587.5 is the Julian day of 1970-01-01.
    return "((julianday('now') - 2440587.5) * 86400.0)"


INSERT_ATTR = text(
    "INSERT INTO hs_trial_attrs (trial_id, kind, key, value_json) "
    "VALUES (:trial_id, :kind, :key, :value_json) "
    "ON CONFLICT (trial_id, kind, key) DO UPDATE SET value_json = excluded.value_json"
)

TRIAL_STATE = text(
    "SELECT number, state, values_json, fail_reason, completed_at FROM hs_trials "
    "WHERE trial_id = :trial_id"
)


@dataclass(frozen=True)
class Statements:
    """The statements whose text depends on the dialect (clock, row locks)."""

    next_number: TextClause
    insert_trial: TextClause
    claim_trial: TextClause
    find_waiting: TextClause
    insert_param_if_running: TextClause
    insert_intermediate_if_running: TextClause
    insert_attr_if_running: TextClause
    finish_trial: TextClause
    heartbeat: TextClause
    fail_trial_if_running: TextClause
    stale_trial_ids: TextClause
    lock_study: TextClause
    attr_holder: TextClause
    now: TextClause


@cache
def statements(dialect: str) -> Statements:
    """The statements for ``"sqlite"`` or ``"postgresql"``."""
    now = now_sql(dialect)
    # A new WAITING trial has not started: no start time, no heartbeat.
    running_now = f"CASE WHEN CAST(:state AS VARCHAR(16)) = 'RUNNING' THEN {now} END"
    skip_locked = " FOR UPDATE SKIP LOCKED" if dialect == "postgresql" else ""
    return Statements(
        next_number=text(
            "UPDATE hs_studies SET next_number = next_number + 1 WHERE study_id = :study_id "
            "RETURNING next_number"
        ),
        insert_trial=text(
            "INSERT INTO hs_trials (study_id, number, state, started_at, heartbeat_at) "
            f"VALUES (:study_id, :number, :state, {running_now}, {running_now}) "
            "RETURNING trial_id, started_at"
        ),
        claim_trial=text(
            f"UPDATE hs_trials SET state = 'RUNNING', started_at = {now}, heartbeat_at = {now} "
            "WHERE trial_id = :trial_id AND state = 'WAITING'"
        ),
        # The oldest WAITING trial of a study; on PostgreSQL, skipping rows
        # another transaction is claiming right now.
        find_waiting=text(
            "SELECT trial_id FROM hs_trials WHERE study_id = :study_id AND state = 'WAITING' "
            f"ORDER BY number LIMIT 1{skip_locked}"
        ),
        insert_param_if_running=text(
            "INSERT INTO hs_trial_params (trial_id, name, distribution, value_json) "
            f"SELECT :trial_id, :name, :distribution, :value_json WHERE {_RUNNING} "
            "ON CONFLICT (trial_id, name) DO UPDATE SET distribution = excluded.distribution, "
            "value_json = excluded.value_json"
        ),
        insert_intermediate_if_running=text(
            "INSERT INTO hs_trial_intermediate (trial_id, step, value) "
            f"SELECT :trial_id, :step, :value WHERE {_RUNNING} "
            "ON CONFLICT (trial_id, step) DO UPDATE SET value = excluded.value"
        ),
        insert_attr_if_running=text(
            "INSERT INTO hs_trial_attrs (trial_id, kind, key, value_json) "
            f"SELECT :trial_id, :kind, :key, :value_json WHERE {_RUNNING} "
            "ON CONFLICT (trial_id, kind, key) DO UPDATE SET value_json = excluded.value_json"
        ),
        finish_trial=text(
            "UPDATE hs_trials SET state = :state, values_json = :values_json, "
            f"completed_at = {now}, fail_reason = :fail_reason "
            "WHERE trial_id = :trial_id AND state = 'RUNNING' RETURNING completed_at"
        ),
        heartbeat=text(
            f"UPDATE hs_trials SET heartbeat_at = {now} "
            "WHERE trial_id = :trial_id AND state = 'RUNNING'"
        ),
        fail_trial_if_running=text(
            f"UPDATE hs_trials SET state = 'FAIL', completed_at = {now}, "
            "fail_reason = :fail_reason WHERE trial_id = :trial_id AND state = 'RUNNING' "
            "RETURNING trial_id"
        ),
        stale_trial_ids=text(
            "SELECT trial_id FROM hs_trials WHERE study_id = :study_id AND state = 'RUNNING' "
            f"AND heartbeat_at < {now} - :grace_s ORDER BY number"
        ),
        # Serialises the claims of one study's unique attributes (SQLite's
        # BEGIN IMMEDIATE already serialises every writer).
        lock_study=text(
            "SELECT study_id FROM hs_studies WHERE study_id = :study_id FOR UPDATE"
            if dialect == "postgresql"
            else "SELECT study_id FROM hs_studies WHERE study_id = :study_id"
        ),
        attr_holder=text(
            "SELECT a.trial_id FROM hs_trial_attrs a JOIN hs_trials t ON t.trial_id = a.trial_id "
            "WHERE t.study_id = :study_id AND a.kind = 'system' AND a.key = :key "
            "AND a.value_json = :value_json"
        ),
        now=text(f"SELECT {now}"),
    )
