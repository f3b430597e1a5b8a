"""Learning curves: thinning, the quartile band, rungs from tags, pruning savings."""

from __future__ import annotations

import numpy as np
import pytest

from hypersense import TrialState
from hypersense.report.data import build_learning_curves_data, build_pruning_savings
from hypersense.report.data.curves import thin_indices
from hypersense.trial import SystemAttr
from tests.report.studies import rich_snapshot, snapshot, trial


def test_thin_indices_keeps_the_ends_and_at_most_the_limit() -> None:
    assert thin_indices(5, 10).tolist() == [0, 1, 2, 3, 4]
    kept = thin_indices(1000, 100)
    assert kept[0] == 0 and kept[-1] == 999 and len(kept) == 100
    assert np.all(np.diff(kept) > 0)


def test_band_is_the_quartiles_of_every_curve_at_each_step() -> None:
    trials = [trial(i, float(i), curve=[float(i), float(i) + 10]) for i in range(5)]
    trials.append(trial(5, 50.0, state=TrialState.PRUNED, curve=[100.0]))
    data = build_learning_curves_data(snapshot(trials))
    assert data is not None
    assert data.band_steps == (0, 1)
    # Step 0 holds 0, 1, 2, 3, 4, 100; step 1 holds 10..14 (the pruned curve stopped).
    assert data.band_median == (2.5, 12.0)
    assert data.band_low == (pytest.approx(1.25), 11.0)
    assert data.band_high == (pytest.approx(3.75), 13.0)
    assert data.note == ""
    assert [c.state for c in data.curves].count(TrialState.PRUNED) == 1


def test_many_curves_are_cut_to_the_best_and_an_even_spread_and_thinned() -> None:
    trials = [trial(i, float(i), curve=[float(i)] * 50) for i in range(40)]
    data = build_learning_curves_data(snapshot(trials), max_curves=10, max_points=5)
    assert data is not None
    numbers = [c.number for c in data.curves]
    assert len(numbers) == 10 and numbers[:2] == [0, 1]  # the two best (a fifth of 10)
    assert numbers[-1] == 39  # the spread reaches the last trial
    assert all(len(c.steps) == 5 and c.steps[-1] == 49 for c in data.curves)
    assert "showing 10 of 40 curves" in data.note and "at most 5 steps" in data.note
    assert data.n_curves_total == 40


def test_rungs_and_brackets_come_from_the_tags() -> None:
    data = build_learning_curves_data(rich_snapshot())
    assert data is not None
    assert {r.bracket for r in data.rungs} == {"0", "1"}
    assert all(r.steps == (1, 3, 9) for r in data.rungs)
    assert {c.bracket for c in data.curves} == {"0", "1"}
    plain = snapshot([trial(0, 1.0, curve=[1.0, 0.5])])
    data = build_learning_curves_data(plain)
    assert data is not None and data.rungs == ()


def test_a_malformed_rung_tag_draws_no_rung() -> None:
    tags = {SystemAttr.TAGS: {"rungs": "1,x"}}
    data = build_learning_curves_data(snapshot([trial(0, 1.0, curve=[1.0], system_attrs=tags)]))
    assert data is not None and data.rungs == ()


def test_no_intermediate_values_gives_none_and_bad_limits_are_named() -> None:
    assert build_learning_curves_data(snapshot([trial(0, 1.0)])) is None
    with pytest.raises(ValueError, match="`max_curves` must be an integer >= 5 \\(got 2\\)"):
        build_learning_curves_data(snapshot([]), max_curves=2)
    with pytest.raises(ValueError, match="`max_points`"):
        build_learning_curves_data(snapshot([]), max_points=1)


def test_pruning_savings_count_steps_against_full_length_runs() -> None:
    trials = [
        trial(0, 1.0, curve=[1.0] * 10),
        trial(1, 1.0, curve=[1.0] * 10),
        trial(2, 3.0, state=TrialState.PRUNED, curve=[3.0] * 2),
        trial(3, 3.0, state=TrialState.PRUNED, curve=[3.0] * 4),
    ]
    savings = build_pruning_savings(snapshot(trials))
    assert savings is not None
    assert (savings.n_pruned, savings.n_complete, savings.steps_run) == (2, 2, 26)
    assert savings.steps_without_pruning == 40.0
    assert savings.fraction_saved == pytest.approx(1 - 26 / 40)
    assert build_pruning_savings(snapshot(trials[:2])) is None


def test_a_pruned_trials_budget_is_what_it_would_have_run() -> None:
    budget = {SystemAttr.BUDGET: 27.0}
    trials = [
        trial(0, 1.0, curve=[1.0] * 10),
        trial(1, 3.0, state=TrialState.PRUNED, curve=[3.0] * 2, system_attrs=budget),
        trial(2, 3.0, state=TrialState.PRUNED, curve=[3.0] * 4),
    ]
    savings = build_pruning_savings(snapshot(trials))
    assert savings is not None
    assert savings.steps_run == 16
    assert savings.steps_without_pruning == 10 + 27 + 10


def test_forecasts_of_curves_that_stopped_before_their_target() -> None:
    note = {
        "step": 2,
        "target_step": 9,
        "predicted": 0.8,
        "interval_90": [0.6, 1.1],
        "probability_beats_best": 0.01,
    }
    attrs = {"curve_forecast": note}
    trials = [
        trial(0, 0.5, curve=[2.0, 1.0] + [0.5] * 8),
        trial(1, 1.2, state=TrialState.PRUNED, curve=[2.0, 1.5, 1.2], system_attrs=attrs),
        # reached its target step: its curve, not the forecast, is drawn
        trial(2, 0.7, curve=[2.0] + [0.7] * 9, system_attrs=attrs),
        # malformed or for a step it never reported: nothing drawn
        trial(3, 1.0, state=TrialState.PRUNED, curve=[1.0], system_attrs=attrs),
        trial(4, 1.0, state=TrialState.PRUNED, curve=[1.0] * 3, system_attrs={"curve_forecast": 1}),
    ]
    data = build_learning_curves_data(snapshot(trials))
    assert data is not None
    (mark,) = data.forecasts
    assert (mark.number, mark.step, mark.value, mark.target_step) == (1, 2, 1.2, 9)
    assert (mark.low, mark.predicted, mark.high) == (0.6, 0.8, 1.1)
