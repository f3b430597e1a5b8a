"""Every figure renders to a spec plotly itself accepts, with the data it was given."""

from __future__ import annotations

from dataclasses import replace

import plotly.graph_objects as go
import pytest

from hypersense.report import FIGURES, build_report
from hypersense.report.data import CurveForecastMark
from hypersense.report.render import render_importance, render_learning_curves, render_marginals
from hypersense.report.render.analysis import thin_evenly
from tests.report.studies import (
    importance_data,
    interaction_data,
    marginal_data,
    pareto_snapshot,
    rich_snapshot,
    with_companions,
)

REPORT = build_report(
    with_companions(rich_snapshot()),
    importance=importance_data(),
    marginals=marginal_data(),
    interactions=interaction_data(),
)
PARETO = build_report(pareto_snapshot())


@pytest.mark.parametrize("name", [k.name for k in FIGURES])
def test_every_figure_is_a_valid_plotly_figure(name: str) -> None:
    report = PARETO if name == "pareto" else REPORT
    spec = report.figure_spec(name)
    assert spec is not None
    figure = go.Figure(spec)  # plotly validates every property and raises on a bad one
    assert len(figure.data) >= 1
    assert figure.layout.title.text


def test_importance_bars_show_intervals_and_the_noise_floor() -> None:
    spec = render_importance(importance_data())
    (bars,) = spec["data"]
    assert bars["y"] == ["optimizer", "layers", "lr"]  # most important on top
    assert bars["error_x"]["array"] == pytest.approx([0.03, 0.1, 0.1])
    assert bars["marker"]["color"][0] != bars["marker"]["color"][2]  # below the floor: grey
    assert spec["layout"]["shapes"][0]["x0"] == 0.06
    assert "R² 0.83" in spec["layout"]["title"]["text"]


def test_marginal_panels_have_bands_and_log_axes() -> None:
    spec = render_marginals(marginal_data())
    assert spec["layout"]["xaxis"]["type"] == "log"
    assert spec["layout"]["xaxis2"]["type"] == "category"
    names = [t.get("name") for t in spec["data"]]
    assert names.count("band") == 2 and names.count("marginal mean") == 2


def test_learning_curves_grey_the_pruned_and_draw_rungs() -> None:
    data = REPORT.figures["learning_curves"]
    spec = render_learning_curves(data)
    names = [t.get("name") for t in spec["data"]]
    assert "pruned" in names and "bracket 0" in names and "bracket 1" in names
    pruned = spec["data"][names.index("pruned")]
    assert pruned["line"]["color"] == "#b0b0b0"
    assert sorted({s["x0"] for s in spec["layout"]["shapes"]}) == [1, 3, 9]


def test_learning_curves_draw_forecast_bands() -> None:
    mark = CurveForecastMark(7, 2, 1.2, 9, 0.8, 0.6, 1.1)
    data = replace(REPORT.figures["learning_curves"], forecasts=(mark,))
    spec = render_learning_curves(data)
    go.Figure(spec)
    names = [t.get("name") for t in spec["data"]]
    band = spec["data"][names.index("forecast, 90% interval")]
    assert band["x"] == [2, 9, 9, 2, None] and band["y"] == [1.2, 1.1, 0.6, 1.2, None]
    marks = spec["data"][names.index("forecast final value")]
    assert marks["x"] == [9] and marks["y"] == [0.8]
    assert "forecast final value" not in [
        t.get("name") for t in render_learning_curves(REPORT.figures["learning_curves"])["data"]
    ]


def test_thinning_keeps_the_ends_and_at_most_the_limit() -> None:
    xs = list(range(1000))
    ys = [2 * x for x in xs]
    kept_x, kept_y = thin_evenly(xs, ys, 400)
    assert len(kept_x) == 400 and kept_x[0] == 0 and kept_x[-1] == 999
    assert kept_y == [2 * x for x in kept_x]
    assert thin_evenly(xs[:5], ys[:5], 400) == (xs[:5], ys[:5])
