"""Renderers of training figures: learning curves, the LR range test, the best
trial's schedule, weight distributions and the metric against model size."""

from __future__ import annotations

from typing import Any

from hypersense.report.data.curves import LearningCurvesData, TrialCurve
from hypersense.report.data.training import (
    LRRangeTestData,
    LRScheduleData,
    ParamCountData,
    WeightDistributionData,
)
from hypersense.report.render.spec import (
    BEST_COLOR,
    COMPLETE_COLOR,
    PRUNED_COLOR,
    FigureSpec,
    figure,
    finite_or_none,
    palette,
)
from hypersense.trial.state import TrialState

__all__ = [
    "render_learning_curves",
    "render_lr_range_test",
    "render_lr_schedule",
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
    return {
        "type": "scatter",
        "mode": "lines",
        "name": name,
        "x": xs,
        "y": ys,
        "customdata": ids,
        "line": {"color": color, "width": width},
        "opacity": 0.8,
        "hovertemplate": "trial %{customdata}<br>step %{x}: %{y:.4g}<extra></extra>",
    }


def _groups(data: LearningCurvesData) -> list[tuple[str, list[TrialCurve], str]]:
    """(name, curves, colour): pruned grey, the rest by bracket when there are brackets."""
    pruned = [c for c in data.curves if c.state is TrialState.PRUNED]
    others = [c for c in data.curves if c.state is not TrialState.PRUNED]
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
    return groups


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


def render_learning_curves(data: LearningCurvesData) -> FigureSpec:
    """Curves (pruned grey), the median and interquartile band of all curves, rungs."""
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
        width = 1.0 if color == PRUNED_COLOR else 1.3
        traces.append(_curve_trace(name, curves, color, width))
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


def render_lr_range_test(data: LRRangeTestData) -> FigureSpec:
    """Loss against learning rate (log axis) with the suggested interval shaded."""
    traces = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": "loss",
            "x": list(data.lrs),
            "y": finite_or_none(data.losses),
            "line": {"color": PRUNED_COLOR, "width": 1},
        },
        {
            "type": "scatter",
            "mode": "lines",
            "name": "smoothed loss",
            "x": list(data.lrs),
            "y": finite_or_none(data.smoothed_losses),
            "line": {"color": COMPLETE_COLOR, "width": 2},
        },
    ]
    band = {
        "type": "rect",
        "xref": "x",
        "yref": "paper",
        "x0": data.suggested_low,
        "x1": data.suggested_high,
        "y0": 0,
        "y1": 1,
        "fillcolor": "rgba(44,160,44,0.18)",
        "line": {"width": 0},
        "layer": "below",
    }
    return figure(
        traces,
        title=f"LR range test: suggested {data.suggested_low:.3g} to "
        f"{data.suggested_high:.3g} (shaded)",
        x_title="learning rate",
        y_title="training loss",
        xaxis={"type": "log"},
        shapes=[band],
    )


def render_lr_schedule(data: LRScheduleData) -> FigureSpec:
    """The learning rate per epoch (left axis) and the loss curves (right axis)."""
    epochs = list(data.epochs)
    traces: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "learning rate",
            "x": epochs,
            "y": list(data.lrs),
            "line": {"color": BEST_COLOR, "shape": "hv"},
        },
    ]
    for name, values, color in (
        ("training loss", data.train_loss, COMPLETE_COLOR),
        ("validation loss", data.val_loss, "#2ca02c"),
    ):
        if values:
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "name": name,
                    "x": list(range(len(values))),
                    "y": finite_or_none(values),
                    "yaxis": "y2",
                    "line": {"color": color},
                }
            )
    return figure(
        traces,
        title=f"Learning-rate schedule of the best trial ({data.trial_number})",
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
        margin={"r": 70},
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
