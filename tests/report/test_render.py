"""Every figure renders to a spec plotly itself accepts, with the data it was given."""

from __future__ import annotations

from dataclasses import replace

import plotly.graph_objects as go
import pytest

from hypersense.report import FIGURES, build_report
from hypersense.report.data import (
    CurveForecastMark,
    InteractionData,
    InteractionSurface,
    MarginalCurve,
    MarginalData,
)
from hypersense.report.data.parallel import AxisData, ParallelCoordinatesData, category_labels
from hypersense.report.render import (
    render_importance,
    render_interactions,
    render_learning_curves,
    render_marginals,
    render_parallel_coordinates,
)
from hypersense.report.render.analysis import thin_evenly
from hypersense.report.render.parallel import band_labels, plain_number
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
    # A numeric parameter's band is an area; a categorical's is one bar per level.
    assert names.count("band") == 1 and names.count("marginal mean") == 1
    (levels,) = [t for t in spec["data"] if t.get("name") == "marginal mean and band"]
    assert len(levels["error_y"]["array"]) == len(levels["x"]) == len(levels["y"])
    assert all(v > 0 for v in levels["error_y"]["array"])  # every level has its band


def test_categorical_axes_keep_the_declared_order_and_numbers_numerically() -> None:
    sizes = MarginalCurve(
        "batch_size",
        "categorical",
        grid=("128", "32", "64"),  # the model's grid, as declared: 128, 32, 64
        mean=(0.9, 0.95, 0.93),
        low=(0.85, 0.9, 0.9),
        high=(0.95, 0.99, 0.96),
        observed_x=("64", "128", "32"),
        observed_y=(0.9, 0.8, 0.95),
        categories=category_labels((128, 32, 64)),
    )
    shape = MarginalCurve(
        "shape",
        "categorical",
        observed_x=("ridge", "bowl"),
        observed_y=(1.0, 2.0),
        categories=category_labels(("bowl", "ridge", "cone")),
    )
    spec = render_marginals(MarginalData("accuracy", (sizes, shape)))
    assert spec["layout"]["xaxis"]["categoryarray"] == ["32", "64", "128"]
    assert spec["layout"]["xaxis"]["categoryorder"] == "array"
    # Declared order, and every level, even "cone" that no trial drew.
    assert spec["layout"]["xaxis2"]["categoryarray"] == ["bowl", "ridge", "cone"]
    surface = InteractionSurface(
        "batch_size", "lr", "categorical", "log", ("128", "32", "64"), (0.001, 0.1),
        ((1.0, 2.0, 3.0), (4.0, 5.0, 6.0)), 0.05,
    )  # fmt: skip
    heat = render_interactions(InteractionData("accuracy", (surface,)))
    assert heat["layout"]["xaxis"]["categoryarray"] == ["32", "64", "128"]
    assert heat["layout"]["yaxis"]["type"] == "log"


def test_parallel_coordinates_read_plain_numbers_and_distinct_bins() -> None:
    assert [plain_number(v) for v in (1e-5, 0.0302, 250.0, 1.0, 3e-7)] == [
        "0.00001", "0.0302", "250", "1", "3e-07",
    ]  # fmt: skip
    assert band_labels([(0.98, 0.981), (0.9812, 0.9813), (0.99, 0.99)]) == [
        "0.98 to 0.981", "0.9812 to 0.9813", "0.99",
    ]  # fmt: skip
    # Twelve trials on three accuracies: tied values share one bin, no label repeats.
    values = [0.98125] * 5 + [0.98611] * 4 + [0.99306] * 3
    lr = AxisData("lr", "log", tuple([-3.0, -2.0, -1.0] * 4), (), -5.0, 0.0)
    data = ParallelCoordinatesData(
        tuple(range(12)), (lr,), AxisData("accuracy", "linear", tuple(values), (), 0.98, 0.995),
        objective_is_minimized=False,
    )  # fmt: skip
    spec = render_parallel_coordinates(data)
    bins = [t["name"] for t in spec["data"] if t.get("mode") == "lines"]
    assert sorted(bins) == ["0.981", "0.986", "0.993"]
    ticks = next(t for t in spec["data"] if t.get("mode") == "text")["text"]
    assert "0.00001" in ticks and "1" in ticks and not any("^" in t for t in ticks)


def test_the_lr_schedule_gives_its_right_axis_room() -> None:
    spec = REPORT.figure_spec("lr_schedule")
    assert spec is not None
    right = spec["layout"]["yaxis2"]
    assert right["automargin"] and not right["showgrid"] and right["side"] == "right"


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


def test_pruned_curves_are_marked_where_they_stopped_and_running_ones_apart() -> None:
    from hypersense.report.data import build_learning_curves_data
    from hypersense.trial.state import TrialState
    from tests.report.studies import snapshot, trial

    trials = [
        trial(0, 0.5, curve=(1.0, 0.8, 0.6, 0.5)),
        trial(1, 0.9, state=TrialState.PRUNED, curve=(1.2, 0.9)),
        trial(2, None, state=TrialState.RUNNING, curve=(1.1, 0.7, 0.65)),
    ]
    data = build_learning_curves_data(snapshot(trials))
    assert data is not None
    traces = {t.get("name"): t for t in render_learning_curves(data)["data"]}
    assert traces["pruned here"]["x"] == [1] and traces["pruned here"]["y"] == [0.9]
    assert traces["running"]["customdata"] == [2, 2, 2, None]


def test_a_curve_of_one_step_gets_a_marker_and_longer_curves_none() -> None:
    from hypersense.report.data import build_learning_curves_data
    from tests.report.studies import snapshot, trial

    data = build_learning_curves_data(
        snapshot([trial(0, 0.5, curve=(1.0, 0.8, 0.5)), trial(1, 0.7, curve=(0.7,))])
    )
    assert data is not None
    spec = render_learning_curves(data)
    go.Figure(spec)
    [curves] = [t for t in spec["data"] if t.get("name") == "completed / other"]
    assert curves["mode"] == "lines+markers"
    points = zip(curves["customdata"], curves["x"], strict=True)
    sizes = dict(zip(points, curves["marker"]["size"], strict=True))
    assert sizes[(1, 0)] > 0  # the lone point is drawn
    assert all(sizes[(0, step)] == 0 for step in (0, 1, 2))  # the line carries no markers
