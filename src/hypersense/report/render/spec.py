"""Plotly figure specifications as plain JSON-ready dicts.

A renderer returns ``{"data": [...traces], "layout": {...}}``: exactly what
plotly.js's ``Plotly.newPlot`` takes. Building dicts instead of
``plotly.graph_objects`` keeps rendering cheap for large studies and free of
the plotly Python package, which only static export needs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = [
    "BEST_COLOR",
    "COMPLETE_COLOR",
    "FigureSpec",
    "PRUNED_COLOR",
    "STATE_COLORS",
    "axis_type",
    "figure",
    "finite_or_none",
    "palette",
]

#: A plotly figure: ``{"data": [...], "layout": {...}}``.
FigureSpec = dict[str, Any]

COMPLETE_COLOR = "#1f77b4"
BEST_COLOR = "#d62728"
PRUNED_COLOR = "#b0b0b0"
STATE_COLORS = {
    "COMPLETE": COMPLETE_COLOR,
    "PRUNED": "#ff7f0e",
    "FAIL": BEST_COLOR,
    "RUNNING": "#17becf",
    "WAITING": "#7f7f7f",
}
_PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
)


def palette(i: int) -> str:
    """The ``i``-th colour of the qualitative palette (cycling)."""
    return _PALETTE[i % len(_PALETTE)]


def axis_type(kind: str) -> str:
    """Plotly's axis ``type`` for an axis kind of the data classes."""
    return {"log": "log", "categorical": "category"}.get(kind, "linear")


def finite_or_none(values: Iterable[float]) -> list[float | None]:
    """``values`` with NaN and infinities as None (drawn as gaps)."""
    return [v if math.isfinite(v) else None for v in values]


def figure(
    traces: Sequence[dict[str, Any]],
    *,
    title: str,
    x_title: str = "",
    y_title: str = "",
    height: int = 420,
    **layout: Any,
) -> FigureSpec:
    """A figure with hypersense's common layout; ``layout`` entries win."""
    base: dict[str, Any] = {
        "title": {"text": title, "x": 0.01, "xanchor": "left"},
        "height": height,
        "margin": {"l": 70, "r": 30, "t": 60, "b": 60},
        "hovermode": "closest",
        "legend": {"orientation": "h", "y": -0.18},
        "paper_bgcolor": "white",
        "plot_bgcolor": "#fafafa",
        "font": {"family": "Helvetica, Arial, sans-serif", "size": 12},
    }
    if x_title:
        base["xaxis"] = {"title": {"text": x_title}}
    if y_title:
        base["yaxis"] = {"title": {"text": y_title}}
    for key, value in layout.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = {**base[key], **value}
        else:
            base[key] = value
    return {"data": list(traces), "layout": base}
