"""The JSON the dashboard's pages read: studies, one study's summary, a page of
the trial table, one trial's detail.

Values are plain JSON (numbers, strings, lists; no NaN: None instead). Text
from users — names, parameters, attributes, failure messages — is sent as is
and shown by the pages as text, never as markup.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from hypersense.dashboard.live import StudyState, last_activity
from hypersense.report.data.overview import describe
from hypersense.report.data.snapshot import StudySnapshot
from hypersense.storage.base import StudySummary
from hypersense.study.stop_request import current_stop_request
from hypersense.trial.frozen import FrozenTrial, SystemAttr
from hypersense.trial.state import TrialState

__all__ = [
    "NOTE_ATTR",
    "SORT_KEYS",
    "TrialQuery",
    "running_rows",
    "study_row",
    "study_summary",
    "trial_detail",
]

#: Trial system attribute holding a note written from the dashboard.
NOTE_ATTR = "note"
#: Columns the trial table sorts by (besides ``param:<name>``).
SORT_KEYS = ("number", "state", "value", "duration", "started")
_STATE_ORDER = {s: i for i, s in enumerate(TrialState)}


def _num(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _values(trial: FrozenTrial) -> list[float | None] | None:
    return None if trial.values is None else [_num(v) for v in trial.values]


def _best(snap: StudySnapshot) -> dict[str, Any] | None:
    best = snap.best_trial()
    if best is not None:
        return {"number": best.number, "values": _values(best)}
    if snap.is_multi_objective and snap.completed():
        from hypersense.report.data.pareto import build_pareto_data

        pareto = build_pareto_data(snap)
        return None if pareto is None else {"front": len(pareto.front())}
    return None


def study_row(summary: StudySummary, state: StudyState | None) -> dict[str, Any]:
    """One row of the studies page; best value and activity once the study was read."""
    record = summary.record
    counts = {s.value: summary.n_trials_by_state.get(s, 0) for s in TrialState}
    row: dict[str, Any] = {
        "id": record.study_id,
        "name": record.name,
        "directions": [d.value for d in record.directions],
        "counts": counts,
        "n_trials": summary.n_trials,
        "loaded": state is not None,
        "best": None,
        "last_activity": None,
    }
    if state is not None:
        row["best"] = _best(state.snapshot())
        row["last_activity"] = state.last_activity
    return row


def running_rows(trials: Sequence[FrozenTrial]) -> list[dict[str, Any]]:
    """The RUNNING trials: start, heartbeat, last step and value, parameters."""
    rows = []
    for t in trials:
        if t.state is not TrialState.RUNNING:
            continue
        step = t.last_step
        rows.append(
            {
                "number": t.number,
                "started_at": t.started_at,
                "heartbeat_at": t.heartbeat_at,
                "last_step": step,
                "last_value": None if step is None else _num(t.intermediate_values[step]),
                "params": {k: describe(v) for k, v in t.params.items()},
                "worker": str(t.system_attrs.get(SystemAttr.WORKER, "")),
            }
        )
    return rows


def study_summary(state: StudyState, snap: StudySnapshot) -> dict[str, Any]:
    """The study page's header: counts, best, activity, running trials, stop request."""
    record = state.record
    request = current_stop_request(record.system_attrs)
    return {
        "id": record.study_id,
        "name": record.name,
        "version": state.version,
        "directions": [d.value for d in record.directions],
        "objective_names": list(snap.objective_names()),
        "counts": {s.value: state.counts.get(s, 0) for s in TrialState},
        "n_trials": len(state.trials),
        "best": _best(snap),
        "last_activity": state.last_activity,
        "created_at": record.created_at,
        "running": running_rows(state.trials),
        "stop_request": None if request is None else dict(request),
        "params": list(snap.search_space()),
    }


class TrialQuery:
    """What page of the trial table to send: sorting, filtering, paging.

    Args:
        sort: ``number``, ``state``, ``value``, ``duration``, ``started`` or
            ``param:<name>``.
        descending: Sort order.
        state: Only trials in this state (a TrialState name), or "".
        text: Only trials whose parameters, attributes or note contain this
            text (case-insensitive), or "".
        offset: First row of the page.
        limit: Rows per page (1 to 500).

    Raises:
        ValueError: Naming the bad option.
    """

    def __init__(
        self,
        *,
        sort: str = "number",
        descending: bool = False,
        state: str = "",
        text: str = "",
        offset: int = 0,
        limit: int = 50,
    ) -> None:
        if sort not in SORT_KEYS and not sort.startswith("param:"):
            raise ValueError(
                f"`sort` must be one of {list(SORT_KEYS)} or param:<name> (got {sort!r})"
            )
        if state and state not in TrialState.__members__:
            raise ValueError(f"`state` must be a trial state or empty (got {state!r})")
        if offset < 0 or not 1 <= limit <= 500:
            raise ValueError(
                f"`offset` must be >= 0 and `limit` in [1, 500] (got {offset}, {limit})"
            )
        if len(text) > 200:
            raise ValueError("`text` must be at most 200 characters")
        self.sort, self.descending, self.state = sort, descending, state
        self.text, self.offset, self.limit = text.lower(), offset, limit

    def __repr__(self) -> str:
        return (
            f"TrialQuery(sort={self.sort!r}, descending={self.descending}, state={self.state!r}, "
            f"text={self.text!r}, offset={self.offset}, limit={self.limit})"
        )

    def _key(self, snap: StudySnapshot) -> Any:
        sign = 1.0 if snap.directions[0].value == "minimize" else -1.0

        def value(t: FrozenTrial) -> tuple[int, Any]:
            if self.sort == "number":
                return (0, t.number)
            if self.sort == "state":
                return (0, _STATE_ORDER[t.state])
            if self.sort == "value":
                v = None if not t.values else _num(t.values[0])
                return (1, 0.0) if v is None else (0, sign * v)
            if self.sort == "duration":
                return (1, 0.0) if t.duration_s is None else (0, t.duration_s)
            if self.sort == "started":
                return (1, 0.0) if t.started_at is None else (0, t.started_at)
            found = t.params.get(self.sort[len("param:") :])
            if isinstance(found, (int, float)) and not isinstance(found, bool):
                return (0, (0, float(found), ""))
            return (1, 0.0) if found is None else (0, (1, 0.0, str(found)))

        return value

    def _matches(self, t: FrozenTrial) -> bool:
        if self.state and t.state.name != self.state:
            return False
        if not self.text:
            return True
        haystack = " ".join(
            [
                *(f"{k}={describe(v)}" for k, v in t.params.items()),
                *(f"{k}={describe(v)}" for k, v in t.user_attrs.items()),
                str(t.system_attrs.get(NOTE_ATTR, {}).get("text", ""))
                if isinstance(t.system_attrs.get(NOTE_ATTR), Mapping)
                else "",
                t.fail_reason or "",
            ]
        )
        return self.text in haystack.lower()

    def page(self, snap: StudySnapshot) -> dict[str, Any]:
        """The rows of this page, with the count of all matching trials."""
        chosen = [t for t in snap.trials if self._matches(t)]
        key = self._key(snap)
        keyed = [(key(t), t) for t in chosen]
        # Trials without the sorted value come last in either order.
        present = [(k[1], t.number, t) for k, t in keyed if k[0] == 0]
        present.sort(key=lambda row: (row[0], row[1]), reverse=self.descending)
        ordered = [t for _, _, t in present] + [t for k, t in keyed if k[0] != 0]
        rows = [_table_row(t) for t in ordered[self.offset : self.offset + self.limit]]
        return {
            "total": len(ordered),
            "offset": self.offset,
            "limit": self.limit,
            "params": list(snap.search_space()),
            "objective_names": list(snap.objective_names()),
            "rows": rows,
        }


def _note_text(trial: FrozenTrial) -> str:
    note = trial.system_attrs.get(NOTE_ATTR)
    return str(note.get("text", "")) if isinstance(note, Mapping) else ""


def _table_row(t: FrozenTrial) -> dict[str, Any]:
    return {
        "number": t.number,
        "state": t.state.value,
        "values": _values(t),
        "duration_s": t.duration_s,
        "started_at": t.started_at,
        "params": {k: describe(v) for k, v in t.params.items()},
        "note": _note_text(t),
    }


def _flatten(value: Any, prefix: str = "") -> list[list[str]]:
    if isinstance(value, Mapping):
        rows: list[list[str]] = []
        for k, v in value.items():
            rows += _flatten(v, f"{prefix}{k}.")
        return rows
    return [[prefix.rstrip("."), describe(value)]]


def trial_detail(trial: FrozenTrial, snap: StudySnapshot) -> dict[str, Any]:
    """Everything about one trial, as text rows the page shows."""
    system = trial.system_attrs
    note = system.get(NOTE_ATTR)
    shown_system = {
        k: v
        for k, v in system.items()
        if k not in (SystemAttr.ENVIRONMENT, SystemAttr.TRACEBACK, NOTE_ATTR)
    }
    return {
        "number": trial.number,
        "state": trial.state.value,
        "objective_names": list(snap.objective_names()),
        "values": _values(trial),
        "params": [
            [name, describe(value), repr(trial.distributions.get(name, ""))]
            for name, value in trial.params.items()
        ],
        "intermediate": [[int(s), _num(v)] for s, v in sorted(trial.intermediate_values.items())],
        "user_attrs": [[k, describe(v)] for k, v in trial.user_attrs.items()],
        "system_attrs": [[k, describe(v)] for k, v in shown_system.items()],
        "environment": _flatten(system.get(SystemAttr.ENVIRONMENT) or {}),
        "fail_reason": trial.fail_reason,
        "traceback": str(system.get(SystemAttr.TRACEBACK) or ""),
        "started_at": trial.started_at,
        "completed_at": trial.completed_at,
        "heartbeat_at": trial.heartbeat_at,
        "last_activity": last_activity(trial),
        "duration_s": trial.duration_s,
        "note": dict(note) if isinstance(note, Mapping) else None,
    }
