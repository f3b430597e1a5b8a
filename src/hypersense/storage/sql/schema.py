"""Tables of the SQL storage (SQLAlchemy Core).

Trial rows hold the fields read on every listing; parameters, intermediate
values and attributes live in narrow side tables keyed by trial, so a write
while a trial runs is one short INSERT. Every table is prefixed ``hs_`` so a
shared PostgreSQL database can hold hypersense next to other applications.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

__all__ = [
    "SCHEMA_VERSION",
    "attrs",
    "intermediate",
    "meta",
    "metadata",
    "params",
    "studies",
    "trials",
]

#: Bumped on every incompatible change of the tables below.
SCHEMA_VERSION = 1

metadata = MetaData()

meta = Table(
    "hs_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", String(256), nullable=False),
)

studies = Table(
    "hs_studies",
    metadata,
    Column("study_id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(512), nullable=False, unique=True),
    Column("directions", Text, nullable=False),  # JSON list of "minimize"/"maximize"
    Column("user_attrs", Text, nullable=False, default="{}"),
    Column("system_attrs", Text, nullable=False, default="{}"),
    Column("created_at", Double, nullable=False),
    # The number the next trial gets; incremented in the trial's own transaction,
    # which is what makes numbers unique and gap-free under concurrent writers.
    Column("next_number", Integer, nullable=False, default=0),
)

trials = Table(
    "hs_trials",
    metadata,
    Column("trial_id", Integer, primary_key=True, autoincrement=True),
    Column(
        "study_id", Integer, ForeignKey("hs_studies.study_id", ondelete="CASCADE"), nullable=False
    ),
    Column("number", Integer, nullable=False),
    Column("state", String(16), nullable=False),
    Column("values_json", Text, nullable=True),
    Column("started_at", Double, nullable=True),
    Column("completed_at", Double, nullable=True),
    Column("heartbeat_at", Double, nullable=True),
    Column("fail_reason", Text, nullable=True),
    UniqueConstraint("study_id", "number", name="uq_hs_trials_study_number"),
    Index("ix_hs_trials_study_state", "study_id", "state"),
)

params = Table(
    "hs_trial_params",
    metadata,
    # Increasing with every insert, so ORDER BY param_id is the suggestion order.
    Column("param_id", Integer, primary_key=True, autoincrement=True),
    Column(
        "trial_id", Integer, ForeignKey("hs_trials.trial_id", ondelete="CASCADE"), nullable=False
    ),
    Column("name", String(512), nullable=False),
    Column("distribution", Text, nullable=False),  # JSON
    Column("value_json", Text, nullable=False),
    UniqueConstraint("trial_id", "name", name="uq_hs_trial_params_trial_name"),
)

intermediate = Table(
    "hs_trial_intermediate",
    metadata,
    Column(
        "trial_id", Integer, ForeignKey("hs_trials.trial_id", ondelete="CASCADE"), primary_key=True
    ),
    Column("step", Integer, primary_key=True),
    Column("value", Double, nullable=True),  # NULL stands for NaN (SQLite has no NaN)
)

attrs = Table(
    "hs_trial_attrs",
    metadata,
    Column(
        "trial_id", Integer, ForeignKey("hs_trials.trial_id", ondelete="CASCADE"), primary_key=True
    ),
    Column("kind", String(8), primary_key=True),  # "user" or "system"
    Column("key", String(512), primary_key=True),
    Column("value_json", Text, nullable=False),
)
