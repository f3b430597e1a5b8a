"""``hypersense demo``: tune a small CNN, then show what mattered and what to try next.

The study and what follows the search live in :mod:`hypersense.cli.demo`, the
closing lines in :mod:`hypersense.cli.demo_summary`; both load when the command
runs, so the other commands start without PyTorch, pydantic or the analysis.
"""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from hypersense.config.storage_url import DEFAULT_STORAGE, display_url, open_storage
from hypersense.errors import StudyNotFoundError
from hypersense.study.management import delete_study

__all__ = ["demo"]


def _delete_earlier_demo(storage: str, names: tuple[str, ...]) -> None:
    store = open_storage(storage)
    try:
        for name in names:
            with suppress(StudyNotFoundError):
                delete_study(name, store)
    finally:
        store.close()


def demo(
    storage: Annotated[
        str, typer.Option("--storage", metavar="URL", help="Database URL holding the studies.")
    ] = DEFAULT_STORAGE,
    n_trials: Annotated[int, typer.Option(min=1, help="Trials to run.")] = 80,
    n_jobs: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 2,
    seed: Annotated[
        int, typer.Option(min=0, help="Seed of the sampler, the re-runs and the analysis.")
    ] = 0,
    max_epochs: Annotated[int, typer.Option(min=1, help="Epochs per training run.")] = 10,
    n_repeats: Annotated[
        int, typer.Option(min=2, help="Re-runs of the best configuration with other seeds.")
    ] = 4,
    report_path: Annotated[
        Path,
        typer.Option("--report", metavar="FILE.html", help="Where to write the HTML report."),
    ] = Path("demo-torch-digits-cnn.html"),
    fresh: Annotated[bool, typer.Option(help="Delete an earlier demo study first.")] = False,
) -> None:
    """Tune a PyTorch CNN on the digits and show what mattered (a few minutes on two cores)."""
    from hypersense.cli.app import (
        EXIT_USAGE,
        _fail,
        _print_result,
        _reporting_errors,
        _run_study,
    )
    from hypersense.cli.demo import (
        DEMO_MAX_EPOCHS,
        DEMO_STUDY_NAME,
        demo_config,
        earlier_demo_differs,
        run_demo_follow_up,
    )
    from hypersense.cli.demo_summary import summary_lines

    if fresh:
        with _reporting_errors():
            _delete_earlier_demo(storage, (DEMO_STUDY_NAME, f"{DEMO_STUDY_NAME}:reeval"))
    with _reporting_errors():
        config = demo_config(n_trials=n_trials, n_jobs=n_jobs, seed=seed, max_epochs=max_epochs)
        if earlier_demo_differs(config, storage):
            _fail(
                f"{display_url(storage)} holds a demo study '{DEMO_STUDY_NAME}' searched over "
                "another space (an earlier version's demo); run `hypersense demo --fresh` to "
                "replace it, or give another --storage",
                EXIT_USAGE,
            )
    status = _run_study(config, storage)
    _print_result(status)
    out = Console(highlight=False)
    with _reporting_errors():
        findings = run_demo_follow_up(
            status,
            storage,
            report_path=report_path,
            n_seeds=n_repeats,
            n_jobs=n_jobs,
            seed=seed,
            say=lambda line: out.print(Text(line, style="dim"), soft_wrap=True),
        )
    out.print()
    kept = "" if max_epochs == DEMO_MAX_EPOCHS else f" --max-epochs {max_epochs}"
    for line in summary_lines(findings, storage=storage, demo_options=kept):
        out.print(Text(line), soft_wrap=True)
