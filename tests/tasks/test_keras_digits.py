"""The Keras digits task (Keras 3 on its torch backend): a config run, pruning,
reproducible training, the sealed test set."""

from __future__ import annotations

from pathlib import Path

import pytest

import hypersense as hs
from hypersense.config.loader import load_config
from hypersense.config.run import run_config
from hypersense.pruners import MedianPruner
from hypersense.space import IntDistribution
from hypersense.tasks import task_class
from hypersense.tasks.final_evaluation import evaluate_on_test
from hypersense.tasks.keras_digits import KerasDigitsMLPTask
from hypersense.torch import TrainingAttr
from tests.config.helpers import write_config

GOOD = {
    "lr": 1e-2,
    "weight_decay": 1e-4,
    "schedule": "constant",
    "batch_size": 32,
    "width": 64,
    "depth": 1,
    "dropout": 0.0,
    "activation": "relu",
}
# A rate 100 times smaller, heavy dropout and big batches: near chance after an epoch.
HOPELESS = {**GOOD, "lr": 1e-4, "batch_size": 128, "width": 16, "dropout": 0.5}


def test_a_config_tunes_the_keras_task(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        """
        study_name: keras
        task: keras-digits-mlp
        task_options:
          max_epochs: 2
        space:
          width: 32
          schedule: [constant, cosine]
        sampler: random
        seed: 1
        n_trials: 2
        """,
    )
    url = f"sqlite:///{tmp_path / 'keras.db'}"
    assert run_config(load_config(path), storage=url).n_done == 2
    for trial in hs.load_study("keras", url).trials:
        assert trial.state is hs.TrialState.COMPLETE, trial.fail_reason
        assert trial.distributions["width"] == IntDistribution(32, 32)
        curve = trial.user_attrs[TrainingAttr.VAL_METRIC]
        assert trial.intermediate_values == dict(enumerate(curve))  # every epoch reported
        assert trial.value == max(curve) > 0.5


def test_a_hopeless_trial_is_pruned_and_the_best_retrains_on_test() -> None:
    task = KerasDigitsMLPTask(max_epochs=3)
    assert task_class("keras-digits-mlp") is KerasDigitsMLPTask
    study = hs.create_study(direction="maximize", pruner=MedianPruner(n_startup_trials=2))
    for params in (GOOD, {**GOOD, "width": 32}, HOPELESS):
        study.enqueue_trial(params)
    study.optimize(task.objective, n_trials=3)
    good, also_good, hopeless = study.trials
    for trial in (good, also_good):
        assert trial.state is hs.TrialState.COMPLETE, trial.fail_reason
        assert set(trial.intermediate_values) == {0, 1, 2}
        assert trial.value == max(trial.intermediate_values.values()) > 0.85
    assert hopeless.state is hs.TrialState.PRUNED
    assert hopeless.last_step is not None and hopeless.last_step < 2
    evaluation = evaluate_on_test(study, task)
    assert 0.85 < evaluation.test_value <= 1.0


def test_training_is_reproducible_under_a_seed() -> None:
    task = KerasDigitsMLPTask(max_epochs=2, test_fraction=0.0)
    values = [task.objective(hs.FixedTrial({**GOOD, "dropout": 0.2}, seed=3)) for _ in range(2)]
    assert values[0] == values[1]
    assert not task.has_test_set
    with pytest.raises(NotImplementedError, match="test_fraction=0"):
        task.evaluate_test(GOOD)
