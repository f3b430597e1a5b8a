"""Plotly figure of a task: epochs spent against the best final error so far, per method."""

from __future__ import annotations

import math
import statistics
from pathlib import Path

from benchmarks.multifidelity.methods import BASELINE
from benchmarks.multifidelity.records import RunRecord

__all__ = ["best_so_far_on_grid", "write_figure"]


def best_so_far_on_grid(run: RunRecord, grid: list[int]) -> list[float]:
    """The run's best final error among trials finished within ``e`` epochs,
    for each ``e`` in ``grid`` (inf before the first finished trial)."""
    points = run.best_so_far()
    values, i, best = [], 0, math.inf
    for e in grid:
        while i < len(points) and points[i][0] <= e:
            best = points[i][1]
            i += 1
        values.append(best)
    return values


def write_figure(task: str, runs: dict[str, list[RunRecord]], path: Path, note: str) -> None:
    """Write ``path`` (HTML, plotly.js from the CDN): per method, the median over
    seeds of the best full-budget error found after a given number of epochs."""
    import plotly.graph_objects as go

    top = max(r.epochs for rs in runs.values() for r in rs)
    grid = sorted({round(top * i / 400) for i in range(401)})
    fig = go.Figure()
    for name, rs in runs.items():
        per_seed = [best_so_far_on_grid(r, grid) for r in rs]
        ends = max(r.epochs for r in rs)
        xs, ys = [], []
        for j, e in enumerate(grid):
            if e > ends:
                break
            median = statistics.median(seed[j] for seed in per_seed)
            xs.append(e)
            ys.append(median if math.isfinite(median) else None)
        line: dict[str, str] = {"shape": "hv"}
        if name.startswith("Optuna"):
            line["dash"] = "dash"  # peers dashed, no pruning black
        elif name == BASELINE:
            line["color"] = "black"
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=name, line=line))
    fig.update_layout(
        title=f"{task}: best final validation error found vs. epochs spent (median over seeds)",
        xaxis_title="epochs spent (all trials, in order)",
        yaxis_title="best full-budget validation error so far",
        template="plotly_white",
        annotations=[
            {"text": note, "xref": "paper", "yref": "paper", "x": 0, "y": -0.18, "showarrow": False}
        ],
        margin={"b": 110},
    )
    fig.write_html(path, include_plotlyjs="cdn", full_html=True)
