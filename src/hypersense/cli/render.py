"""Rich tables for the read commands (the JSON twins are in ``records``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.markup import escape
from rich.table import Table

from hypersense.direction import StudyDirection
from hypersense.trial.frozen import FrozenTrial
from hypersense.trial.state import TrialState

__all__ = ["best_table", "format_value", "params_table", "studies_table", "trials_table"]

_STATE_STYLE = {
    TrialState.COMPLETE: "green",
    TrialState.PRUNED: "yellow",
    TrialState.FAIL: "red",
    TrialState.RUNNING: "cyan",
    TrialState.WAITING: "dim",
}


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


def trials_table(
    study_name: str, directions: Sequence[StudyDirection], trials: Sequence[FrozenTrial]
) -> Table:
    """Every trial: number, state, value(s), duration, parameters, why it failed."""
    table = Table(title=f"Trials of study '{escape(study_name)}'")
    table.add_column("#", justify="right")
    table.add_column("state")
    names = ["value"] if len(directions) == 1 else [f"value {i}" for i in range(len(directions))]
    for name in names:
        table.add_column(name, justify="right")
    table.add_column("duration s", justify="right")
    params = list(dict.fromkeys(p for t in trials for p in t.params))
    for p in params:
        table.add_column(escape(p), justify="right")
    table.add_column("note", overflow="fold")
    for t in trials:
        values = _values(t)
        values += ["-"] * (len(names) - len(values))
        table.add_row(
            str(t.number),
            f"[{_STATE_STYLE[t.state]}]{t.state.name}[/]",
            *values,
            "-" if t.duration_s is None else f"{t.duration_s:.2f}",
            *(format_value(t.params.get(p)) for p in params),
            escape(t.fail_reason or ""),
        )
    return table


def params_table(trial: FrozenTrial, metric: str = "value") -> Table:
    """One trial's value(s), parameters and user attributes, one per row."""
    table = Table(title=f"Trial {trial.number}", show_header=False)
    table.add_column("name", style="bold")
    table.add_column("value")
    for i, v in enumerate(_values(trial)):
        table.add_row(metric if len(_values(trial)) == 1 else f"{metric} {i}", v)
    for name, value in trial.params.items():
        table.add_row(escape(name), format_value(value))
    for key, value in trial.user_attrs.items():
        table.add_row(f"user attr {escape(key)}", _summary(value))
    return table


def _summary(value: Any, max_items: int = 6) -> str:
    """A short cell for an attribute: long lists (training curves) and mappings
    (recipes) are summarised instead of printed in full."""
    if isinstance(value, (list, tuple)) and len(value) > max_items:
        numbers = [v for v in value if isinstance(v, (int, float)) and not isinstance(v, bool)]
        if len(numbers) == len(value):
            return (
                f"[{len(value)} values: {format_value(value[0])} … "
                f"{format_value(value[-1])}, min {format_value(min(numbers))}, "
                f"max {format_value(max(numbers))}]"
            )
        return f"[{len(value)} values]"
    if isinstance(value, dict) and len(value) > max_items:
        return "{" + ", ".join(escape(str(k)) for k in list(value)[:max_items]) + ", …}"
    return format_value(value)


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
