"""Turning SQL rows back into frozen trials."""

from __future__ import annotations

import json
import logging
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.engine import Connection

from hypersense.space.base import Distribution
from hypersense.space.serialization import distribution_from_json
from hypersense.storage.sql import schema as t
from hypersense.trial.frozen import FrozenTrial
from hypersense.trial.state import TrialState

__all__ = ["combine", "read_trials", "states_condition"]

_log = logging.getLogger(__name__)


@lru_cache(maxsize=4096)
def _distribution(text: str) -> Distribution:
    # Distributions are immutable and repeat across trials: parse each text once.
    return distribution_from_json(text)


def read_trials(conn: Connection, where: ColumnElement[bool]) -> list[FrozenTrial]:
    """All trials matching ``where`` (a condition on ``hs_trials``), by number.

    A trial whose stored record cannot be decoded (a corrupted JSON value, an
    unknown state or distribution) is logged as a warning and left out.
    """
    rows = conn.execute(select(t.trials).where(where).order_by(t.trials.c.number)).all()
    if not rows:
        return []
    params = _side_rows(conn, t.params, where, order=[t.params.c.param_id])
    inter = _side_rows(conn, t.intermediate, where, order=[t.intermediate.c.step])
    attrs = _side_rows(conn, t.attrs, where, order=[])
    out = []
    for r in rows:
        try:
            out.append(_trial(r, params, inter, attrs))
        except (ValueError, TypeError, KeyError) as exc:  # json.JSONDecodeError is a ValueError
            _log.warning(
                "trial %s (id %s) of study id %s cannot be read and is skipped: %s",
                r.number,
                r.trial_id,
                r.study_id,
                exc,
            )
    return out


def _trial(
    r: Any,
    params: dict[int, list[Any]],
    inter: dict[int, list[Any]],
    attrs: dict[int, list[Any]],
) -> FrozenTrial:
    p_rows = params.get(r.trial_id, [])
    user: dict[str, Any] = {}
    system: dict[str, Any] = {}
    for a in attrs.get(r.trial_id, []):
        if a.kind == "user":
            user[a.key] = json.loads(a.value_json)
        elif a.kind == "system":
            system[a.key] = json.loads(a.value_json)
    return FrozenTrial(
        number=r.number,
        trial_id=r.trial_id,
        state=TrialState(r.state),
        values=None
        if r.values_json is None
        else tuple(math.nan if v is None else float(v) for v in json.loads(r.values_json)),
        params={p.name: json.loads(p.value_json) for p in p_rows},
        distributions={p.name: _distribution(p.distribution) for p in p_rows},
        intermediate_values={
            i.step: (math.nan if i.value is None else i.value) for i in inter.get(r.trial_id, [])
        },
        user_attrs=user,
        system_attrs=system,
        started_at=r.started_at,
        completed_at=r.completed_at,
        heartbeat_at=r.heartbeat_at,
        fail_reason=r.fail_reason,
    )


def _side_rows(
    conn: Connection, table: Any, where: ColumnElement[bool], order: Sequence[Any]
) -> dict[int, list[Any]]:
    query = (
        select(table)
        .join(t.trials, t.trials.c.trial_id == table.c.trial_id)
        .where(where)
        .order_by(*order)
    )
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in conn.execute(query):
        grouped[row.trial_id].append(row)
    return grouped


def states_condition(states: Iterable[TrialState] | None) -> ColumnElement[bool] | None:
    """A condition on the trial state, or None for all states."""
    if states is None:
        return None
    return t.trials.c.state.in_([s.value for s in states])


def combine(*conditions: ColumnElement[bool] | None) -> ColumnElement[bool]:
    """AND of the given conditions, skipping None."""
    return and_(*[c for c in conditions if c is not None])
