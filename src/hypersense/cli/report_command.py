"""``hypersense report NAME -o report.html``: the study's self-contained HTML report.

Also holds what the three report commands (``report``, ``plot``, ``show``)
share: reading a study into a :class:`~hypersense.report.Report` and failing
with hypersense's exit codes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.text import Text

from hypersense.config.storage_url import DEFAULT_STORAGE, open_storage
from hypersense.errors import HypersenseError

if TYPE_CHECKING:
    from hypersense.report.build import Report

__all__ = ["fail", "load_report", "report"]


def fail(message: str, code: int | None = None) -> NoReturn:
    """Print ``message`` in red on stderr and exit with ``code`` (default: usage error)."""
    from hypersense.cli.app import EXIT_USAGE

    Console(stderr=True, highlight=False).print(
        Text(f"error: {message}", style="red"), soft_wrap=True
    )
    raise typer.Exit(EXIT_USAGE if code is None else code)


def load_report(name: str, storage: str, **options: Any) -> Report:
    """Read study ``name`` (and its companion studies) and build its report data;
    hypersense's errors (unknown study, bad URL, bad option) exit with code 2."""
    from hypersense.report.build import build_report
    from hypersense.study.management import load_study

    try:
        store = open_storage(storage, must_exist=True, read_only=True)
        try:
            study = load_study(name, store, heartbeat_interval_s=None)
            return build_report(study, **options)
        finally:
            store.close()
    except (HypersenseError, ValueError, TypeError) as exc:
        fail(str(exc))


def report(
    name: Annotated[str, typer.Argument(help="The study's name.", metavar="NAME")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="HTML file to write.", metavar="FILE.html")
    ] = Path("report.html"),
    storage: Annotated[
        str, typer.Option("--storage", metavar="URL", help="Database URL holding the studies.")
    ] = DEFAULT_STORAGE,
    max_curves: Annotated[
        int, typer.Option(min=5, help="Most learning curves drawn (all enter the band).")
    ] = 200,
    analysis: Annotated[
        str,
        typer.Option(
            help="Analysis the report computes: full (importance, marginals, interactions), "
            "importance, or none.",
            metavar="full|importance|none",
        ),
    ] = "full",
) -> None:
    """Write one self-contained HTML report of a study (works offline)."""
    from hypersense._optional import require_optional
    from hypersense.report.html import write_html

    if analysis not in ("full", "importance", "none"):
        fail(f"--analysis must be full, importance or none (got {analysis!r})")
    try:  # before reading the study and computing its analysis, which take seconds
        require_optional("plotly", extra="plot", purpose="the HTML report")
    except HypersenseError as exc:
        fail(str(exc))
    built = load_report(name, storage, max_curves=max_curves, analysis=analysis)
    try:
        path = write_html(built, output)
    except HypersenseError as exc:  # the plot extra is missing
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot write {str(output)!r}: {exc.strerror}")
    size_mb = path.stat().st_size / 1e6
    shown = ", ".join(built.available()) or "no figure yet"
    typer.echo(f"wrote the report of study {name!r} to {path} ({size_mb:.1f} MB; {shown})")
