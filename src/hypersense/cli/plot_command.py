"""``hypersense plot NAME FIGURE -o fig.png``: one figure of the report as an image."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hypersense.cli.report_command import fail, load_report
from hypersense.config.storage_url import DEFAULT_STORAGE
from hypersense.errors import HypersenseError

__all__ = ["plot"]


def plot(
    name: Annotated[str, typer.Argument(help="The study's name.", metavar="NAME")],
    figure: Annotated[
        str,
        typer.Argument(
            help="The figure: history, pareto, parallel_coordinates, state_counts, timeline, "
            "importance, marginals, interactions, learning_curves, lr_range_test (lr-range), "
            "lr_schedule, lr_batch_size, weight_distribution, param_count, tornado, noise, "
            "reevaluation.",
            metavar="FIGURE",
        ),
    ],
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="Image file: .png, .svg or .pdf.", metavar="FILE"),
    ],
    storage: Annotated[
        str, typer.Option("--storage", metavar="URL", help="Database URL holding the studies.")
    ] = DEFAULT_STORAGE,
    width: Annotated[int, typer.Option(min=100, help="Width in pixels.")] = 900,
    height: Annotated[
        int | None, typer.Option(min=100, help="Height in pixels (default: the figure's).")
    ] = None,
    scale: Annotated[float, typer.Option(min=0.1, help="Pixel density of PNG output.")] = 2.0,
) -> None:
    """Write one figure of a study's report as PNG, SVG or PDF (for papers)."""
    from hypersense.report.figures import figure_kind
    from hypersense.report.static import require_static_export, write_figure

    try:
        figure = figure_kind(figure).name
        # Before reading the study and computing its analysis, which take seconds.
        require_static_export()
    except (HypersenseError, ValueError) as exc:
        fail(str(exc))
    built = load_report(name, storage)
    if figure not in built.available():
        from hypersense.cli.app import EXIT_STOPPED

        available = ", ".join(built.available()) or "none"
        fail(
            f"study {name!r} has no data for figure {figure!r}: {built.why_missing(figure)} "
            f"(figures with data: {available})",
            EXIT_STOPPED,
        )
    try:
        path = write_figure(built, figure, output, width=width, height=height, scale=scale)
    except (HypersenseError, ValueError) as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot write {str(output)!r}: {exc.strerror}")
    typer.echo(f"wrote figure {figure!r} of study {name!r} to {path}")
