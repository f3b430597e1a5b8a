"""The ``hypersense`` command: run studies from config files and look at them.

Exit codes: 0 success; 1 a run stopped on an exception from a trial, or there
is nothing to show (no COMPLETE trial); 2 bad input (config error, unknown
study, bad storage URL, wrong option); 130 interrupted by Ctrl-C; 143
terminated by SIGTERM (which a run handles like Ctrl-C).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.text import Text

from hypersense._version import __version__
from hypersense.cli.analyze_command import analyze
from hypersense.cli.dashboard_command import dashboard
from hypersense.cli.demo_command import demo
from hypersense.cli.export import write_trials_csv
from hypersense.cli.help_format import HelpfulGroup
from hypersense.cli.lr_command import lr_find
from hypersense.cli.optuna_commands import export_optuna, import_optuna
from hypersense.cli.plan_command import plan
from hypersense.cli.plot_command import plot
from hypersense.cli.records import best_record, study_record, trials_record
from hypersense.cli.render import best_table, params_table, studies_table
from hypersense.cli.report_command import report
from hypersense.cli.show_command import show
from hypersense.config.storage_url import DEFAULT_STORAGE, display_url, open_storage
from hypersense.errors import HypersenseError, Terminated
from hypersense.storage.base import Storage, StudySummary
from hypersense.study.management import delete_study, get_all_study_summaries, load_study

if TYPE_CHECKING:
    # Loading and running configs needs pydantic and YAML; only `run` and
    # `demo` import them, so the read commands start faster.
    from hypersense.config.run import RunStatus
    from hypersense.config.schema import StudyConfig

__all__ = ["EXIT_INTERRUPTED", "EXIT_STOPPED", "EXIT_TERMINATED", "EXIT_USAGE", "app", "main"]

EXIT_STOPPED = 1  #: a run stopped on a trial's exception, or nothing to show
EXIT_USAGE = 2  #: bad input: config, study name, storage URL, options
EXIT_INTERRUPTED = 130  #: Ctrl-C (128 + SIGINT), as shells report it
EXIT_TERMINATED = 143  #: SIGTERM (128 + SIGTERM), e.g. from Slurm, systemd, Docker

app = typer.Typer(
    name="hypersense",
    help="Tune hyperparameters and learn which of them matter.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=HelpfulGroup,  # flags without a type, arguments without braces
)

StorageOption = Annotated[
    str, typer.Option("--storage", metavar="URL", help="Database URL holding the studies.")
]
JsonOption = Annotated[
    bool,
    typer.Option("--json", help="Print JSON (keys documented in hypersense.cli.records)."),
]
StudyName = Annotated[str, typer.Argument(help="The study's name.", metavar="NAME")]


# ---------------------------------------------------------------- plumbing
def _stdout() -> Console:
    return Console(highlight=False)


def _fail(message: str, code: int) -> NoReturn:
    """Print ``message`` in red on stderr (no traceback) and exit with ``code``."""
    console = Console(stderr=True, highlight=False)
    first, *rest = message.splitlines() or [""]
    console.print(Text(f"error: {first}", style="red"), soft_wrap=True)
    for line in rest:
        console.print(Text(f"       {line}", style="red"), soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def _reporting_errors() -> Iterator[None]:
    """Turn hypersense's errors (config, unknown study, storage) into exit code 2."""
    try:
        yield
    except HypersenseError as exc:
        _fail(str(exc), EXIT_USAGE)


@contextmanager
def _existing_storage(url: str, *, read_only: bool = True) -> Iterator[Storage]:
    """The storage at ``url`` for a command that looks at studies: never a new
    SQLite file, and opened read-only unless the command changes a study."""
    store = open_storage(url, must_exist=True, read_only=read_only)
    try:
        yield store
    finally:
        store.close()


def _echo_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, allow_nan=False))


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"hypersense {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version_callback, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    """Tune hyperparameters and learn which of them matter."""


# ---------------------------------------------------------------- running
def _runs_inline(config: StudyConfig) -> bool:
    """Whether trials run in this process (so no worker is forked while the
    progress bar's thread could hold the console's lock)."""
    if config.executor is None:
        return config.n_jobs == 1
    return config.executor.name.strip().lower() == "inline"


def _run_study(
    config: StudyConfig,
    storage: str | None,
    *,
    allow_space_change: bool = False,
    overrides: str = "",
) -> RunStatus:
    """Run ``config`` with a progress view; handle Ctrl-C, SIGTERM and stopping errors."""
    from hypersense.cli.progress import ProgressView
    from hypersense.config.run import run_config

    out = _stdout()
    url = storage or config.storage or DEFAULT_STORAGE
    view = ProgressView(
        out,
        storage=display_url(url),
        live=out.is_terminal,
        auto_refresh=_runs_inline(config),
        overrides=overrides,
    )
    try:
        with _reporting_errors(), view:
            return run_config(
                config,
                storage=storage,
                progress=view.update,
                allow_space_change=allow_space_change,
            )
    except KeyboardInterrupt:
        _report_interrupt(view.last, "interrupted")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except Terminated as exc:
        _report_interrupt(view.last, str(exc))
        raise typer.Exit(EXIT_TERMINATED) from None
    except typer.Exit:
        raise
    except Exception as exc:  # noqa: BLE001 - a trial's exception stopped the run; it is stored
        _fail(
            f"the run stopped on {type(exc).__name__}: {exc} (finished trials are kept; "
            "list the exception under `catch` to let a study go on past it)",
            EXIT_STOPPED,
        )


def _report_interrupt(last: RunStatus | None, what: str) -> None:
    """Say in yellow on stderr that the run was ``what`` ("interrupted") and what is kept."""
    console = Console(stderr=True, highlight=False)
    if last is None:
        console.print(Text(f"{what} before the study started", style="yellow"))
        return
    target = f"/{last.n_target}" if last.n_target is not None else ""
    console.print(
        Text(
            f"{what}: {last.n_done}{target} finished trials of study "
            f"'{last.study_name}' are kept (running trials were stored as FAIL, "
            "interrupted); run the same command again to resume",
            style="yellow",
        ),
        soft_wrap=True,
    )


def _print_result(status: RunStatus) -> None:
    from hypersense.cli.progress import best_text

    out = _stdout()
    target = f"/{status.n_target}" if status.n_target is not None else ""
    out.print(
        Text(
            f"study '{status.study_name}': {status.n_done}{target} trials "
            f"({status.n_new} run now); best {best_text(status)}"
        ),
        soft_wrap=True,
    )
    if not status.best_trials:
        return
    metric = status.task.metric_name if status.task is not None else "value"
    if len(status.directions) == 1:
        out.print(params_table(status.best_trials[0], metric))
    else:
        out.print(best_table(status.study_name, status.directions, status.best_trials))


@app.command()
def run(
    config: Annotated[
        Path, typer.Argument(help="The study's YAML config file.", metavar="CONFIG.yaml")
    ],
    storage: Annotated[
        str | None,
        typer.Option(
            "--storage",
            metavar="URL",
            help=f"Database URL (default: the config's `storage`, else {DEFAULT_STORAGE}).",
        ),
    ] = None,
    allow_space_change: Annotated[
        bool,
        typer.Option(
            "--allow-space-change",
            help="Continue the study even though the config's search space changed.",
        ),
    ] = False,
    n_trials: Annotated[
        int | None, typer.Option("--n-trials", min=1, help="Override the config's n_trials.")
    ] = None,
    n_jobs: Annotated[
        int | None,
        typer.Option("--n-jobs", min=-1, help="Override n_jobs (worker processes; -1: per CPU)."),
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option("--timeout", metavar="SECONDS", help="Override timeout_s."),
    ] = None,
    sampler: Annotated[
        str | None,
        typer.Option("--sampler", metavar="NAME", help="Override the sampler (e.g. random, tpe)."),
    ] = None,
    pruner: Annotated[
        str | None,
        typer.Option("--pruner", metavar="NAME", help="Override the pruner (e.g. median, none)."),
    ] = None,
    dask: Annotated[
        str | None,
        typer.Option(
            "--dask",
            metavar="ADDRESS",
            help="Run the trials on the Dask scheduler at ADDRESS (tcp://host:8786).",
        ),
    ] = None,
) -> None:
    """Run (or resume) the study a config file describes, up to its n_trials."""
    from hypersense.config.loader import load_config
    from hypersense.config.overrides import describe_overrides, with_overrides
    from hypersense.config.schema import with_dask_scheduler

    given = {
        "n_trials": n_trials,
        "n_jobs": n_jobs,
        "timeout_s": timeout,
        "sampler": sampler,
        "pruner": pruner,
    }
    with _reporting_errors():
        loaded = with_overrides(load_config(config), given)
    if dask is not None:
        loaded = with_dask_scheduler(loaded, dask)
    status = _run_study(
        loaded,
        storage,
        allow_space_change=allow_space_change,
        overrides=describe_overrides(given),
    )
    _print_result(status)


app.command()(demo)


# ---------------------------------------------------------------- reading
def _best_value(store: Storage, summary: StudySummary) -> float | None:
    if len(summary.record.directions) != 1 or not summary.n_trials:
        return None
    study = load_study(summary.record.name, store)
    try:
        return study.best_value
    except ValueError:  # no COMPLETE trial
        return None


@app.command()
def studies(storage: StorageOption = DEFAULT_STORAGE, as_json: JsonOption = False) -> None:
    """List the studies in a storage, with trial counts and best values."""
    with _reporting_errors(), _existing_storage(storage) as store:
        rows = [study_record(s, _best_value(store, s)) for s in get_all_study_summaries(store)]
    if as_json:
        _echo_json({"studies": rows})
    elif not rows:
        typer.echo(f"no studies in {display_url(storage)}")
    else:
        _stdout().print(studies_table(rows))


@app.command()
def trials(
    name: StudyName,
    storage: StorageOption = DEFAULT_STORAGE,
    as_json: JsonOption = False,
    columns: Annotated[
        str | None,
        typer.Option(
            "--columns",
            metavar="NAME,...",
            help="Parameters to show, comma-separated, in this order.",
        ),
    ] = None,
    show_all: Annotated[
        bool,
        typer.Option("--all", help="Every column, even if wider than the terminal."),
    ] = False,
) -> None:
    """List every trial of a study: state, value(s), parameters (as many as fit)."""
    from hypersense.cli.trials_table import trials_view

    with _reporting_errors(), _existing_storage(storage) as store:
        study = load_study(name, store)
        found = study.trials
    if as_json:
        _echo_json(trials_record(name, study.directions, found))
        return
    out = _stdout()
    picked = None if columns is None else [c.strip() for c in columns.split(",") if c.strip()]
    try:
        view = trials_view(
            name, study.directions, found, width=None if show_all else out.width, columns=picked
        )
    except ValueError as exc:
        _fail(str(exc), EXIT_USAGE)
    if show_all:  # as wide as it takes: the terminal wraps, nothing is cut
        out = Console(highlight=False, width=max(out.width, view.width))
    out.print(view.table)
    hidden = view.hidden_text()
    if hidden is not None:
        out.print(Text(hidden, style="dim"))


@app.command()
def best(
    name: StudyName, storage: StorageOption = DEFAULT_STORAGE, as_json: JsonOption = False
) -> None:
    """Show the best trial (or the Pareto front of a multi-objective study)."""
    with _reporting_errors(), _existing_storage(storage) as store:
        study = load_study(name, store)
        front = study.best_trials
        if not study.is_multi_objective and front:
            front = [study.best_trial]  # the earliest of tied trials
    if not front:
        _fail(f"study {name!r} has no COMPLETE trial yet", EXIT_STOPPED)
    if as_json:
        _echo_json(best_record(name, study.directions, front))
    else:
        _stdout().print(best_table(name, study.directions, front))


@app.command()
def delete(
    name: StudyName,
    storage: StorageOption = DEFAULT_STORAGE,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a study and all its trials."""
    with _reporting_errors(), _existing_storage(storage, read_only=False) as store:
        record = store.get_study(name)
        n = store.count_trials(record.study_id)
        if not yes:
            typer.confirm(
                f"Delete study {name!r} and its {n} trials from {display_url(storage)}?",
                abort=True,
            )
        delete_study(name, store)
    typer.echo(f"deleted study {name!r} ({n} trials)")


@app.command()
def export(
    name: StudyName,
    output: Annotated[
        str, typer.Option("--output", "-o", help="CSV file to write ('-' for stdout).")
    ],
    storage: StorageOption = DEFAULT_STORAGE,
) -> None:
    """Write a study's trials to a CSV file (one row per trial)."""
    with _reporting_errors(), _existing_storage(storage) as store:
        study = load_study(name, store)
        found = study.trials
    n_objectives = len(study.directions)
    if output == "-":
        write_trials_csv(found, n_objectives, sys.stdout)
        return
    try:
        with open(output, "w", encoding="utf-8", newline="") as file:
            n = write_trials_csv(found, n_objectives, file)
    except OSError as exc:
        _fail(f"cannot write {output!r}: {exc.strerror}", EXIT_USAGE)
    typer.echo(f"wrote {n} trials of study {name!r} to {output}")


# The report commands' code lives in their own modules.
app.command()(report)
app.command()(plot)
app.command()(plan)
app.command()(show)
app.command()(analyze)
app.command("import-optuna")(import_optuna)
app.command("export-optuna")(export_optuna)
app.command(name="lr-find")(lr_find)
app.command()(dashboard)


def _configure_logging() -> None:
    """Show hypersense's warnings (e.g. a worker died) on stderr, once."""
    from rich.logging import RichHandler

    logger = logging.getLogger("hypersense")
    if not logger.handlers:
        handler = RichHandler(
            console=Console(stderr=True), show_path=False, show_time=False, markup=False
        )
        handler.setLevel(logging.WARNING)
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)


def main() -> None:
    """Entry point of the ``hypersense`` console script."""
    _configure_logging()
    app()
