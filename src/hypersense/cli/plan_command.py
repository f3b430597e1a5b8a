"""``hypersense plan CONFIG.yaml``: the budget plan of a multi-fidelity study.

Before a run: the brackets, the rungs, how many trials reach each rung and the
most steps (epochs) the study can spend; after a run (the config's study
exists in its storage), the same table with what the trials reached and spent.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from hypersense.cli.report_command import fail
from hypersense.errors import HypersenseError

if TYPE_CHECKING:
    from hypersense.config.build import RunSpec
    from hypersense.pruners.plan import BudgetPlan
    from hypersense.trial.frozen import FrozenTrial

__all__ = ["plan", "plan_tables"]


def plan(
    config: Annotated[
        Path, typer.Argument(help="The study's YAML config file.", metavar="CONFIG.yaml")
    ],
    storage: Annotated[
        str | None,
        typer.Option(
            "--storage",
            metavar="URL",
            help="Database URL of a run to compare with (default: the config's `storage`).",
        ),
    ] = None,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print JSON (the fields of hypersense.pruners.BudgetPlan)."),
    ] = False,
) -> None:
    """Print the budget plan of a config's pruner and n_trials (and what a run spent)."""
    from hypersense.config.build import build_run
    from hypersense.config.loader import load_config
    from hypersense.pruners.plan import plan_budget

    try:
        spec = build_run(load_config(config), storage=storage)
    except HypersenseError as exc:
        fail(str(exc))
    if spec.n_trials is None:
        fail(f"{config} has no `n_trials`: a budget plan needs the number of trials")
    try:
        budget = plan_budget(spec.pruner, spec.n_trials, trials=_run_trials(spec))
    except ValueError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps(dataclasses.asdict(budget), indent=2))
    else:
        Console(highlight=False).print(plan_tables(spec.study_name, budget))


def _run_trials(spec: RunSpec) -> list[FrozenTrial] | None:
    """The trials of the config's study, or None when it has not been run."""
    from hypersense.config.storage_url import open_storage
    from hypersense.study.management import load_study

    if not isinstance(spec.storage, str):
        return None
    try:
        store = open_storage(spec.storage, must_exist=True, read_only=True)
    except HypersenseError:
        return None
    try:
        return load_study(spec.study_name, store, heartbeat_interval_s=None).trials
    except HypersenseError:
        return None
    finally:
        store.close()


def plan_tables(study_name: str, budget: BudgetPlan) -> Group:
    """The plan as a rich table (one row per rung of each bracket) and its totals."""
    ran = budget.trials_run is not None
    table = Table(title=f"Budget plan of study '{study_name}'")
    for name in ("bracket", "trials", "step", "nominal", "at least", "at most"):
        table.add_column(name, justify="right")
    if ran:
        table.add_column("reached", justify="right", style="bold")
    for b in budget.brackets:
        trials = f"{b.n_trials}" + (f" ({b.trials_run} run)" if ran else "")
        for i, row in enumerate(b.rows):
            step = f"{row.step} (full)" if row.is_full else str(row.step)
            cells = [str(b.bracket) if i == 0 else "", trials if i == 0 else "", step]
            cells += [str(row.nominal), str(row.at_least), str(row.at_most)]
            if ran:
                cells.append(str(row.reached))
            table.add_row(*cells, end_section=i == len(b.rows) - 1)
    lines = [
        f"{budget.n_trials} trials of at most {budget.max_resource} steps "
        f"(eta = {budget.reduction_factor}), {budget.pruner}",
        f"steps (epochs): at most {budget.steps_at_most} (no pruning at all), nominal "
        f"{budget.steps_nominal}, at least {budget.steps_at_least}",
    ]
    if ran:
        saved = budget.steps_at_most - (budget.steps_spent or 0)
        lines.append(
            f"spent: {budget.steps_spent} steps by {budget.trials_run} trials "
            f"({saved} fewer than without pruning)"
        )
    return Group(table, *(Text(line) for line in lines))
