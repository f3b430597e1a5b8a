"""Parallel coordinates drawn as SVG lines.

Plotly's ``parcoords`` trace needs WebGL, which a browser without a GPU draws
in software: several seconds for a thousand trials, longer than the rest of a
report together. The same picture is a handful of ordinary line traces: every
axis scaled to [0, 1], each trial a polyline across the axes, trials grouped in
bands of the objective (one trace, one colour and one legend entry per band, so
a band can be hidden), the best band drawn last, on top.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from hypersense.report.data.parallel import AxisData, ParallelCoordinatesData
from hypersense.report.render.spec import FigureSpec, figure

__all__ = ["band_labels", "plain_number", "render_parallel_coordinates"]

# Viridis at eight steps, dark (best when minimising) to light.
_BAND_COLORS = (
    "#440154",
    "#46327e",
    "#365c8d",
    "#277f8e",
    "#1fa187",
    "#4ac16d",
    "#a0da39",
    "#fde725",
)
_INACTIVE_LEVEL = -0.08  # where a trial sits on the axis of a parameter it did not draw


def _scaled(axis: AxisData) -> list[float]:
    """The axis' values mapped to [0, 1]; inactive values to a level below the axis."""
    low, high = axis.low, axis.high
    span = high - low
    out = []
    for v in axis.values:
        if math.isnan(v):
            out.append(_INACTIVE_LEVEL)
        else:
            out.append(0.5 if not span > 0 else (v - low) / span)
    return out


def _tick_texts(axis: AxisData, x: float) -> tuple[list[float], list[float], list[str]]:
    """Positions and labels of an axis' ticks (its ends, or its choices)."""
    if axis.kind == "categorical":
        n = len(axis.tick_labels)
        ys = [0.5] if n == 1 else [k / (n - 1) for k in range(n)]
        labels = list(axis.tick_labels)
    else:
        ys = [0.0, 1.0]
        ends = (10.0**axis.low, 10.0**axis.high) if axis.kind == "log" else (axis.low, axis.high)
        labels = [plain_number(e) for e in ends]
    if any(math.isnan(v) for v in axis.values):
        ys.append(_INACTIVE_LEVEL)
        labels.append("inactive")
    return [x] * len(ys), ys, labels


def plain_number(value: float) -> str:
    """A tick label in plain digits, to 3 significant ones: ``0.00001``, ``0.0302``,
    ``250``; scientific notation only below 1e-6 or from 1e6 on."""
    if not math.isfinite(value) or value == 0 or not 1e-6 <= abs(value) < 1e6:
        return f"{value:.3g}"
    text = format(Decimal(f"{value:.3g}"), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _bands(values: list[float], n_bands: int) -> list[int]:
    """Band of each value by rank (0 holds the smallest values); equal values
    always share a band, so no two bands cover the same value."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    band = [0] * len(values)
    previous: float | None = None
    for rank, i in enumerate(order):
        if previous is not None and values[i] == previous:
            band[i] = band[order[rank - 1]]
        else:
            band[i] = min(rank * n_bands // max(len(values), 1), n_bands - 1)
        previous = values[i]
    return band


def band_labels(ranges: list[tuple[float, float]]) -> list[str]:
    """Legend labels of bands covering ``ranges`` (``(low, high)`` each, disjoint):
    one value as itself, a range as ``low to high``, with the fewest significant
    digits (3 to 10) that write every distinct end differently, so no two
    labels read alike and no range collapses to one number."""
    ends = sorted({v for pair in ranges for v in pair})
    for digits in range(3, 11):
        if len({f"{v:.{digits}g}" for v in ends}) == len(ends):
            break

    def label(lo: float, hi: float) -> str:
        a, b = f"{lo:.{digits}g}", f"{hi:.{digits}g}"
        return a if lo == hi else f"{a} to {b}"

    return [label(lo, hi) for lo, hi in ranges]


def render_parallel_coordinates(data: ParallelCoordinatesData) -> FigureSpec:
    """Lines through parameter axes, in bands of the objective (darker is better)."""
    axes = [*data.axes, data.objective]
    columns = [_scaled(a) for a in axes]
    objective = list(data.objective.values)
    n_bands = max(1, min(len(_BAND_COLORS), len(objective)))
    band = _bands(objective, n_bands)
    xs = list(range(len(axes)))
    traces: list[dict[str, Any]] = []
    # Best band last, so it is drawn on top.
    ranked = range(n_bands - 1, -1, -1) if data.objective_is_minimized else range(n_bands)
    groups = {b: [i for i in range(len(objective)) if band[i] == b] for b in ranked}
    groups = {b: members for b, members in groups.items() if members}
    names = band_labels(
        [(min(objective[i] for i in m), max(objective[i] for i in m)) for m in groups.values()]
    )
    for (b, members), name in zip(groups.items(), names, strict=True):
        x: list[float | None] = []
        y: list[float | None] = []
        text: list[str | None] = []
        for i in members:
            label = f"trial {data.numbers[i]}: {data.objective.name} = {objective[i]:.6g}"
            x.extend([*xs, None])
            y.extend([*(col[i] for col in columns), None])
            text.extend([*([label] * len(xs)), None])
        quality = b if data.objective_is_minimized else n_bands - 1 - b
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": x,
                "y": y,
                "text": text,
                "hoverinfo": "text",
                "name": name,
                "line": {
                    "color": _BAND_COLORS[quality * len(_BAND_COLORS) // n_bands],
                    "width": 1.2,
                },
                "opacity": 0.55,
                "connectgaps": False,
            }
        )
    tick_x: list[float] = []
    tick_y: list[float] = []
    tick_text: list[str] = []
    for k, axis in enumerate(axes):
        tx, ty, tt = _tick_texts(axis, float(k))
        tick_x += tx
        tick_y += ty
        tick_text += tt
    traces.append(
        {
            "type": "scatter",
            "mode": "text",
            "x": tick_x,
            "y": tick_y,
            "text": tick_text,
            "textposition": "middle left",
            "hoverinfo": "skip",
            "showlegend": False,
            "textfont": {"size": 10, "color": "#444"},
        }
    )
    shapes = [
        {
            "type": "line",
            "x0": k,
            "x1": k,
            "y0": _INACTIVE_LEVEL,
            "y1": 1.0,
            "line": {"color": "#888", "width": 1},
        }
        for k in xs
    ]
    names = [a.name + (" (log scale)" if a.kind == "log" else "") for a in axes]
    return figure(
        traces,
        title=f"Parallel coordinates of {data.n_trials} completed trials "
        f"(bands of {data.objective.name}; darker is better)"
        + (f"<br><sup>{data.note}</sup>" if data.note else ""),
        height=480,
        shapes=shapes,
        xaxis={
            "tickvals": xs,
            "ticktext": names,
            "side": "top",
            "showgrid": False,
            "zeroline": False,
            "range": [-0.6, len(axes) - 0.6],
        },
        yaxis={"visible": False, "range": [_INACTIVE_LEVEL - 0.06, 1.06]},
        legend={"orientation": "h", "y": -0.08, "title": {"text": data.objective.name}},
        margin={"l": 30, "r": 30, "t": 110, "b": 40},
        plot_bgcolor="white",
    )
