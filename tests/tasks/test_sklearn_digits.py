"""The digits MLP task: folds, reports, pruning, test-set scoring, options."""

from __future__ import annotations

import math

import numpy as np
import pytest

import hypersense as hs
from hypersense.pruners import MedianPruner
from hypersense.samplers import RandomSampler
from hypersense.space import CategoricalDistribution, FloatDistribution, IntDistribution
from hypersense.tasks.sklearn_digits import DigitsMLPTask, split_digits

GOOD = {
    "hidden_width": 64,
    "n_layers": 1,
    "alpha": 1e-4,
    "learning_rate_init": 1e-2,
    "batch_size": 32,
}
# A tiny learning rate with five epochs leaves the network near chance level.
HOPELESS = {
    "hidden_width": 16,
    "n_layers": 1,
    "alpha": 1e-1,
    "learning_rate_init": 1e-4,
    "batch_size": 256,
}


@pytest.fixture(scope="module")
def task() -> DigitsMLPTask:
    return DigitsMLPTask(max_iter=5)


def test_default_space_is_the_documented_one() -> None:
    space = DigitsMLPTask.default_space()
    assert dict(space) == {
        "hidden_width": IntDistribution(16, 128, log=True),
        "n_layers": IntDistribution(1, 3),
        "alpha": FloatDistribution(1e-6, 1e-1, log=True),
        "learning_rate_init": FloatDistribution(1e-4, 1e-1, log=True),
        "batch_size": CategoricalDistribution((32, 64, 128, 256)),
    }
    assert DigitsMLPTask.direction is hs.StudyDirection.MAXIMIZE
    assert DigitsMLPTask.metric_name == "accuracy"


def test_split_holds_out_a_stratified_test_set_and_partitions_the_rest() -> None:
    split = split_digits(n_folds=3, split_seed=0, test_fraction=0.2)
    # 1797 images; scikit-learn rounds the test share up: ceil(0.2 * 1797) = 360.
    assert split.x_test.shape == (360, 64) and split.x_search.shape == (1437, 64)
    assert split.x_search.min() >= 0.0 and split.x_search.max() <= 1.0
    validation = np.concatenate([va for _, va in split.folds])
    assert sorted(validation.tolist()) == list(range(1437))  # each image validated once
    for train, val in split.folds:
        assert not set(train.tolist()) & set(val.tolist())
        assert set(split.y_search[val].tolist()) == set(range(10))
    assert set(split.y_test.tolist()) == set(range(10))
    no_test = split_digits(n_folds=3, split_seed=0, test_fraction=0.0)
    assert no_test.x_search.shape == (1797, 64) and no_test.x_test.shape == (0, 64)


def test_tiny_run_reports_every_fold_and_returns_their_mean(task: DigitsMLPTask) -> None:
    study = hs.create_study(
        direction="maximize",
        sampler=RandomSampler(seed=0),
    )
    study.optimize(task.objective, n_trials=2)
    for trial in study.trials:
        assert trial.state is hs.TrialState.COMPLETE, trial.fail_reason
        folds = [trial.intermediate_values[s] for s in (0, 1, 2)]
        assert set(trial.intermediate_values) == {0, 1, 2}
        assert all(0.0 < a <= 1.0 for a in folds)
        assert trial.value == pytest.approx(np.mean(folds), abs=1e-12)
        assert trial.user_attrs["fold_accuracies"] == folds
        sem = np.std(folds, ddof=1) / math.sqrt(3)
        assert trial.user_attrs["accuracy_sem"] == pytest.approx(sem, abs=1e-12)
        assert set(trial.params) == set(DigitsMLPTask.default_space())


def test_median_pruner_stops_a_hopeless_configuration_before_its_last_fold(
    task: DigitsMLPTask,
) -> None:
    study = hs.create_study(
        sampler=hs.samplers.RandomSampler(seed=0),
        direction="maximize",
        pruner=MedianPruner(n_startup_trials=2),
    )
    study.enqueue_trial(GOOD)
    study.enqueue_trial({**GOOD, "hidden_width": 32})
    study.enqueue_trial(HOPELESS)
    study.optimize(task.objective, n_trials=3)
    good, also_good, hopeless = study.trials
    assert good.state is also_good.state is hs.TrialState.COMPLETE
    assert good.value > 0.8 and also_good.value > 0.8  # type: ignore[operator]
    assert hopeless.state is hs.TrialState.PRUNED
    assert hopeless.last_step is not None and hopeless.last_step < 2
    assert hopeless.intermediate_values[0] < 0.5


def test_same_params_and_seed_give_the_same_score(task: DigitsMLPTask) -> None:
    first = task.objective(hs.FixedTrial(GOOD, seed=3))
    again = task.objective(hs.FixedTrial(GOOD, seed=3))
    assert first == again


def test_evaluate_test_scores_the_held_out_set(task: DigitsMLPTask) -> None:
    assert task.has_test_set
    accuracy = task.evaluate_test(GOOD, seed=0)
    assert 0.8 < accuracy <= 1.0
    no_test = DigitsMLPTask(max_iter=5, test_fraction=0.0)
    assert not no_test.has_test_set
    with pytest.raises(NotImplementedError, match="no test set"):
        no_test.evaluate_test(GOOD)


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"max_iter": 0}, "max_iter"),
        ({"n_folds": 1}, "n_folds"),
        ({"n_folds": 11}, "n_folds"),
        ({"split_seed": -1}, "split_seed"),
        ({"test_fraction": 0.7}, "test_fraction"),
        ({"test_fraction": True}, "test_fraction"),
        ({"n_threads": 0}, "n_threads"),
        ({"max_iter": 2.5}, "max_iter"),
    ],
)
def test_bad_options_are_rejected_naming_the_option(options: dict, named: str) -> None:
    with pytest.raises(ValueError, match=f"`{named}`"):
        DigitsMLPTask(**options)


def test_space_must_name_exactly_the_tasks_parameters() -> None:
    space = dict(DigitsMLPTask.default_space())
    del space["alpha"]
    space["dropout"] = FloatDistribution(0.0, 0.5)
    with pytest.raises(ValueError, match=r"missing \['alpha'\], unknown \['dropout'\]"):
        DigitsMLPTask(space=space)


def test_repr_shows_options_and_a_non_default_space() -> None:
    assert repr(DigitsMLPTask(max_iter=7)) == (
        "DigitsMLPTask(max_iter=7, n_folds=3, split_seed=0, test_fraction=0.2, n_threads=1)"
    )
    narrowed = {**DigitsMLPTask.default_space(), "n_layers": IntDistribution(1, 1)}
    assert "space=SearchSpace(" in repr(DigitsMLPTask(space=narrowed))
