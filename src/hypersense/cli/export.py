"""Writing a study's trials as CSV, with the csv module (pandas not needed).

Columns follow ``Study.trials_dataframe()``: ``number``, ``value`` (or
``values_0``, ``values_1``... for several directions), ``state``,
``datetime_start``, ``datetime_complete``, ``duration_s``, one
``params_<name>`` per parameter, one ``user_attrs_<key>`` per attribute, and
``fail_reason``. A parameter a trial did not use is an empty cell; lists and
mappings are written as JSON.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from typing import Any, TextIO

from hypersense.trial.frozen import FrozenTrial

__all__ = ["trial_rows", "write_trials_csv"]


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value)
    return value


def trial_rows(trials: Sequence[FrozenTrial], n_objectives: int) -> list[dict[str, Any]]:
    """One dict per trial, keyed by the column names of the module doc."""
    rows = []
    for t in trials:
        row: dict[str, Any] = {"number": t.number}
        if n_objectives == 1:
            row["value"] = None if t.values is None else t.values[0]
        else:
            for i in range(n_objectives):
                row[f"values_{i}"] = None if t.values is None else t.values[i]
        row["state"] = t.state.name
        row["datetime_start"] = None if t.datetime_start is None else t.datetime_start.isoformat()
        row["datetime_complete"] = (
            None if t.datetime_complete is None else t.datetime_complete.isoformat()
        )
        row["duration_s"] = t.duration_s
        row.update({f"params_{k}": v for k, v in t.params.items()})
        row.update({f"user_attrs_{k}": v for k, v in t.user_attrs.items()})
        row["fail_reason"] = t.fail_reason
        rows.append(row)
    return rows


def write_trials_csv(trials: Sequence[FrozenTrial], n_objectives: int, file: TextIO) -> int:
    """Write ``trials`` to ``file`` as CSV; return how many rows were written."""
    rows = trial_rows(trials, n_objectives)
    head = ["number", "value"] if n_objectives == 1 else ["number"]
    head += [f"values_{i}" for i in range(n_objectives)] if n_objectives > 1 else []
    head += ["state", "datetime_start", "datetime_complete", "duration_s"]
    # Parameters in the order trials first suggested them; attributes likewise.
    params = list(dict.fromkeys(k for r in rows for k in r if k.startswith("params_")))
    attrs = list(dict.fromkeys(k for r in rows for k in r if k.startswith("user_attrs_")))
    columns = [*head, *params, *attrs, "fail_reason"]
    writer = csv.DictWriter(file, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: _cell(row.get(c)) for c in columns})
    return len(rows)
