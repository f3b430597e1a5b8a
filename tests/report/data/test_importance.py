"""Importance, marginal and interaction data classes."""

from __future__ import annotations

import math

import pytest

from hypersense.report.data import (
    ImportanceData,
    InteractionSurface,
    MarginalCurve,
    ParameterImportance,
    build_marginal_data,
)
from tests.report.studies import importance_data, snapshot, trial


def test_importances_are_sorted_and_compared_with_the_noise_floor() -> None:
    data = importance_data()
    assert [p.name for p in data.parameters] == ["lr", "layers", "optimizer"]
    assert data.above_noise() == ("lr", "layers")
    no_floor = ImportanceData(
        "x", (ParameterImportance("a", math.nan), ParameterImportance("b", 1.0))
    )
    assert [p.name for p in no_floor.parameters] == ["b", "a"]
    assert no_floor.above_noise() == ("b", "a")


def test_slices_follow_the_importance_order_and_skip_fixed_parameters() -> None:
    trials = [
        trial(0, 1.0, params={"lr": 1e-3, "layers": 2, "optimizer": "sgd"}),
        trial(1, 2.0, params={"lr": 1e-2, "layers": 3}),
    ]
    data = build_marginal_data(snapshot(trials), order=["optimizer", "unknown"])
    assert data is not None and not data.has_model
    assert [c.parameter for c in data.curves] == ["optimizer", "lr", "layers"]
    optimizer, lr, _ = data.curves
    assert optimizer.observed_x == ("sgd",) and optimizer.observed_y == (1.0,)
    assert lr.kind == "log" and lr.observed_x == (1e-3, 1e-2)
    assert build_marginal_data(snapshot([])) is None


def test_shapes_are_checked() -> None:
    with pytest.raises(ValueError, match="grid, mean, low and high"):
        MarginalCurve("lr", "log", (1.0, 2.0), (1.0,), (1.0,), (1.0,))
    with pytest.raises(ValueError, match="observed_x and observed_y"):
        MarginalCurve("lr", "log", observed_x=(1.0,), observed_y=())
    with pytest.raises(ValueError, match="2 rows of 1 values"):
        InteractionSurface("a", "b", "linear", "linear", (1.0,), (1.0, 2.0), ((1.0,),), 0.1)
