"""Rich tables for the read commands (the JSON twins are in ``records``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.markup import escape
from rich.table import Table

from hypersense.direction import StudyDirection
from hypersense.trial.frozen import FrozenTrial

__all__ = ["attr_summary", "best_table", "format_value", "params_table", "studies_table"]


def format_value(value: Any) -> str:
    """Numbers to 6 significant digits, None as ``-``, others as ``str`` (with
    rich markup escaped: cells are read as markup)."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    return escape(str(value))


def _values(trial: FrozenTrial) -> list[str]:
    if trial.values is None:
        return ["-"]
    return [format_value(v) for v in trial.values]


def studies_table(rows: Sequence[Mapping[str, Any]]) -> Table:
    """One row per study record (see ``records.study_record``)."""
    table = Table(title="Studies")
    for name in ("study", "directions", "trials", "complete", "pruned", "fail", "running", "best"):
        table.add_column(name, justify="right" if name not in ("study", "directions") else "left")
    for r in rows:
        by_state = r["n_trials_by_state"]
        table.add_row(
            escape(r["study_name"]),
            ", ".join(r["directions"]),
            str(r["n_trials"]),
            str(by_state["COMPLETE"]),
            str(by_state["PRUNED"]),
            str(by_state["FAIL"]),
            str(by_state["RUNNING"]),
            format_value(r["best_value"]),
        )
    return table


def params_table(trial: FrozenTrial, metric: str = "value") -> Table:
    """One trial: its value(s), then its parameters and their values, one per row;
    its user attributes follow in one line each, summarised (a per-epoch curve
    as its length and ends, a recipe as its number of fields)."""
    table = Table(title=f"Trial {trial.number}", show_header=False, title_justify="left")
    table.add_column("name", style="bold")
    table.add_column("value")
    values = _values(trial)
    for i, v in enumerate(values):
        table.add_row(escape(metric if len(values) == 1 else f"{metric} {i}"), v)
    if trial.params:
        table.add_section()
        for name, value in trial.params.items():
            table.add_row(escape(name), format_value(value))
    if trial.user_attrs:
        table.add_section()
        for key, value in trial.user_attrs.items():
            table.add_row(f"[dim]{escape(key)}[/]", f"[dim]{attr_summary(value)}[/]")
    return table


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def attr_summary(value: Any, max_items: int = 4) -> str:
    """A short cell for a user attribute (markup escaped): short values as they
    are; lists of numbers (training curves) as their length, first and last
    value; other lists by length; mappings (recipes, histograms) by their keys."""
    if isinstance(value, (list, tuple)) and len(value) > max_items:
        if all(_is_number(v) for v in value):
            return f"{len(value)} values, {format_value(value[0])} … {format_value(value[-1])}"
        return f"{len(value)} values"
    if isinstance(value, dict):
        if len(value) <= max_items and all(not isinstance(v, (dict, list)) for v in value.values()):
            return escape(", ".join(f"{k}={format_value(v)}" for k, v in value.items()))
        keys = ", ".join(escape(str(k)) for k in list(value)[:max_items])
        more = f", … ({len(value)} keys)" if len(value) > max_items else ""
        return "{" + keys + more + "}"
    text = format_value(value)
    return text if len(text) <= 60 else text[:57] + "…"


def best_table(
    study_name: str, directions: Sequence[StudyDirection], best: Sequence[FrozenTrial]
) -> Table:
    """The best trial's details, or the Pareto front for several directions."""
    if len(directions) == 1 and best:
        return params_table(best[0])
    table = Table(title=f"Pareto front of study '{escape(study_name)}'")
    table.add_column("#", justify="right")
    for i, d in enumerate(directions):
        table.add_column(f"value {i} ({d.value})", justify="right")
    params = list(dict.fromkeys(p for t in best for p in t.params))
    for p in params:
        table.add_column(escape(p), justify="right")
    for t in best:
        table.add_row(str(t.number), *_values(t), *(format_value(t.params.get(p)) for p in params))
    return table
