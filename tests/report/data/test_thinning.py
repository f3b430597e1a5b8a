"""Thinned figures of large studies: what matters and the newest points are kept,
summaries come from every trial, and the note says what was left out."""

from __future__ import annotations

import numpy as np

from hypersense.direction import StudyDirection
from hypersense.report.data import (
    build_history_data,
    build_learning_curves_data,
    build_parallel_coordinates_data,
    build_pareto_data,
)
from hypersense.report.data.thinning import kept_indices
from hypersense.trial.state import TrialState
from tests.report.studies import snapshot, trial

MIN_MAX = (StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE)


def test_kept_indices_keep_required_and_newest_within_the_limit() -> None:
    assert kept_indices(5, 10, []).tolist() == [0, 1, 2, 3, 4]
    assert kept_indices(5, None, []).tolist() == [0, 1, 2, 3, 4]
    kept = kept_indices(1000, 100, [3, 500]).tolist()
    assert len(kept) == 100 and kept == sorted(set(kept))
    assert {3, 500} <= set(kept)
    assert set(range(990, 1000)) <= set(kept)  # the newest tenth of the budget


def _noisy(n: int) -> list:  # type: ignore[type-arg]
    rng = np.random.default_rng(0)
    return [
        trial(i, float(rng.normal()), params={"lr": float(10 ** rng.uniform(-4, 0))})
        for i in range(n)
    ]


def test_a_thinned_history_keeps_every_improvement_and_the_newest_trial() -> None:
    snap = snapshot(_noisy(3000))
    full = build_history_data(snap)
    thin = build_history_data(snap, max_points=200)
    assert full is not None and thin is not None
    assert full.note == "" and len(full.numbers) == 3000
    assert len(thin.numbers) == 200 and thin.numbers[-1] == 2999
    assert thin.best_number == full.best_number
    records = {
        n
        for i, n in enumerate(full.numbers)
        if i == 0 or full.best_so_far[i] != full.best_so_far[i - 1]
    }
    assert records <= set(thin.numbers)
    by_number = dict(zip(full.numbers, full.best_so_far, strict=True))
    assert all(by_number[n] == b for n, b in zip(thin.numbers, thin.best_so_far, strict=True))
    assert thin.note.startswith("showing 200 of 3000 completed")


def test_thinned_parallel_coordinates_keep_the_best_and_count_every_trial() -> None:
    snap = snapshot(_noisy(3000))
    data = build_parallel_coordinates_data(snap, max_lines=100)
    assert data is not None and len(data.numbers) == 100 and data.n_trials == 3000
    values = [t.values[0] for t in snap.trials]
    best = int(np.argmin(values))
    assert best in data.numbers
    assert data.objective.low == min(values) and data.objective.high == max(values)
    assert "showing 100 of 3000" in data.note


def test_a_thinned_pareto_figure_keeps_the_whole_front() -> None:
    rng = np.random.default_rng(1)
    trials = [trial(i, [float(v) for v in rng.normal(size=2)]) for i in range(2000)]
    full = build_pareto_data(snapshot(trials, directions=MIN_MAX))
    thin = build_pareto_data(snapshot(trials, directions=MIN_MAX), max_points=100)
    assert full is not None and thin is not None
    assert set(full.front()) == set(thin.front())
    assert thin.n_trials == 2000 and len(thin.numbers) <= 100 + len(full.front())


def test_running_curves_are_always_kept() -> None:
    trials = [trial(i, float(i), curve=(1.0, 0.5)) for i in range(50)]
    trials.append(trial(50, None, state=TrialState.RUNNING, curve=(2.0,)))
    data = build_learning_curves_data(snapshot(trials), max_curves=10)
    assert data is not None and len(data.curves) <= 11
    assert 50 in [c.number for c in data.curves]
