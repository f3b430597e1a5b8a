"""The JSON the read commands print with ``--json``: stable, documented keys.

A *trial record* (``hypersense trials NAME --json`` lists them under
``"trials"``; ``best`` under ``"best_trials"``)::

    number             int, 0-based position in the study
    state              "COMPLETE" | "PRUNED" | "FAIL" | "RUNNING" | "WAITING"
    values             list of float (one per direction) or null
    params             object, parameter name -> value
    user_attrs         object, set by the objective
    intermediate_values  object, step (as a string) -> float
    datetime_start     ISO 8601 UTC string or null
    datetime_complete  ISO 8601 UTC string or null
    duration_s         float or null
    fail_reason        string or null
    interrupted        bool, true when Ctrl-C or a silent worker ended it

A *study record* (``hypersense studies --json`` lists them under ``"studies"``)::

    study_name         string
    directions         list of "minimize" | "maximize"
    n_trials           int, trials in any state
    n_trials_by_state  object, state name -> int (every state present)
    best_value         float or null (null for several directions)
    datetime_created   ISO 8601 UTC string or null

Non-finite numbers (NaN, infinity) are written as null, so the output is
strict JSON any parser reads.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

from hypersense.direction import StudyDirection
from hypersense.storage.base import StudySummary
from hypersense.trial.frozen import FrozenTrial, SystemAttr
from hypersense.trial.state import TrialState

__all__ = ["best_record", "jsonable", "study_record", "trial_record", "trials_record"]


def jsonable(value: Any) -> Any:
    """``value`` with non-finite floats replaced by None, recursively."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def _iso(t: float | None) -> str | None:
    if t is None:
        return None
    return _dt.datetime.fromtimestamp(t, tz=_dt.timezone.utc).isoformat()


def trial_record(trial: FrozenTrial) -> dict[str, Any]:
    """One trial as a JSON-ready dict (keys in the module doc)."""
    record = {
        "number": trial.number,
        "state": trial.state.name,
        "values": None if trial.values is None else list(trial.values),
        "params": dict(trial.params),
        "user_attrs": dict(trial.user_attrs),
        "intermediate_values": {str(k): v for k, v in sorted(trial.intermediate_values.items())},
        "datetime_start": _iso(trial.started_at),
        "datetime_complete": _iso(trial.completed_at),
        "duration_s": trial.duration_s,
        "fail_reason": trial.fail_reason,
        "interrupted": bool(trial.system_attrs.get(SystemAttr.INTERRUPTED, False)),
    }
    out: dict[str, Any] = jsonable(record)
    return out


def trials_record(
    study_name: str, directions: Sequence[StudyDirection], trials: Sequence[FrozenTrial]
) -> dict[str, Any]:
    """``{"study_name", "directions", "trials": [trial record, ...]}``."""
    return {
        "study_name": study_name,
        "directions": [d.value for d in directions],
        "trials": [trial_record(t) for t in trials],
    }


def best_record(
    study_name: str, directions: Sequence[StudyDirection], best: Sequence[FrozenTrial]
) -> dict[str, Any]:
    """``{"study_name", "directions", "best_trials": [trial record, ...]}``: one
    trial for a single objective, the Pareto front for several."""
    return {
        "study_name": study_name,
        "directions": [d.value for d in directions],
        "best_trials": [trial_record(t) for t in best],
    }


def study_record(summary: StudySummary, best_value: float | None) -> dict[str, Any]:
    """One study as a JSON-ready dict (keys in the module doc)."""
    record = summary.record
    return {
        "study_name": record.name,
        "directions": [d.value for d in record.directions],
        "n_trials": summary.n_trials,
        "n_trials_by_state": {s.name: int(summary.n_trials_by_state.get(s, 0)) for s in TrialState},
        "best_value": jsonable(best_value),
        "datetime_created": _iso(record.created_at),
    }
