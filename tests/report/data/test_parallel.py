"""Parallel coordinates: log axes in log10, categorical indices, inactive values."""

from __future__ import annotations

import math

from hypersense import TrialState
from hypersense.report.data import build_parallel_coordinates_data
from tests.report.studies import snapshot, trial


def test_axes_encode_log_integer_and_categorical_parameters() -> None:
    snap = snapshot(
        [
            trial(0, 1.0, params={"lr": 1e-3, "layers": 2, "optimizer": "adam"}),
            trial(1, 2.0, params={"lr": 1e-1, "layers": 4}),  # optimizer inactive
            trial(2, 9.0, state=TrialState.PRUNED, params={"lr": 1e-2, "layers": 1}),
        ]
    )
    data = build_parallel_coordinates_data(snap)
    assert data is not None
    assert data.numbers == (0, 1)
    lr, layers, optimizer = data.axes
    assert (lr.kind, lr.low, lr.high) == ("log", -4.0, 0.0)
    assert lr.values == (-3.0, -1.0)
    assert (layers.kind, layers.values, layers.low, layers.high) == ("linear", (2.0, 4.0), 1, 4)
    assert optimizer.kind == "categorical"
    assert optimizer.tick_labels == ("sgd", "adam")
    assert optimizer.values[0] == 1.0 and math.isnan(optimizer.values[1])
    assert data.objective.values == (1.0, 2.0)
    assert data.objective_is_minimized


def test_no_trial_or_no_parameter_gives_none() -> None:
    assert build_parallel_coordinates_data(snapshot([])) is None
    assert build_parallel_coordinates_data(snapshot([trial(0, 1.0, params={})])) is None
