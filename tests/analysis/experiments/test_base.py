"""Running designs through companion studies: storage, links, resume, parallel, pruning."""

from __future__ import annotations

import logging

import numpy as np
import pytest

import hypersense as hs
from hypersense.analysis.experiments.base import (
    DESIGN_KEY_ATTR,
    DesignPoint,
    _companion_seed,
    config_key,
    run_design,
)
from hypersense.analysis.experiments.options import RunOptions, check_run_options
from hypersense.history import StudyHistory
from hypersense.pruners.base import PruneDecision, Pruner
from hypersense.samplers.random import RandomSampler
from hypersense.trial.frozen import FrozenTrial


def seeded_objective(trial: hs.Trial) -> float:
    """100·x plus a known function of the seed, so values reveal which seed ran."""
    x = trial.suggest_int("x", 0, 9)
    return 100.0 * x + trial.seed % 7


def _parent(storage: str | None = None, seed: int = 0) -> hs.Study:
    study = hs.create_study(study_name="search", storage=storage, sampler=RandomSampler(seed=seed))
    study.optimize(seeded_objective, n_trials=5)
    return study


def _points(xs: list[int], n_repeats: int) -> list[DesignPoint]:
    return [
        DesignPoint(config_key({"x": x}, "seed", r), {"x": x}, {"x": x, "replicate": r})
        for x in xs
        for r in range(n_repeats)
    ]


OPTIONS = RunOptions(n_jobs=1, seed=0, pruner=None, catch=())


def test_design_runs_in_a_linked_companion_study() -> None:
    parent = _parent()
    points = _points([1, 2, 3], 2)
    outcome = run_design(parent, seeded_objective, points, experiment="demo", options=OPTIONS)
    assert outcome.companion_study_name == "search:demo"
    assert outcome.n_new_trials == 6
    seeds = np.array(outcome.seeds)
    np.testing.assert_array_equal(outcome.values, 100.0 * np.repeat([1, 2, 3], 2) + seeds % 7)
    assert len(set(outcome.seeds)) == 6  # repeats differ by seed
    assert parent.system_attrs["companion:demo"] == "search:demo"
    companion = hs.load_study("search:demo", parent.storage)
    assert companion.system_attrs["parent_study"] == "search"
    assert companion.system_attrs["experiment"] == "demo"
    first = companion.trials[0]
    assert first.user_attrs[DESIGN_KEY_ATTR] == points[0].key
    assert (first.user_attrs["design_x"], first.user_attrs["design_replicate"]) == (1, 0)
    assert len(parent.trials) == 5  # the searched study is untouched


def test_running_again_reuses_stored_trials_and_adds_only_new_points() -> None:
    parent = _parent()
    first = run_design(
        parent, seeded_objective, _points([1, 2], 2), experiment="d", options=OPTIONS
    )
    again = run_design(
        parent, seeded_objective, _points([1, 2], 2), experiment="d", options=OPTIONS
    )
    assert again.n_new_trials == 0
    np.testing.assert_array_equal(again.values, first.values)
    more = run_design(parent, seeded_objective, _points([1, 2], 3), experiment="d", options=OPTIONS)
    assert more.n_new_trials == 2
    np.testing.assert_array_equal(more.values[[0, 1, 3, 4]], first.values)


def test_an_interrupted_design_resumes_where_it_stopped() -> None:
    parent = _parent()
    calls = {"n": 0}

    def breaks_on_third_call(trial: hs.Trial) -> float:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("worker lost")
        return seeded_objective(trial)

    points = _points([1, 2, 3], 2)
    with pytest.raises(RuntimeError, match="worker lost"):
        run_design(parent, breaks_on_third_call, points, experiment="r", options=OPTIONS)
    resumed = run_design(parent, seeded_objective, points, experiment="r", options=OPTIONS)
    # The failed point is enqueued again; the three never started were still waiting.
    assert resumed.n_new_trials == 4
    assert np.isfinite(resumed.values).all()
    assert len(hs.load_study("search:r", parent.storage).trials) == 7


class AlwaysPrune(Pruner):
    def decide(self, history: StudyHistory, trial: FrozenTrial) -> PruneDecision:
        return PruneDecision.PRUNE


def test_failed_and_pruned_points_give_nan() -> None:
    parent = _parent()

    def fails_on_two(trial: hs.Trial) -> float:
        if trial.suggest_int("x", 0, 9) == 2:
            raise ValueError("diverged")
        return seeded_objective(trial)

    caught = check_run_options(n_jobs=1, seed=0, pruner=None, catch=ValueError)
    outcome = run_design(parent, fails_on_two, _points([1, 2], 1), experiment="f", options=caught)
    assert np.isfinite(outcome.values[0]) and np.isnan(outcome.values[1])

    def reports(trial: hs.Trial) -> float:
        trial.report(seeded_objective(trial), 0)
        if trial.should_prune():
            raise hs.TrialPruned()
        return 0.0

    pruning = check_run_options(n_jobs=1, seed=0, pruner=AlwaysPrune(), catch=())
    pruned = run_design(parent, reports, _points([1, 2], 1), experiment="p", options=pruning)
    assert np.isnan(pruned.values).all()
    states = {t.state for t in hs.load_study("search:p", parent.storage).trials}
    assert states == {hs.TrialState.PRUNED}
    # Running again retries the failed point but not the pruned ones.
    retried = run_design(parent, fails_on_two, _points([1, 2], 1), experiment="f", options=caught)
    assert retried.n_new_trials == 1
    kept = run_design(parent, reports, _points([1, 2], 1), experiment="p", options=pruning)
    assert kept.n_new_trials == 0


def test_parallel_workers_give_the_same_values_as_one() -> None:
    # Trial numbers (hence seeds) are fixed when the points are enqueued, so the
    # worker count cannot change any value.
    points = _points([1, 2, 3, 4], 2)
    one = run_design(_parent(), seeded_objective, points, experiment="j", options=OPTIONS)
    two_jobs = RunOptions(n_jobs=2, seed=0, pruner=None, catch=())
    two = run_design(_parent(), seeded_objective, points, experiment="j", options=two_jobs)
    np.testing.assert_array_equal(one.values, two.values)
    assert one.seeds == two.seeds


def test_sqlite_storage_keeps_the_design_across_loads(sqlite_url: str) -> None:
    points = _points([1, 2], 2)
    first = run_design(
        _parent(sqlite_url), seeded_objective, points, experiment="s", options=OPTIONS
    )
    reloaded = hs.load_study("search", sqlite_url)
    again = run_design(reloaded, seeded_objective, points, experiment="s", options=OPTIONS)
    assert again.n_new_trials == 0
    np.testing.assert_array_equal(again.values, first.values)
    assert {s.record.name for s in hs.get_all_study_summaries(sqlite_url)} == {"search", "search:s"}


def test_each_experiment_draws_its_own_fresh_seeds() -> None:
    parent = _parent(seed=0)
    a = run_design(parent, seeded_objective, _points([1], 3), experiment="a", options=OPTIONS)
    b = run_design(parent, seeded_objective, _points([1], 3), experiment="b", options=OPTIONS)
    searched = {t.system_attrs["seed"] for t in parent.trials}
    assert not set(a.seeds) & set(b.seeds)
    assert not set(a.seeds) & searched


def test_reused_search_seeds_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    # A search whose sampler seed is the companion's own draws the same trial seeds.
    parent = _parent(seed=_companion_seed(0, "clash"))  # type: ignore[arg-type]
    with caplog.at_level(logging.WARNING, logger="hypersense.analysis.experiments.base"):
        run_design(parent, seeded_objective, _points([1], 2), experiment="clash", options=OPTIONS)
    assert "already used" in caplog.text


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_jobs": 0}, "n_jobs"),
        ({"seed": -1}, "seed"),
        ({"pruner": "median"}, "pruner"),
        ({"catch": [ValueError, "x"]}, "catch"),
    ],
)
def test_run_options_name_the_bad_argument(kwargs: dict[str, object], match: str) -> None:
    options: dict[str, object] = {"n_jobs": 1, "seed": None, "pruner": None, "catch": ()}
    with pytest.raises((ValueError, TypeError), match=match):
        check_run_options(**{**options, **kwargs})
