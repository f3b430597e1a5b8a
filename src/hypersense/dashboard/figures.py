"""The report's figures for the dashboard, cached per study version.

The dashboard draws no figure of its own: each is the report's data
(:mod:`hypersense.report.data`) rendered by the report's renderer
(:mod:`hypersense.report.render`), serialised like the HTML report's
(:func:`hypersense.report.html.spec_json`). Large studies get the thinned
figures the data builders offer (:data:`LIMITS`); a study within those limits
gets exactly the report's figure. A figure is built once per study version and
named by the hash of its JSON, its ETag, so a page redraws only what changed.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from hypersense.report import data as d
from hypersense.report.figures import figure_kind
from hypersense.report.html import spec_json

__all__ = ["FIGURE_NAMES", "LIMITS", "FigureCache", "FigureJSON", "build_figure", "page_figures"]

#: Figures the study page shows, in page order.
FIGURE_NAMES = ("history", "pareto", "parallel_coordinates", "learning_curves", "importance")

#: Most points each thinned figure draws (the learning curves' limits are the
#: report's own defaults).
LIMITS: Mapping[str, int] = {
    "history": 2000,
    "pareto": 2000,
    "parallel_coordinates": 1000,
    "curves": 200,
    "curve_points": 100,
}


def page_figures(n_objectives: int) -> tuple[str, ...]:
    """The figures a study page shows, in page order: the history of one
    objective or the Pareto front of several, then the rest."""
    first = "pareto" if n_objectives > 1 else "history"
    return (first, "parallel_coordinates", "learning_curves", "importance")


def build_figure(
    name: str, snap: d.StudySnapshot, importance: d.ImportanceData | None
) -> dict[str, Any] | None:
    """The spec of figure ``name`` of ``snap`` (None when it has no data yet).

    Raises:
        ValueError: For a figure the dashboard does not show.
    """
    builders: dict[str, Callable[[], Any]] = {
        "history": lambda: (
            None
            if snap.is_multi_objective
            else d.build_history_data(snap, max_points=LIMITS["history"])
        ),
        "pareto": lambda: d.build_pareto_data(snap, max_points=LIMITS["pareto"]),
        "parallel_coordinates": lambda: d.build_parallel_coordinates_data(
            snap, max_lines=LIMITS["parallel_coordinates"]
        ),
        "learning_curves": lambda: d.build_learning_curves_data(
            snap, max_curves=LIMITS["curves"], max_points=LIMITS["curve_points"]
        ),
        "importance": lambda: importance,
    }
    if name not in builders:
        raise ValueError(f"unknown dashboard figure {name!r}; known: {', '.join(FIGURE_NAMES)}")
    data = builders[name]()
    return None if data is None else figure_kind(name).render(data)


@dataclass(frozen=True)
class FigureJSON:
    """A figure as sent: its JSON body and ETag (``"none"`` when it has no data)."""

    body: bytes
    etag: str


def as_json(spec: dict[str, Any] | None) -> FigureJSON:
    """``spec`` serialised like the HTML report's, with its ETag."""
    text = spec_json({"figure": spec})
    body = text.encode()
    return FigureJSON(body, hashlib.sha256(body).hexdigest()[:32])


class FigureCache:
    """The last built JSON of each figure of one study, by the version it was built for."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._built: dict[str, tuple[Any, FigureJSON]] = {}

    def get(self, name: str, key: Any, build: Callable[[], dict[str, Any] | None]) -> FigureJSON:
        """Figure ``name`` for ``key`` (a version), built by ``build`` when not cached."""
        with self._lock:
            found = self._built.get(name)
        if found is not None and found[0] == key:
            return found[1]
        made = as_json(build())
        with self._lock:
            self._built[name] = (key, made)
        return made
