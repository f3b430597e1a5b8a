"""A study's trials as a pandas DataFrame."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hypersense._optional import import_optional

if TYPE_CHECKING:
    import pandas as pd

    from hypersense.study.study import Study

__all__ = ["trials_dataframe"]

_DEFAULT_ATTRS = (
    "number",
    "value",
    "state",
    "datetime_start",
    "datetime_complete",
    "duration",
    "params",
    "user_attrs",
    "fail_reason",
)


def trials_dataframe(study: Study, *, attrs: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per trial; columns ``params_<name>``, ``user_attrs_<key>`` and, for
    several objectives, ``values_0``, ``values_1``..."""
    pandas = import_optional("pandas", extra="pandas", purpose="trials_dataframe()")
    wanted = tuple(attrs) if attrs is not None else _DEFAULT_ATTRS
    multi = study.is_multi_objective
    rows: list[dict[str, Any]] = []
    for t in study.trials:
        row: dict[str, Any] = {}
        for a in wanted:
            if a == "number":
                row["number"] = t.number
            elif a in ("value", "values"):
                if multi:
                    for i in range(len(study.directions)):
                        row[f"values_{i}"] = None if t.values is None else t.values[i]
                else:
                    row["value"] = None if t.values is None else t.values[0]
            elif a == "state":
                row["state"] = t.state.name
            elif a == "datetime_start":
                row["datetime_start"] = t.datetime_start
            elif a == "datetime_complete":
                row["datetime_complete"] = t.datetime_complete
            elif a == "duration":
                row["duration_s"] = t.duration_s
            elif a == "params":
                row.update({f"params_{k}": v for k, v in t.params.items()})
            elif a == "user_attrs":
                row.update({f"user_attrs_{k}": v for k, v in t.user_attrs.items()})
            elif a == "system_attrs":
                row.update({f"system_attrs_{k}": v for k, v in t.system_attrs.items()})
            elif a == "fail_reason":
                row["fail_reason"] = t.fail_reason
            else:
                raise ValueError(
                    f"unknown attribute {a!r} for trials_dataframe; "
                    f"choose from {[*list(_DEFAULT_ATTRS), 'system_attrs']}"
                )
        rows.append(row)
    return pandas.DataFrame(rows)
