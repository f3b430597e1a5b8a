"""Reports of a study: one self-contained HTML page, static figures, terminal data.

- :func:`write_report` / ``hypersense report NAME -o report.html``: every
  figure in one HTML file that works offline (plotly.js inlined).
- :func:`write_figure` / ``hypersense plot NAME FIGURE -o fig.png``: one
  figure as PNG, SVG or PDF for papers.
- :func:`build_report`: the figures' data (frozen dataclasses of
  :mod:`hypersense.report.data`), which the terminal summary of
  ``hypersense show`` also reads.

Each figure appears once its data exists; a study with one trial, no
intermediate values or no analysis gives a report with what it has, and says
what is missing and how to get it. Plotting needs the ``plot`` extra; building
the data does not.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from hypersense.report.build import Report, build_report
from hypersense.report.figures import FIGURES, SECTIONS, FigureKind, figure_kind
from hypersense.report.static import write_figure

if TYPE_CHECKING:
    from hypersense.report.data import StudySnapshot
    from hypersense.study.study import Study

__all__ = [
    "FIGURES",
    "SECTIONS",
    "FigureKind",
    "Report",
    "build_report",
    "figure_kind",
    "write_figure",
    "write_report",
]


def write_report(study: Study | StudySnapshot, path: str | Path, **options: Any) -> Path:
    """Write the HTML report of ``study`` to ``path`` and return the path.

    Args:
        study: The study (or a snapshot of it).
        path: The HTML file to write.
        **options: Passed to :func:`build_report` (analysis results to show,
            learning-curve limits).
    """
    from hypersense.report.html import write_html

    return write_html(build_report(study, **options), path)
