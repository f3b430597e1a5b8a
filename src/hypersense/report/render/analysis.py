"""Renderers of what the analysis computes: importance, marginal curves,
interactions, the tornado, the noise floor and the winner's curse."""

from __future__ import annotations

import math
import textwrap
from typing import Any

from hypersense.direction import StudyDirection
from hypersense.report.data.importance import ImportanceData, InteractionData, MarginalData
from hypersense.report.data.noise import NoiseData, ReevaluationData
from hypersense.report.data.sensitivity import TornadoData
from hypersense.report.render.grid import panel_grid
from hypersense.report.render.spec import (
    BEST_COLOR,
    COMPLETE_COLOR,
    PRUNED_COLOR,
    FigureSpec,
    axis_type,
    figure,
    finite_or_none,
)

__all__ = [
    "render_importance",
    "render_interactions",
    "render_marginals",
    "render_noise",
    "render_reevaluation",
    "render_tornado",
]


def _error_x(estimates: list[float], lows: list[float], highs: list[float]) -> dict[str, Any]:
    plus = [h - e if math.isfinite(h) else 0.0 for e, h in zip(estimates, highs, strict=True)]
    minus = [e - lo if math.isfinite(lo) else 0.0 for e, lo in zip(estimates, lows, strict=True)]
    return {"type": "data", "symmetric": False, "array": plus, "arrayminus": minus}


def render_importance(data: ImportanceData) -> FigureSpec:
    """Horizontal bars (most important on top) with intervals and the noise floor."""
    params = list(reversed(data.parameters))
    values = [p.importance for p in params]
    above = set(data.above_noise())
    trace = {
        "type": "bar",
        "orientation": "h",
        "name": "importance",
        "y": [p.name for p in params],
        "x": values,
        "error_x": _error_x(values, [p.low for p in params], [p.high for p in params]),
        "marker": {"color": [COMPLETE_COLOR if p.name in above else PRUNED_COLOR for p in params]},
        "hovertemplate": "%{y}: %{x:.4g}<extra></extra>",
    }
    shapes, notes = [], [data.method]
    if data.noise_floor is not None:
        shapes.append(
            {
                "type": "line",
                "x0": data.noise_floor,
                "x1": data.noise_floor,
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "line": {"color": BEST_COLOR, "dash": "dash"},
            }
        )
        notes.append(f"dashed: noise floor {data.noise_floor:.3g}")
    if data.r2 is not None:
        notes.append(f"cross-validated R² {data.r2:.2f}")
    if data.confidence is not None:
        notes.append(f"{data.confidence:.0%} intervals")
    if data.n_pruned_left_out:
        notes.append(f"{data.n_pruned_left_out} pruned trials left out")
    reason = "".join(
        f"<br><sup>{line}</sup>"
        for line in textwrap.wrap(f"Surrogate: {data.surrogate_reason}.", 120)
        if data.surrogate_reason
    )
    return figure(
        [trace],
        title="Hyperparameter importance (" + "; ".join(notes) + ")" + reason,
        x_title="importance",
        height=max(300, 100 + 30 * len(params)),
        shapes=shapes,
        yaxis={"automargin": True},
        showlegend=False,
        margin={"t": 60 + 18 * reason.count("<br>")},
    )


#: Trials drawn as dots in each marginal panel. Beyond a few hundred the cloud
#: looks the same, and every dot is an SVG node the browser must lay out: ten
#: panels of 1,000 dots took a fifth of a 1,000-trial report's load time.
MAX_MARGINAL_DOTS = 400


def thin_evenly(xs: Any, ys: Any, limit: int) -> tuple[list[Any], list[Any]]:
    """At most ``limit`` of the points, evenly spaced in trial order (first and
    last kept), so the cloud keeps its shape and the page stays quick."""
    n = len(xs)
    if n <= limit:
        return list(xs), list(ys)
    keep = sorted({round(i * (n - 1) / (limit - 1)) for i in range(limit)})
    return [xs[i] for i in keep], [ys[i] for i in keep]


def _model_band_traces(curve: Any, common: dict[str, Any], first: bool) -> list[dict[str, Any]]:
    """A numeric curve's band: the area between its high and low lines."""
    return [
        {
            **common,
            "type": "scatter",
            "mode": "lines",
            "y": finite_or_none(curve.high),
            "line": {"width": 0},
            "showlegend": False,
            "hoverinfo": "skip",
        },
        {
            **common,
            "type": "scatter",
            "mode": "lines",
            "y": finite_or_none(curve.low),
            "fill": "tonexty",
            "fillcolor": _BAND_FILL,
            "line": {"width": 0},
            "name": "band",
            "showlegend": first,
            "hoverinfo": "skip",
        },
        {
            **common,
            "type": "scatter",
            "mode": "lines",
            "y": finite_or_none(curve.mean),
            "line": {"color": COMPLETE_COLOR, "width": 2},
            "name": "marginal mean",
            "showlegend": first,
        },
    ]


def _model_level_traces(curve: Any, common: dict[str, Any], first: bool) -> list[dict[str, Any]]:
    """A categorical's marginal: the mean at every level, with the band drawn
    as a wide bar over that level (a line between levels would mean nothing)."""
    mean = finite_or_none(curve.mean)
    plus = [
        h - m if m is not None and math.isfinite(h) else 0.0
        for m, h in zip(mean, curve.high, strict=True)
    ]
    minus = [
        m - lo if m is not None and math.isfinite(lo) else 0.0
        for m, lo in zip(mean, curve.low, strict=True)
    ]
    return [
        {
            **common,
            "type": "scatter",
            "mode": "markers",
            "y": mean,
            "name": "marginal mean and band",
            "showlegend": first,
            "marker": {
                "color": COMPLETE_COLOR,
                "symbol": "line-ew-open",
                "size": 22,
                "line": {"width": 3, "color": COMPLETE_COLOR},
            },
            "error_y": {
                "type": "data",
                "symmetric": False,
                "array": plus,
                "arrayminus": minus,
                "color": _BAND_FILL,
                "thickness": 18,
                "width": 0,
            },
        }
    ]


_BAND_FILL = "rgba(31,119,180,0.2)"


def _marginal_traces(curve: Any, xref: str, yref: str, first: bool) -> list[dict[str, Any]]:
    xs, ys = thin_evenly(curve.observed_x, curve.observed_y, MAX_MARGINAL_DOTS)
    shown = "trials" if len(xs) == len(curve.observed_x) else f"trials ({len(xs)} shown)"
    traces: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "markers",
            "name": shown,
            "legendgroup": "trials",
            "showlegend": first,
            "x": xs,
            "y": ys,
            "marker": {"color": PRUNED_COLOR, "size": 4},
            "xaxis": xref,
            "yaxis": yref,
        }
    ]
    if curve.has_model:
        common = {"xaxis": xref, "yaxis": yref, "x": list(curve.grid), "legendgroup": "model"}
        if curve.kind == "categorical":
            traces += _model_level_traces(curve, common, first)
        else:
            traces += _model_band_traces(curve, common, first)
    return traces


def category_axis(labels: Any) -> dict[str, Any]:
    """Layout of a categorical axis drawing ``labels`` in the given order (every
    level, even one no trial drew)."""
    return {"type": "category", "categoryorder": "array", "categoryarray": list(labels)}


def numeric_axis(kind: str) -> dict[str, Any]:
    """Layout of a linear or log axis; a log axis reads plain numbers (0.001, not 1m)."""
    if kind == "log":
        return {"type": "log", "exponentformat": "none"}
    return {"type": axis_type(kind)}


def _x_axis(curve: Any) -> dict[str, Any]:
    if curve.kind != "categorical":
        return numeric_axis(curve.kind)
    labels = list(curve.categories) or list(dict.fromkeys([*curve.grid, *curve.observed_x]))
    return category_axis(labels)


def render_marginals(data: MarginalData) -> FigureSpec:
    """One panel per parameter: observed trials, and the marginal curve with its band."""
    panels = panel_grid(len(data.curves), columns=3)
    traces: list[dict[str, Any]] = []
    layout: dict[str, Any] = {}
    for i, (curve, panel) in enumerate(zip(data.curves, panels, strict=True)):
        traces += _marginal_traces(curve, panel.xref, panel.yref, i == 0)
        x_key, y_key = list(panel.layout)
        layout[x_key] = {
            **panel.layout[x_key],
            **_x_axis(curve),
            "title": {"text": curve.parameter},
        }
        layout[y_key] = panel.layout[y_key]
    kind = "Marginal curves" if data.has_model else "Observed values per parameter (slices)"
    band = f"; band: {data.band}" if data.band and data.has_model else ""
    rows = -(-len(data.curves) // 3)
    return figure(
        traces, title=f"{kind} of {data.objective_name}{band}", height=80 + 260 * rows, **layout
    )


def _surface_axis(kind: str, grid: Any) -> dict[str, Any]:
    if kind != "categorical":
        return numeric_axis(kind)
    labels = [str(g) for g in grid]
    numeric = all(_is_number(g) for g in labels)
    return category_axis(sorted(labels, key=float) if numeric else labels)


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def render_interactions(data: InteractionData) -> FigureSpec:
    """A heatmap of predictions for each of the strongest pairs."""
    panels = panel_grid(len(data.surfaces), columns=2, gap=0.12)
    traces: list[dict[str, Any]] = []
    layout: dict[str, Any] = {}
    for i, (s, panel) in enumerate(zip(data.surfaces, panels, strict=True)):
        traces.append(
            {
                "type": "heatmap",
                "x": list(s.x_grid),
                "y": list(s.y_grid),
                "z": [finite_or_none(r) for r in s.z],
                "colorscale": "Viridis",
                "showscale": i == 0,
                "xaxis": panel.xref,
                "yaxis": panel.yref,
                "name": f"{s.x_name} x {s.y_name}",
                "hovertemplate": f"{s.x_name} %{{x}}<br>{s.y_name} %{{y}}<br>"
                + data.objective_name
                + " %{z:.4g}<extra></extra>",
            }
        )
        x_key, y_key = list(panel.layout)
        layout[x_key] = {
            **panel.layout[x_key],
            **_surface_axis(s.x_kind, s.x_grid),
            "title": {"text": f"{s.x_name} (strength {s.strength:.3g})"},
        }
        layout[y_key] = {
            **panel.layout[y_key],
            **_surface_axis(s.y_kind, s.y_grid),
            "title": {"text": s.y_name},
        }
    measure = f" ({data.measure})" if data.measure else ""
    rows = -(-len(data.surfaces) // 2)
    return figure(
        traces,
        title=f"Strongest interactions{measure}: predicted {data.objective_name}",
        height=80 + 330 * rows,
        **layout,
    )


def render_tornado(data: TornadoData) -> FigureSpec:
    """Bars from each parameter's lowest to highest sweep mean, widest on top."""
    bars = list(reversed(data.bars))
    trace = {
        "type": "bar",
        "orientation": "h",
        "name": "range of means",
        "y": [b.parameter for b in bars],
        "base": [b.low_mean for b in bars],
        "x": [b.range for b in bars],
        "customdata": [
            [b.low_value, b.high_value, b.p_value if math.isfinite(b.p_value) else None]
            for b in bars
        ],
        "marker": {"color": COMPLETE_COLOR},
        "hovertemplate": "%{y}: %{base:.4g} at %{customdata[0]} to %{x:.4g} more at "
        "%{customdata[1]}<br>F-test p=%{customdata[2]:.3g}<extra></extra>",
    }
    shapes = []
    if math.isfinite(data.reference_mean):
        shapes.append(
            {
                "type": "line",
                "x0": data.reference_mean,
                "x1": data.reference_mean,
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "line": {"color": BEST_COLOR, "dash": "dash"},
            }
        )
    return figure(
        [trace],
        title="Local sensitivity around the best configuration "
        f"(dashed: its mean {data.objective_name})",
        x_title=f"mean {data.objective_name} along each one-at-a-time sweep",
        height=max(300, 80 + 30 * len(bars)),
        shapes=shapes,
        yaxis={"automargin": True},
        showlegend=False,
    )


def _dots(
    name: str, labels: list[str], est: list[float], low: list[float], high: list[float], color: str
) -> dict[str, Any]:
    return {
        "type": "scatter",
        "mode": "markers",
        "name": name,
        "x": labels,
        "y": finite_or_none(est),
        "error_y": {
            "type": "data",
            "symmetric": False,
            "array": [
                h - e if math.isfinite(h - e) else 0.0 for e, h in zip(est, high, strict=True)
            ],
            "arrayminus": [
                e - lo if math.isfinite(e - lo) else 0.0 for e, lo in zip(est, low, strict=True)
            ],
        },
        "marker": {"color": color, "size": 9},
    }


def _search_values(labels: list[str], values: list[float]) -> dict[str, Any]:
    """Diamonds at the values the search itself recorded, next to their repeats."""
    return {
        "type": "scatter",
        "mode": "markers",
        "name": "value in the search",
        "x": labels,
        "y": finite_or_none(values),
        "marker": {"color": BEST_COLOR, "symbol": "diamond", "size": 9},
    }


def render_noise(data: NoiseData) -> FigureSpec:
    """Each repeated configuration: its search value and its repeats' mean and interval."""
    rows = data.configurations
    labels = [
        f"trial {r.trial_number}" if r.trial_number is not None else f"#{i}"
        for i, r in enumerate(rows)
    ]
    traces = [
        _dots(
            "repeats: mean and interval",
            labels,
            [r.mean.estimate for r in rows],
            [r.mean.low for r in rows],
            [r.mean.high for r in rows],
            COMPLETE_COLOR,
        ),
        _search_values(labels, [r.original_value for r in rows]),
    ]
    floor = data.noise_floor
    return figure(
        traces,
        title=f"Seed noise: floor {floor.estimate:.3g} "
        f"(interval {floor.low:.3g} to {floor.high:.3g})",
        y_title="value",
        height=380,
    )


def render_reevaluation(data: ReevaluationData) -> FigureSpec:
    """The winner's curse: search value against re-evaluated mean, by rank."""
    rows = data.rows
    labels = [f"rank {r.rank}" for r in rows]
    traces = [
        _dots(
            "re-evaluated mean and interval",
            labels,
            [r.reevaluated.estimate for r in rows],
            [r.reevaluated.low for r in rows],
            [r.reevaluated.high for r in rows],
            COMPLETE_COLOR,
        ),
        _search_values(labels, [r.original_value for r in rows]),
    ]
    tests = [(f"rank {r.rank}", r.test) for r in rows if r.test is not None]
    if tests:
        traces.append(
            _dots(
                "test score",
                [label for label, _ in tests],
                [t.estimate for _, t in tests],
                [t.low for _, t in tests],
                [t.high for _, t in tests],
                "#2ca02c",
            )
        )
    curse = data.winners_curse
    text = "" if curse is None else f": optimism of the selected configuration {curse.estimate:.3g}"
    word = "lower" if data.direction is StudyDirection.MINIMIZE else "higher"
    return figure(
        traces,
        title=f"Winner's curse{text} ({word} is better)",
        y_title="value",
        height=380,
    )
