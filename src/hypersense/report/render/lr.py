"""Renderers of the learning-rate figures: the range test, the best trial's
schedule, and the best rate against the batch size."""

from __future__ import annotations

import math
from typing import Any

from hypersense.report.data.lr import LRBatchSizeData, LRRangeTestData, LRScheduleData
from hypersense.report.render.spec import (
    BEST_COLOR,
    COMPLETE_COLOR,
    PRUNED_COLOR,
    FigureSpec,
    figure,
    finite_or_none,
    palette,
)

__all__ = ["render_lr_batch_size", "render_lr_range_test", "render_lr_schedule"]

_INTERVAL_FILL = "rgba(44,160,44,0.18)"


def _vertical(x: float, color: str, dash: str, width: float = 1.5) -> dict[str, Any]:
    return {
        "type": "line", "xref": "x", "yref": "paper", "x0": x, "x1": x, "y0": 0, "y1": 1,
        "line": {"color": color, "dash": dash, "width": width},
    }  # fmt: skip


def _range_test_traces(data: LRRangeTestData, top: float) -> list[dict[str, Any]]:
    """Each seed's raw (faint) and smoothed curve, and its divergence point
    (drawn at ``top`` when it lies above it)."""
    traces: list[dict[str, Any]] = []
    for i, curve in enumerate(data.curves):
        color, group = palette(i), f"seed {curve.seed}"
        traces.append({
            "type": "scatter", "mode": "lines", "name": f"{group} (raw)", "legendgroup": group,
            "x": list(curve.lrs), "y": finite_or_none(curve.losses), "showlegend": False,
            "line": {"color": color, "width": 0.8}, "opacity": 0.35, "hoverinfo": "skip",
        })  # fmt: skip
        traces.append({
            "type": "scatter", "mode": "lines", "name": group, "legendgroup": group,
            "x": list(curve.lrs[: len(curve.trend)]), "y": finite_or_none(curve.trend),
            "line": {"color": color, "width": 2},
            "hovertemplate": f"{group}<br>lr %{{x:.3g}}: %{{y:.4g}}<extra></extra>",
        })  # fmt: skip
        if curve.divergence_lr is not None:
            traces.append({
                "type": "scatter", "mode": "markers", "name": "diverged", "legendgroup": "div",
                "showlegend": i == 0 or all(c.divergence_lr is None for c in data.curves[:i]),
                "x": [curve.divergence_lr], "y": [_at_most(curve.losses[-1], top)],
                "marker": {"symbol": "x", "size": 11, "color": BEST_COLOR},
                "hovertemplate": f"{group} diverged at lr %{{x:.3g}}<extra></extra>",
            })  # fmt: skip
    return traces


def _at_most(value: float, top: float) -> float:
    return min(value, top) if math.isfinite(value) else top


def render_lr_range_test(data: LRRangeTestData) -> FigureSpec:
    """Every seed's loss against the rate (log axis): the suggestion interval
    shaded, the suggested rate and the divergence point marked, and the
    study's search range (when derived from the test) dotted."""
    shapes: list[dict[str, Any]] = []
    if data.interval is not None:
        low, high = data.interval
        shapes.append({
            "type": "rect", "xref": "x", "yref": "paper", "x0": low, "x1": high, "y0": 0,
            "y1": 1, "fillcolor": _INTERVAL_FILL, "line": {"width": 0}, "layer": "below",
        })  # fmt: skip
    if data.suggested_lr is not None:
        shapes.append(_vertical(data.suggested_lr, "#2ca02c", "solid", 2))
    if data.divergence_lr is not None:
        shapes.append(_vertical(data.divergence_lr, BEST_COLOR, "dash"))
    if data.search_range is not None:
        shapes += [_vertical(x, "#444444", "dot") for x in data.search_range]
    bottom, top = data.loss_range()
    return figure(
        _range_test_traces(data, top),
        title=_range_test_title(data),
        x_title="learning rate",
        y_title="training loss (solid: smoothed)",
        xaxis={"type": "log"},
        yaxis={"range": [bottom, top]},
        shapes=shapes,
        height=480,
        margin={"t": 110},
    )


def _range_test_title(data: LRRangeTestData) -> str:
    if data.suggested_lr is not None and data.interval is not None:
        low, high = data.interval
        head = f"suggested lr {data.suggested_lr:.3g} (shaded: [{low:.3g}, {high:.3g}])"
    else:
        head = "no suggestion: " + "; ".join(f"{r}: {why}" for r, _, why in data.rules if why)
    div = data.divergence_lr
    head += f"; diverged at {div:.3g} (dashed)" if div is not None else "; never diverged"
    lines = [data.settings, *_wrapped(f"tested: {data.tested}" if data.tested else "")]
    if data.search_range is not None:
        low, high = data.search_range
        lines.append(f"study's search range (dotted): [{low:.3g}, {high:.3g}]: {data.search_note}")
    sub = "".join(f"<br><sup>{line}</sup>" for line in lines)
    return f"LR range test: {head}{sub}"


def _wrapped(text: str, width: int = 110) -> list[str]:
    """``text`` cut into lines of at most about ``width`` characters, at ", "."""
    lines: list[str] = []
    for part in text.split(", ") if text else []:
        if lines and len(lines[-1]) + len(part) + 2 <= width:
            lines[-1] += f", {part}"
        else:
            lines.append(part)
    return lines


def render_lr_schedule(data: LRScheduleData) -> FigureSpec:
    """The planned rate over the horizon (line), the rate of each trained epoch
    (markers), the end of training when it came before the horizon, and the
    loss curves (right axis)."""
    traces: list[dict[str, Any]] = []
    if data.plan_epochs:
        traces.append({
            "type": "scatter", "mode": "lines", "name": "planned rate (whole horizon)",
            "x": list(data.plan_epochs), "y": list(data.plan_lrs),
            "line": {"color": BEST_COLOR, "width": 1.5},
        })  # fmt: skip
    traces.append({
        "type": "scatter", "mode": "markers" if data.plan_epochs else "lines+markers",
        "name": "rate of each trained epoch", "x": list(data.epochs), "y": list(data.lrs),
        "line": {"color": BEST_COLOR, "shape": "hv"}, "marker": {"size": 6},
    })  # fmt: skip
    for name, values, color in (
        ("training loss", data.train_loss, COMPLETE_COLOR),
        ("validation loss", data.val_loss, "#2ca02c"),
    ):
        if values:
            traces.append({
                "type": "scatter", "mode": "lines", "name": name, "yaxis": "y2",
                "x": list(range(len(values))), "y": finite_or_none(values),
                "line": {"color": color},
            })  # fmt: skip
    shapes = []
    trained = len(data.epochs)
    if data.horizon_epochs is not None and trained < data.horizon_epochs:
        shapes.append(_vertical(trained - 0.5, PRUNED_COLOR, "dash"))
    what = f": {data.schedule}" if data.schedule else ""
    horizon = "" if data.horizon_epochs is None else f" over {data.horizon_epochs} epochs"
    stopped = (
        f"<br><sup>trained {trained} of {data.horizon_epochs} epochs (dashed: where it "
        "stopped; the schedule was not compressed)</sup>"
        if shapes
        else ""
    )
    return figure(
        traces,
        title=f"Learning-rate schedule of the best trial ({data.trial_number}){what}"
        f"{horizon}{stopped}",
        x_title="epoch",
        y_title="learning rate",
        yaxis={"type": "log", "exponentformat": "power", "automargin": True},
        # The right axis gets its own room (automargin), few ticks in short
        # numbers, and no second grid over the first.
        yaxis2={
            "title": {"text": "loss", "standoff": 8},
            "overlaying": "y",
            "side": "right",
            "automargin": True,
            "showgrid": False,
            "nticks": 6,
            "tickformat": ".3~g",
        },
        shapes=shapes,
        margin={"t": 80, "r": 70},
    )


def _line(data: LRBatchSizeData, exponent: float, xs: list[float]) -> list[float]:
    """Rates of ``lr ∝ batch^exponent`` through the fit's centre, at ``xs``."""
    x0, y0 = data.centre()
    return [y0 * (x / x0) ** exponent for x in xs]


def render_lr_batch_size(data: LRBatchSizeData) -> FigureSpec:
    """The best rate per batch size with its interval (log-log), the fitted
    power law with the band of its exponent's interval, and the linear and
    square-root rules through the same centre."""
    lo, hi = min(data.batch_sizes) / 1.4, max(data.batch_sizes) * 1.4
    xs = [lo * (hi / lo) ** (i / 40) for i in range(41)]
    upper = [
        max(a, b)
        for a, b in zip(
            _line(data, data.exponent_low, xs), _line(data, data.exponent_high, xs), strict=True
        )
    ]
    lower = [
        min(a, b)
        for a, b in zip(
            _line(data, data.exponent_low, xs), _line(data, data.exponent_high, xs), strict=True
        )
    ]
    k = f"{data.exponent:.2f} [{data.exponent_low:.2f}, {data.exponent_high:.2f}]"
    traces: list[dict[str, Any]] = [
        {"type": "scatter", "mode": "lines", "x": xs, "y": upper, "line": {"width": 0},
         "showlegend": False, "hoverinfo": "skip"},
        {"type": "scatter", "mode": "lines", "x": xs, "y": lower, "line": {"width": 0},
         "fill": "tonexty", "fillcolor": "rgba(214,39,40,0.12)",
         "name": "exponent's interval", "hoverinfo": "skip"},
        {"type": "scatter", "mode": "lines", "x": xs, "y": _line(data, data.exponent, xs),
         "name": f"fit: lr ∝ batch^{k}", "line": {"color": BEST_COLOR, "width": 2}},
        {"type": "scatter", "mode": "lines", "x": xs, "y": _line(data, 1.0, xs),
         "name": "linear rule (k = 1)", "line": {"color": "#555555", "dash": "dash"}},
        {"type": "scatter", "mode": "lines", "x": xs, "y": _line(data, 0.5, xs),
         "name": "square-root rule (k = 0.5)", "line": {"color": "#555555", "dash": "dot"}},
        {"type": "scatter", "mode": "markers", "name": f"best rate ({data.method})",
         "x": list(data.batch_sizes), "y": list(data.lrs),
         "marker": {"color": COMPLETE_COLOR, "size": 9},
         "error_y": {"type": "data", "symmetric": False,
                     "array": [h - m for h, m in zip(data.highs, data.lrs, strict=True)],
                     "arrayminus": [m - low for m, low in zip(data.lrs, data.lows, strict=True)]},
         "hovertemplate": "batch %{x}: lr %{y:.3g}<extra></extra>"},
    ]  # fmt: skip
    top = max(max(data.highs), *upper)
    bottom = min(min(data.lows), *lower)
    return figure(
        traces,
        title=f"Best learning rate against the effective batch size<br><sup>{data.verdict}</sup>",
        x_title="effective batch size (batch x accumulation steps)",
        y_title="learning rate",
        xaxis={"type": "log", "tickvals": list(data.batch_sizes)},
        yaxis={"type": "log", "range": [math.log10(bottom) - 0.1, math.log10(top) + 0.1]},
        margin={"t": 80},
        height=460,
    )
