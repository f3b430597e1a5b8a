"""Renderers of how the search went: history, parallel coordinates, Pareto front,
state counts, timeline."""

from __future__ import annotations

from typing import Any

from hypersense.direction import StudyDirection
from hypersense.report.data.execution import StateCountsData, TimelineData
from hypersense.report.data.history import HistoryData
from hypersense.report.data.pareto import ParetoData
from hypersense.report.render.parallel import render_parallel_coordinates
from hypersense.report.render.spec import (
    BEST_COLOR,
    COMPLETE_COLOR,
    PRUNED_COLOR,
    STATE_COLORS,
    FigureSpec,
    figure,
)

__all__ = [
    "render_history",
    "render_parallel_coordinates",
    "render_pareto",
    "render_state_counts",
    "render_timeline",
]


def render_history(data: HistoryData) -> FigureSpec:
    """Values by trial number, the best so far as a step line, pruned trials grey."""
    word = "lowest" if data.direction is StudyDirection.MINIMIZE else "highest"
    traces: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "markers",
            "name": "completed trial",
            "x": list(data.numbers),
            "y": list(data.values),
            "marker": {"color": COMPLETE_COLOR, "size": 6, "opacity": 0.7},
            "hovertemplate": "trial %{x}<br>" + data.objective_name + " %{y:.6g}<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "lines",
            "name": f"best so far ({word})",
            "x": list(data.numbers),
            "y": list(data.best_so_far),
            "line": {"color": BEST_COLOR, "shape": "hv", "width": 2},
            "hovertemplate": "best after trial %{x}: %{y:.6g}<extra></extra>",
        },
    ]
    if data.pruned_numbers:
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": "pruned (last value)",
                "x": list(data.pruned_numbers),
                "y": list(data.pruned_values),
                "marker": {"color": PRUNED_COLOR, "size": 5, "symbol": "x"},
                "hovertemplate": "trial %{x} (pruned)<br>last value %{y:.6g}<extra></extra>",
            }
        )
    note = f"<br><sup>{data.note}</sup>" if data.note else ""
    return figure(
        traces,
        title=f"Optimisation history of {data.objective_name} (best: trial {data.best_number})"
        + note,
        x_title="trial number",
        y_title=data.objective_name,
        margin={"t": 80 if note else 60},
    )


def render_pareto(data: ParetoData) -> FigureSpec:
    """The first two objectives, front highlighted (a scatter matrix for more)."""
    names = data.objective_names
    rows = list(zip(data.numbers, data.values, data.on_front, strict=True))
    groups = [("Pareto front", True, BEST_COLOR), ("dominated", False, COMPLETE_COLOR)]
    traces = []
    for label, on_front, color in groups:
        chosen = [(n, v) for n, v, f in rows if f is on_front]
        trace: dict[str, Any] = {
            "name": label,
            "text": [f"trial {n}" for n, _ in chosen],
            "marker": {"color": color, "size": 7 if on_front else 5},
        }
        if len(names) == 2:
            trace.update(
                type="scatter",
                mode="markers",
                x=[v[0] for _, v in chosen],
                y=[v[1] for _, v in chosen],
            )
        else:
            trace.update(
                type="splom",
                dimensions=[
                    {"label": name, "values": [v[i] for _, v in chosen]}
                    for i, name in enumerate(names)
                ],
            )
        traces.append(trace)
    directions = ", ".join(f"{n} ({d.value})" for n, d in zip(names, data.directions, strict=True))
    extra = {"xaxis": {"title": {"text": names[0]}}, "yaxis": {"title": {"text": names[1]}}}
    return figure(
        traces,
        title=f"Pareto front: {sum(data.on_front)} of {data.n_trials} trials; {directions}"
        + (f"<br><sup>{data.note}</sup>" if data.note else ""),
        **(extra if len(names) == 2 else {"height": 600}),
    )


def render_state_counts(data: StateCountsData) -> FigureSpec:
    """One bar per trial state."""
    states = [s.name for s, _ in data.counts]
    trace = {
        "type": "bar",
        "x": states,
        "y": [n for _, n in data.counts],
        "marker": {"color": [STATE_COLORS[s] for s in states]},
        "text": [str(n) for _, n in data.counts],
        "textposition": "auto",
        "name": "trials",
    }
    return figure(
        [trace], title=f"Trials by state ({data.total} in all)", y_title="trials", height=320
    )


def render_timeline(data: TimelineData) -> FigureSpec:
    """A horizontal bar per trial on its worker's row, coloured by state."""
    traces = []
    for state, color in STATE_COLORS.items():
        bars = [b for b in data.bars if b.state.name == state]
        if not bars:
            continue
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": state,
                "y": [b.worker for b in bars],
                "base": [b.start_s for b in bars],
                "x": [max(b.end_s - b.start_s, 1e-3) for b in bars],
                "customdata": [b.number for b in bars],
                "marker": {"color": color},
                "hovertemplate": "trial %{customdata}<br>%{base:.1f}s + %{x:.2f}s<extra></extra>",
            }
        )
    height = max(260, 60 + 28 * len(data.workers))
    return figure(
        traces,
        title=f"Timeline of trials on {len(data.workers)} worker(s)",
        x_title="seconds since the first trial started",
        height=height,
        barmode="overlay",
        yaxis={"categoryorder": "array", "categoryarray": list(data.workers), "automargin": True},
    )
