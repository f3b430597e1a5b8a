"""``hypersense import-optuna`` and ``export-optuna``: Optuna studies in and out."""

from __future__ import annotations

from typing import Annotated

import typer

from hypersense.cli.report_command import fail
from hypersense.config.storage_url import DEFAULT_STORAGE, display_url, open_storage
from hypersense.errors import HypersenseError

__all__ = ["export_optuna", "import_optuna"]


def import_optuna(
    source: Annotated[
        str,
        typer.Option(
            "--from",
            metavar="URL",
            help="The Optuna storage: a URL (sqlite:///optuna.db) or a journal file's path.",
        ),
    ],
    study: Annotated[
        str | None, typer.Option("--study", metavar="NAME", help="The study to import.")
    ] = None,
    import_all: Annotated[bool, typer.Option("--all", help="Import every study.")] = False,
    storage: Annotated[
        str, typer.Option("--storage", metavar="URL", help="hypersense's database URL.")
    ] = DEFAULT_STORAGE,
) -> None:
    """Import Optuna studies (again: only new trials) so analyze, report and show work on them."""
    from hypersense.integrations.optuna import import_study

    if (study is None) == (not import_all):
        fail("give --study NAME or --all (one of them)")
    try:
        store = open_storage(storage)
        try:
            reports = import_study(source, study_name=study, to_storage=store)
        finally:
            store.close()
    except (HypersenseError, ValueError, KeyError, OSError) as exc:
        fail(str(exc))
    for r in reports:
        typer.echo(
            f"study {r.study_name!r}: {r.n_added} trial(s) imported into {display_url(storage)}"
            f" ({r.n_already} already there, {r.n_unfinished} unfinished left out)"
        )


def export_optuna(
    name: Annotated[str, typer.Argument(help="The study's name.", metavar="NAME")],
    target: Annotated[
        str,
        typer.Option(
            "--to", metavar="URL", help="The Optuna storage to write to: a URL or a journal file."
        ),
    ],
    storage: Annotated[
        str, typer.Option("--storage", metavar="URL", help="hypersense's database URL.")
    ] = DEFAULT_STORAGE,
) -> None:
    """Write a study's finished trials into a new Optuna study."""
    from hypersense.integrations.optuna import export_study

    try:
        store = open_storage(storage, must_exist=True, read_only=True)
        try:
            n = export_study(name, from_storage=store, to_storage=target)
        finally:
            store.close()
    except (HypersenseError, ValueError, KeyError) as exc:
        fail(str(exc))
    typer.echo(f"exported {n} trial(s) of study {name!r} to {target}")
