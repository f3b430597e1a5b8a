"""``hypersense show NAME``: a terminal summary of a study in rich tables.

The tables read the same data classes as the HTML report (state counts,
pruning savings, the best trial, importance or local sensitivity, noise floor
and winner's curse), so both always agree. Needs no plotting package.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console, Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from hypersense.cli.report_command import load_report
from hypersense.config.storage_url import DEFAULT_STORAGE

if TYPE_CHECKING:
    from hypersense.report.build import Report
    from hypersense.report.data import Estimate, ImportanceData, TornadoData

__all__ = ["show", "summary_tables"]


def _num(value: float | None, spec: str = ".6g") -> str:
    return "-" if value is None or not math.isfinite(value) else format(value, spec)


def _interval(low: float, high: float, spec: str = ".4g") -> str:
    if not (math.isfinite(low) and math.isfinite(high)):
        return "-"
    return f"[{format(low, spec)}, {format(high, spec)}]"


def _states_table(report: Report) -> Table:
    table = Table(title=f"Study '{escape(report.overview.study_name)}'", show_header=False)
    table.add_column("what", style="bold")
    table.add_column("value")
    o = report.overview
    objectives = zip(o.objective_names, o.directions, strict=True)
    table.add_row("objectives", escape(", ".join(f"{n} ({d})" for n, d in objectives)))
    states = report.figures.get("state_counts")
    if states is not None:
        table.add_row("trials", ", ".join(f"{n} {s.name.lower()}" for s, n in states.counts if n))
    else:
        table.add_row("trials", "none yet")
    p = report.pruning
    if p is not None:
        saved = p.steps_without_pruning - p.steps_run
        table.add_row(
            "pruning savings",
            f"{saved:.0f} steps (epochs) saved, {p.fraction_saved:.0%}: {p.steps_run} run "
            f"instead of about {p.steps_without_pruning:.0f} ({p.n_pruned} trials pruned)",
        )
    return table


def _best_table(report: Report) -> Table | None:
    o = report.overview
    if not o.best:
        return None
    if len(o.best) > 1:
        table = Table(title=f"Pareto front ({len(o.best)} trials)")
        table.add_column("#", justify="right")
        for n in o.objective_names:
            table.add_column(escape(n), justify="right")
        for b in o.best:
            table.add_row(str(b.number), *(_num(v) for v in b.values))
        return table
    best = o.best[0]
    table = Table(title=f"Best trial: {best.number}", show_header=False)
    table.add_column("name", style="bold")
    table.add_column("value")
    for n, v in zip(o.objective_names, best.values, strict=False):
        table.add_row(escape(n), _num(v))
    for param, text in best.params:
        table.add_row(escape(param), escape(text))
    return table


def _importance_table(data: ImportanceData, top: int) -> Table:
    conf = f", {data.confidence:.0%} interval" if data.confidence is not None else ""
    fit = f" (cross-validated R² {data.r2:.2f})" if data.r2 is not None else ""
    pruned = (
        f"; {data.n_pruned_left_out} pruned trials left out: smaller budget"
        if data.n_pruned_left_out
        else ""
    )
    table = Table(title=f"Top importances: {escape(data.method)}{fit}{conf}{pruned}")
    for col in ("parameter", "importance", "interval", "above noise"):
        table.add_column(col, justify="left" if col == "parameter" else "right")
    above = set(data.above_noise())
    for p in data.parameters[:top]:
        flag = "-" if data.noise_floor is None else ("yes" if p.name in above else "no")
        # Two digits: importances are estimates with intervals, not exact numbers.
        table.add_row(
            escape(p.name), _num(p.importance, ".2g"), _interval(p.low, p.high, ".2g"), flag
        )
    return table


def _importance_notes(data: ImportanceData) -> list[Text]:
    """The surrogate's reason and the analysis' caveats (a weak fit), as ``analyze`` says them."""
    lines = []
    if data.surrogate_reason:
        lines.append(Text(f"surrogate: {data.surrogate_reason}", style="dim"))
    lines += [Text(f"note: {note}", style="yellow") for note in data.notes]
    return lines


def _tornado_table(data: TornadoData, top: int) -> Table:
    table = Table(title="Local sensitivity around the best configuration (range of sweep means)")
    for col in ("parameter", "range", "interval", "F-test p"):
        table.add_column(col, justify="left" if col == "parameter" else "right")
    for b in data.bars[:top]:
        table.add_row(
            escape(b.parameter),
            _num(b.range),
            _interval(b.range_low, b.range_high),
            _num(b.p_value),
        )
    return table


def _estimate(e: Estimate) -> str:
    return f"{_num(e.estimate)} {_interval(e.low, e.high)}"


def _robustness_table(report: Report) -> Table | None:
    rows = []
    if report.noise is not None:
        rows.append(("noise floor (seed sd)", _estimate(report.noise.noise_floor)))
    curse = None if report.reevaluation is None else report.reevaluation.winners_curse
    if curse is not None:
        rows.append(("winner's curse (optimism of the best)", _estimate(curse)))
    if not rows:
        return None
    table = Table(title="Noise and re-evaluation", show_header=False)
    table.add_column("what", style="bold")
    table.add_column("value")
    for row in rows:
        table.add_row(*row)
    return table


def summary_tables(report: Report, *, top: int = 10) -> Group:
    """Every table of ``hypersense show``, in order, skipping those without data."""
    parts: list[Table | Text] = [_states_table(report)]
    best = _best_table(report)
    if best is not None:
        parts.append(best)
    importance = report.figures.get("importance")
    tornado = report.figures.get("tornado")
    if importance is not None:
        parts.append(_importance_table(importance, top))
        parts.extend(_importance_notes(importance))
    elif tornado is not None:
        parts.append(_tornado_table(tornado, top))
    robustness = _robustness_table(report)
    if robustness is not None:
        parts.append(robustness)
    return Group(*parts)


def show(
    name: Annotated[str, typer.Argument(help="The study's name.", metavar="NAME")],
    storage: Annotated[
        str, typer.Option("--storage", metavar="URL", help="Database URL holding the studies.")
    ] = DEFAULT_STORAGE,
    top: Annotated[int, typer.Option(min=1, help="Parameters listed by importance.")] = 10,
    analysis: Annotated[
        bool,
        typer.Option(
            "--analysis/--no-analysis",
            help="Compute the top importances (studies with 20+ complete trials; takes seconds).",
        ),
    ] = True,
) -> None:
    """Summarise a study: states, pruning savings, best trial, what matters, noise."""
    level = "importance" if analysis else "none"
    built = load_report(name, storage, max_curves=5, max_points=2, analysis=level)
    Console(highlight=False).print(summary_tables(built, top=top))
