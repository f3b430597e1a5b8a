"""The winner's curse: known optimism, signs, test scores, a built-in task."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from tests.analysis.experiments.objectives import searched_study

import hypersense as hs
from hypersense.analysis.experiments.repeats import RepeatSummary
from hypersense.analysis.reevaluation import optimism, reevaluate
from hypersense.tasks.sklearn_digits import DigitsMLPTask


def pure_noise(trial: hs.Trial) -> float:
    """Every configuration has true mean 0; only the seed decides the value."""
    trial.suggest_float("x", 0.0, 1.0)
    return float(np.random.default_rng(trial.seed).normal(0.0, 1.0))


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_selecting_among_equal_configurations_shows_the_known_optimism(
    seed: int, direction: str
) -> None:
    # The best of 40 standard normals is ~2.2 better than the true mean 0, so the
    # true optimism of the selected configuration is |original|. The 99%
    # t-interval over 20 fresh seeds (half-width ~0.64) must hold it and exclude 0
    # (0 is excluded unless the best of 40 is within 0.64 of the mean: p ~ 1e-5).
    study = searched_study(pure_noise, n_trials=40, seed=seed, direction=direction)
    result = reevaluate(study, pure_noise, top_k=3, n_seeds=20, seed=seed, confidence=0.99)
    selected = result.selected
    assert selected.trial_number == study.best_trial.number
    true_optimism = abs(selected.original_value)
    interval = result.selected_optimism
    assert interval.low <= true_optimism <= interval.high
    assert interval.low > 0.0
    assert [c.rank for c in result.configurations] == [1, 2, 3]
    assert all(c.reevaluated.n == 20 for c in result.configurations)


def test_optimism_sign_and_interval_known_answers() -> None:
    summary = RepeatSummary(n=4, mean=1.5, std=0.2, low=1.2, high=1.8)
    low_is_good = optimism(1.0, summary, hs.StudyDirection.MINIMIZE)
    assert (low_is_good.estimate, low_is_good.low, low_is_good.high) == pytest.approx(
        (0.5, 0.2, 0.8)
    )
    high_is_good = optimism(2.0, summary, hs.StudyDirection.MAXIMIZE)
    assert (high_is_good.estimate, high_is_good.low, high_is_good.high) == pytest.approx(
        (0.5, 0.2, 0.8)
    )
    honest = optimism(1.5, summary, hs.StudyDirection.MAXIMIZE)
    assert honest.low < 0.0 < honest.high


def shifted(trial: hs.Trial) -> float:
    """True mean 1 for x=0 and 0 for x=1, seed noise sd 0.1."""
    x = trial.suggest_int("x", 0, 1)
    return 1.0 - x + float(np.random.default_rng(trial.seed).normal(0.0, 0.1))


def test_a_lucky_selection_is_overturned_by_reevaluation() -> None:
    study = hs.create_study()
    # Values as a search might have seen them: x=0 once very lucky, once unlucky.
    for x, seen in [(0, -5.0), (1, 0.05), (0, 3.0)]:
        study.enqueue_trial({"x": x})
        trial = study.ask()
        trial.suggest_int("x", 0, 1)
        study.tell(trial, seen)
    result = reevaluate(study, shifted, top_k=5, n_seeds=6, seed=0)
    # x=0 appears twice: the distinct configurations are x=0 (best, -5) and x=1.
    assert [c.params for c in result.configurations] == [{"x": 0}, {"x": 1}]
    assert result.best_after_reevaluation.params == {"x": 1}
    assert result.selected_optimism.estimate == pytest.approx(6.0, abs=0.15)


def test_test_scores_use_the_reevaluation_seeds() -> None:
    calls: list[tuple[dict[str, object], int]] = []

    def test_fn(params: dict[str, object], *, seed: int) -> float:
        calls.append((dict(params), seed))
        return 10.0 + seed % 3

    study = searched_study(pure_noise, n_trials=10, seed=0)
    result = reevaluate(study, pure_noise, top_k=2, n_seeds=3, test_fn=test_fn, seed=1)
    companion = hs.load_study(result.companion_study_name, study.storage)
    seeds_by_config: dict[str, list[int]] = {}
    for t in companion.trials:
        seeds_by_config.setdefault(json.dumps(dict(t.params)), []).append(t.system_attrs["seed"])
    assert len(calls) == 6
    for c in result.configurations:
        seeds = seeds_by_config[json.dumps(dict(c.params))]
        assert [s for p, s in calls if p == c.params] == seeds
        assert c.test is not None and c.test.n == 3
        assert c.test.mean == pytest.approx(np.mean([10.0 + s % 3 for s in seeds]))
        assert c.test_optimism is not None
        # Minimised metric: test optimism is the mean test score minus the original.
        assert c.test_optimism.estimate == pytest.approx(c.test.mean - c.original_value)


def test_reevaluating_a_built_in_task_on_its_test_set() -> None:
    space = {
        "hidden_width": hs.IntDistribution(16, 32, log=True),
        "n_layers": hs.IntDistribution(1, 1),
        "alpha": hs.FloatDistribution(1e-4, 1e-3, log=True),
        "learning_rate_init": hs.FloatDistribution(1e-2, 3e-2, log=True),
        "batch_size": hs.CategoricalDistribution((128,)),
    }
    task = DigitsMLPTask(space=space, max_iter=3, n_folds=2)
    study = searched_study(task.objective, n_trials=2, direction="maximize")
    result = reevaluate(study, task.objective, top_k=1, n_seeds=2, test_fn=task.evaluate_test)
    selected = result.selected
    assert selected.test is not None and selected.test.n == 2
    assert 0.5 < selected.test.mean <= 1.0 and 0.5 < selected.reevaluated.mean <= 1.0


def test_second_call_runs_nothing_and_results_serialise() -> None:
    counted = {"n": 0}

    def objective(trial: hs.Trial) -> float:
        counted["n"] += 1
        return pure_noise(trial)

    study = searched_study(objective, n_trials=6, seed=0)
    first = reevaluate(study, objective, top_k=10, n_seeds=2, seed=0)
    assert len(first.configurations) == 6 and counted["n"] == 6 + 12
    again = reevaluate(study, objective, top_k=10, n_seeds=2, seed=0)
    assert counted["n"] == 18 and again.to_dict() == first.to_dict()
    data = json.loads(json.dumps(first.to_dict(), allow_nan=False))
    assert data["direction"] == "minimize" and "test_mean" not in data["configurations"][0]
    frame = first.to_pandas()
    assert list(frame["rank"]) == list(range(1, 7))
    assert {"original_value", "reevaluated_mean", "optimism_low"} <= set(frame.columns)


def test_failed_reevaluations_leave_a_nan_mean() -> None:
    study = searched_study(pure_noise, n_trials=4, seed=0)

    def always_fails(trial: hs.Trial) -> float:
        raise ValueError("out of memory")

    result = reevaluate(study, always_fails, top_k=1, n_seeds=2, catch=ValueError, seed=0)
    assert result.selected.reevaluated.n == 0
    assert math.isnan(result.selected_optimism.estimate)
    assert json.dumps(result.to_dict(), allow_nan=False)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"top_k": 0}, "top_k"),
        ({"n_seeds": 1}, "n_seeds"),
        ({"test_fn": 3}, "test_fn"),
        ({"confidence": 95}, "confidence"),
        ({"seed": 1.5}, "seed"),
    ],
)
def test_bad_options_name_the_argument(kwargs: dict[str, object], match: str) -> None:
    study = searched_study(pure_noise, n_trials=2)
    with pytest.raises((ValueError, TypeError), match=match):
        reevaluate(study, pure_noise, **kwargs)  # type: ignore[arg-type]
