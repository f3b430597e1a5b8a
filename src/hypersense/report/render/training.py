"""Renderers of training figures: learning curves, weight distributions and the
metric against model size (the learning-rate figures are in
:mod:`hypersense.report.render.lr`)."""

from __future__ import annotations

from typing import Any

from hypersense.report.data.curves import LearningCurvesData, TrialCurve
from hypersense.report.data.training import ParamCountData, WeightDistributionData
from hypersense.report.render.spec import (
    BEST_COLOR,
    COMPLETE_COLOR,
    PRUNED_COLOR,
    STATE_COLORS,
    FigureSpec,
    figure,
    finite_or_none,
    palette,
)
from hypersense.trial.state import TrialState

__all__ = [
    "render_learning_curves",
    "render_param_count",
    "render_weight_distribution",
]


def _joined(curves: list[TrialCurve]) -> tuple[list[Any], list[Any], list[Any]]:
    """Curves as one polyline broken by None: one trace draws hundreds of curves."""
    xs: list[Any] = []
    ys: list[Any] = []
    ids: list[Any] = []
    for c in curves:
        xs += [*c.steps, None]
        ys += [*finite_or_none(c.values), None]
        ids += [c.number] * len(c.steps) + [None]
    return xs, ys, ids


def _curve_trace(name: str, curves: list[TrialCurve], color: str, width: float) -> dict[str, Any]:
    xs, ys, ids = _joined(curves)
    # A curve of one point has no segment to draw: it gets a marker, the others none.
    sizes = [s for c in curves for s in [5 if len(c.steps) == 1 else 0] * len(c.steps) + [0]]
    return {
        "type": "scatter",
        "mode": "lines+markers" if any(sizes) else "lines",
        "name": name,
        "x": xs,
        "y": ys,
        "customdata": ids,
        "line": {"color": color, "width": width},
        **({"marker": {"color": color, "size": sizes}} if any(sizes) else {}),
        "opacity": 0.8,
        "hovertemplate": "trial %{customdata}<br>step %{x}: %{y:.4g}<extra></extra>",
    }


def _groups(data: LearningCurvesData) -> list[tuple[str, list[TrialCurve], str]]:
    """(name, curves, colour): pruned grey, running ones apart, the rest by bracket
    when there are brackets."""
    pruned = [c for c in data.curves if c.state is TrialState.PRUNED]
    running = [c for c in data.curves if c.state is TrialState.RUNNING]
    others = [c for c in data.curves if c.state not in (TrialState.PRUNED, TrialState.RUNNING)]
    brackets = sorted({c.bracket for c in others if c.bracket is not None})
    groups = []
    if brackets:
        for i, b in enumerate(brackets):
            groups.append((f"bracket {b}", [c for c in others if c.bracket == b], palette(i)))
        rest = [c for c in others if c.bracket is None]
        if rest:
            groups.append(("no bracket", rest, COMPLETE_COLOR))
    elif others:
        groups.append(("completed / other", others, COMPLETE_COLOR))
    if pruned:
        groups.append(("pruned", pruned, PRUNED_COLOR))
    if running:
        groups.append(("running", running, STATE_COLORS["RUNNING"]))
    return groups


def _pruned_ends(curves: list[TrialCurve]) -> dict[str, Any]:
    """A mark where each pruned trial stopped: its last reported step (a rung)."""
    ends = [c for c in curves if c.state is TrialState.PRUNED and c.steps]
    return {
        "type": "scatter",
        "mode": "markers",
        "name": "pruned here",
        "x": [c.steps[-1] for c in ends],
        "y": finite_or_none([c.values[-1] for c in ends]),
        "customdata": [c.number for c in ends],
        "marker": {"color": STATE_COLORS["PRUNED"], "symbol": "x", "size": 6},
        "hovertemplate": "trial %{customdata} pruned at step %{x}<extra></extra>",
    }


def _rung_shapes(data: LearningCurvesData) -> list[dict[str, Any]]:
    shapes = []
    for i, marks in enumerate(data.rungs):
        for step in marks.steps:
            shapes.append(
                {
                    "type": "line",
                    "x0": step,
                    "x1": step,
                    "yref": "paper",
                    "y0": 0,
                    "y1": 1,
                    "line": {"color": palette(i), "dash": "dot", "width": 1},
                }
            )
    return shapes


def _forecast_traces(data: LearningCurvesData) -> list[dict[str, Any]]:
    """Each forecast as a band widening from the trial's last value to its 90%
    interval at the target step, and the median forecast as a marker."""
    if not data.forecasts:
        return []
    xs: list[Any] = []
    ys: list[Any] = []
    for f in data.forecasts:
        xs += [f.step, f.target_step, f.target_step, f.step, None]
        ys += [*finite_or_none([f.value, f.high, f.low, f.value]), None]
    band = {
        "type": "scatter",
        "mode": "lines",
        "name": "forecast, 90% interval",
        "x": xs,
        "y": ys,
        "fill": "toself",
        "fillcolor": "rgba(31,119,180,0.10)",
        "line": {"color": "rgba(31,119,180,0.35)", "width": 0.5, "dash": "dot"},
        "hoverinfo": "skip",
        "legendgroup": "forecast",
    }
    marks = {
        "type": "scatter",
        "mode": "markers",
        "name": "forecast final value",
        "x": [f.target_step for f in data.forecasts],
        "y": finite_or_none([f.predicted for f in data.forecasts]),
        "customdata": [[f.number, f.low, f.high] for f in data.forecasts],
        "marker": {"color": COMPLETE_COLOR, "symbol": "diamond-open", "size": 7},
        "legendgroup": "forecast",
        "hovertemplate": "trial %{customdata[0]}: forecast %{y:.4g} "
        "[%{customdata[1]:.4g}, %{customdata[2]:.4g}]<extra></extra>",
    }
    return [band, marks]


def render_learning_curves(data: LearningCurvesData) -> FigureSpec:
    """Curves (pruned grey, marked where they stopped; running ones bold), the
    median and interquartile band of all curves, rungs, and the forecasts of
    curves that stopped early."""
    band_x = list(data.band_steps)
    traces: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines",
            "x": band_x,
            "y": finite_or_none(data.band_high),
            "line": {"width": 0},
            "showlegend": False,
            "hoverinfo": "skip",
            "legendgroup": "band",
        },
        {
            "type": "scatter",
            "mode": "lines",
            "x": band_x,
            "y": finite_or_none(data.band_low),
            "fill": "tonexty",
            "fillcolor": "rgba(214,39,40,0.12)",
            "line": {"width": 0},
            "name": "interquartile range (all curves)",
            "hoverinfo": "skip",
            "legendgroup": "band",
        },
    ]
    for name, curves, color in _groups(data):
        width = {PRUNED_COLOR: 1.0, STATE_COLORS["RUNNING"]: 2.0}.get(color, 1.3)
        traces.append(_curve_trace(name, curves, color, width))
    if any(c.state is TrialState.PRUNED for c in data.curves):
        traces.append(_pruned_ends(list(data.curves)))
    traces.append(
        {
            "type": "scatter",
            "mode": "lines",
            "name": "median (all curves)",
            "x": band_x,
            "y": finite_or_none(data.band_median),
            "line": {"color": BEST_COLOR, "width": 2.5},
        }
    )
    traces += _forecast_traces(data)
    rungs = " (dotted: rungs)" if data.rungs else ""
    note = f"<br><sup>{data.note}</sup>" if data.note else ""
    return figure(
        traces,
        title=f"Learning curves of {data.n_curves_total} trials{rungs}{note}",
        x_title="step",
        y_title=data.objective_name,
        height=480,
        shapes=_rung_shapes(data),
        margin={"t": 80},
    )


def render_weight_distribution(data: WeightDistributionData) -> FigureSpec:
    """Each layer's weight density as a step line (toggle layers in the legend)."""
    traces = []
    for i, layer in enumerate(data.layers):
        density = layer.density().tolist()
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": layer.layer,
                "x": list(layer.edges),
                "y": [*density, density[-1]],
                "line": {"shape": "hv", "color": palette(i)},
            }
        )
    return figure(
        traces,
        title=f"Weight distribution per layer of the best trial ({data.trial_number})",
        x_title="weight",
        y_title="density",
    )


def render_param_count(data: ParamCountData) -> FigureSpec:
    """The objective against the number of model parameters (log axis)."""
    trace = {
        "type": "scatter",
        "mode": "markers",
        "name": "trial",
        "x": list(data.n_params),
        "y": list(data.values),
        "customdata": list(data.numbers),
        "marker": {"color": COMPLETE_COLOR, "size": 6},
        "hovertemplate": "trial %{customdata}<br>%{x:,} parameters<br>%{y:.4g}<extra></extra>",
    }
    return figure(
        [trace],
        title=f"{data.objective_name} against model size",
        x_title="model parameters",
        y_title=data.objective_name,
        xaxis={"type": "log"},
    )
