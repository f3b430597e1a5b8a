"""Optimisation history: known running best, pruned values apart, degenerate studies."""

from __future__ import annotations

import math

import pytest

from hypersense import StudyDirection, TrialState
from hypersense.report.data import build_history_data
from tests.report.studies import snapshot, trial


def test_running_best_of_a_minimised_study_with_pruned_and_failed_trials() -> None:
    snap = snapshot(
        [
            trial(0, 3.0),
            trial(1, 5.0),
            trial(2, 1.0, state=TrialState.PRUNED),
            trial(3, 2.0),
            trial(4, None, state=TrialState.FAIL),
            trial(5, 2.0),
            trial(6, math.nan, state=TrialState.PRUNED),
        ]
    )
    data = build_history_data(snap)
    assert data is not None
    assert data.numbers == (0, 1, 3, 5)
    assert data.values == (3.0, 5.0, 2.0, 2.0)
    assert data.best_so_far == (3.0, 3.0, 2.0, 2.0)
    assert data.best_number == 3  # the earliest of the tied trials
    assert data.pruned_numbers == (2,)  # the NaN one is left out
    assert data.pruned_values == (1.0,)


def test_running_best_of_a_maximised_objective_of_a_multi_objective_study() -> None:
    directions = (StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE)
    snap = snapshot(
        [trial(0, (1.0, 0.2)), trial(1, (2.0, 0.9)), trial(2, (0.5, 0.4))], directions=directions
    )
    data = build_history_data(snap, objective=1)
    assert data is not None
    assert data.best_so_far == (0.2, 0.9, 0.9)
    assert data.best_number == 1
    assert data.objective_name == "value 1"
    with pytest.raises(ValueError, match="`objective` must be in \\[0, 2\\)"):
        build_history_data(snap, objective=2)


def test_no_completed_trial_gives_no_history_and_one_gives_one_point() -> None:
    assert build_history_data(snapshot([])) is None
    assert build_history_data(snapshot([trial(0, None, state=TrialState.FAIL)])) is None
    single = build_history_data(snapshot([trial(0, 0.5)]))
    assert single is not None and single.best_so_far == (0.5,)


def test_objective_names_come_from_the_study_attribute() -> None:
    snap = snapshot([trial(0, 0.5)], user_attrs={"objective_names": ["accuracy"]})
    data = build_history_data(snap)
    assert data is not None and data.objective_name == "accuracy"
