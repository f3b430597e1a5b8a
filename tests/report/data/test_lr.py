"""The learning-rate figures' data: the stored range test with its search range,
the best trial's planned schedule, and the batch-size study."""

from __future__ import annotations

import math

import pytest

from hypersense.lr import RangeTestResult, loss_trend
from hypersense.report.data import (
    build_lr_batch_size_data,
    build_lr_range_test_data,
    build_lr_schedule_data,
    lr_range_test_data,
)
from hypersense.report.render import render_lr_batch_size, render_lr_range_test, render_lr_schedule
from tests.report.studies import lr_range_test, rich_snapshot, snapshot, trial


def test_the_range_test_figure_reads_the_stored_test_and_its_search_range() -> None:
    data = build_lr_range_test_data(rich_snapshot())
    assert data is not None
    result = RangeTestResult.from_dict(lr_range_test())
    assert data.suggested_lr == result.suggested_lr and data.interval == result.interval
    assert data.divergence_lr == result.divergence_lr == pytest.approx(10**-1.25)
    assert [c.seed for c in data.curves] == [0, 1]
    assert data.search_range == (1.6e-4, 6.3e-3) and "widened" in data.search_note
    assert data.tested == "torch-digits-mlp (width=16)"
    assert data.settings.startswith("sgd, batch 32, 2 seed(s) x 21 steps")
    # The solid curve is the lag-free trend, over every step but a diverging last one.
    diverged = data.curves[1]
    assert len(diverged.trend) == len(diverged.lrs) - 1
    assert list(diverged.trend) == pytest.approx(loss_trend(diverged.losses[:-1], beta=0.5))
    assert build_lr_range_test_data(snapshot([])) is None


def test_the_range_test_is_drawn_with_its_interval_suggestion_divergence_and_range() -> None:
    data = build_lr_range_test_data(rich_snapshot())
    assert data is not None
    spec = render_lr_range_test(data)
    shapes = spec["layout"]["shapes"]
    rect = shapes[0]
    assert (rect["type"], rect["x0"], rect["x1"]) == ("rect", *data.interval)
    lines = [(s["x0"], s["line"]["dash"]) for s in shapes[1:]]
    assert lines == [
        (data.suggested_lr, "solid"),
        (data.divergence_lr, "dash"),
        (1.6e-4, "dot"),
        (6.3e-3, "dot"),
    ]
    marker = spec["data"][-1]
    bottom, top = spec["layout"]["yaxis"]["range"]
    assert marker["name"] == "diverged" and marker["x"] == [data.divergence_lr]
    assert marker["y"] == [min(data.curves[1].losses[-1], top)]  # kept in view
    assert bottom < min(min(c.trend) for c in data.curves)
    assert "never" not in spec["layout"]["title"]["text"]


def test_a_test_without_suggestion_says_why_in_the_title() -> None:
    stored = lr_range_test()
    stored["suggestions"] = [{"rule": "steepest", "lr": None, "reason": "flat"}]
    for curve in stored["curves"]:
        curve["suggestions"] = [{"rule": "steepest", "lr": None, "reason": "flat"}]
    data = lr_range_test_data(RangeTestResult.from_dict(stored))
    assert data.suggested_lr is None and data.interval is None
    spec = render_lr_range_test(data)
    assert "no suggestion: steepest: flat" in spec["layout"]["title"]["text"]
    assert [s["type"] for s in spec["layout"]["shapes"]] == ["line"]  # divergence only


def test_the_schedule_shows_the_planned_curve_over_the_horizon() -> None:
    data = build_lr_schedule_data(rich_snapshot())
    assert data is not None
    assert data.plan_epochs == (0.0, 4.0, 8.0, 12.0) and data.horizon_epochs == 12
    assert data.schedule == "exponential, final rate 0.01 x peak"
    spec = render_lr_schedule(data)
    assert spec["data"][0]["name"] == "planned rate (whole horizon)"
    assert spec["layout"]["shapes"][0]["x0"] == 9.5  # trained 10 of 12 epochs
    assert "trained 10 of 12 epochs" in spec["layout"]["title"]["text"]
    # Without a plan (older trials): the rates per epoch alone.
    plain = snapshot([trial(0, 1.0, user_attrs={"lr": [0.1, 0.05]})])
    old = build_lr_schedule_data(plain)
    assert old is not None and old.plan_epochs == () and old.horizon_epochs is None
    assert render_lr_schedule(old)["layout"]["shapes"] == []


def test_the_batch_size_figure_has_points_intervals_fit_and_both_rules() -> None:
    data = build_lr_batch_size_data(rich_snapshot())
    assert data is not None
    assert data.batch_sizes == (16, 32, 64, 128)
    assert data.exponent == pytest.approx(0.5)
    assert "consistent with the square-root rule" in data.verdict
    x0, y0 = data.centre()
    assert x0 == pytest.approx(math.sqrt(32 * 64)) and y0 == pytest.approx(1e-3 * (x0 / 32) ** 0.5)
    spec = render_lr_batch_size(data)
    names = [t.get("name") for t in spec["data"]]
    assert "linear rule (k = 1)" in names and "square-root rule (k = 0.5)" in names
    points = spec["data"][names.index("best rate (range_test)")]
    assert points["x"] == [16, 32, 64, 128]
    assert points["error_y"]["array"] == pytest.approx(
        [h - m for h, m in zip(data.highs, data.lrs, strict=True)]
    )
    assert spec["layout"]["xaxis"]["tickvals"] == [16, 32, 64, 128]
    assert build_lr_batch_size_data(snapshot([])) is None
