"""The PyTorch digits tasks: spaces, a tiny pruned study, the sealed test set,
reproducible training, options."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import torch

import hypersense as hs
from hypersense.pruners import MedianPruner
from hypersense.samplers import RandomSampler
from hypersense.space import CategoricalDistribution, FloatDistribution, IntDistribution
from hypersense.tasks import make_task, task_class
from hypersense.tasks.final_evaluation import evaluate_on_test
from hypersense.tasks.splits import SealedTestSet, TestSetSealedError
from hypersense.tasks.torch_digits import TorchDigitsCNNTask, TorchDigitsMLPTask
from hypersense.torch import TrainingAttr
from hypersense.trial.frozen import SystemAttr

RECIPE = {"lr": 1e-2, "weight_decay": 1e-4, "schedule": "constant", "batch_size": 32}
MLP = {"width": 64, "depth": 1, "dropout": 0.0, "activation": "relu", "normalization": "none"}
GOOD = {**RECIPE, **MLP}
# A rate 100 times smaller, heavy dropout and big batches: near chance after an epoch.
HOPELESS = {
    **RECIPE,
    "lr": 1e-4,
    "batch_size": 128,
    "width": 16,
    "dropout": 0.5,
    "activation": "tanh",
}
CNN = {
    **RECIPE,
    "channels": 4,
    "batch_norm": True,
    "dropout": 0.1,
    "max_shift_px": 1,
    "max_rotation_deg": 10.0,
}


@pytest.fixture(scope="module")
def task() -> TorchDigitsMLPTask:
    return TorchDigitsMLPTask(max_epochs=3)


@pytest.fixture
def test_reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every attempt to read any sealed test set, recorded as it happens."""
    attempts: list[str] = []
    original = SealedTestSet.read

    def spy(self: SealedTestSet[Any]) -> Any:
        attempts.append("sealed" if self.is_sealed else "open")
        return original(self)

    monkeypatch.setattr(SealedTestSet, "read", spy)
    yield attempts


def test_default_spaces_are_the_documented_ones() -> None:
    recipe = {
        "lr": FloatDistribution(1e-4, 3e-2, log=True),
        "weight_decay": FloatDistribution(1e-6, 1e-1, log=True),
        "schedule": CategoricalDistribution(("constant", "cosine", "one_cycle")),
        "batch_size": CategoricalDistribution((32, 64, 128)),
    }
    assert dict(TorchDigitsMLPTask.default_space()) == {
        **recipe,
        "width": IntDistribution(16, 256, log=True),
        "depth": IntDistribution(1, 3),
        "dropout": FloatDistribution(0.0, 0.5),
        "activation": CategoricalDistribution(("relu", "gelu", "tanh")),
        "normalization": CategoricalDistribution(("none", "batch", "layer")),
    }
    assert dict(TorchDigitsCNNTask.default_space()) == {
        **recipe,
        "channels": IntDistribution(4, 32, log=True),
        "batch_norm": CategoricalDistribution((False, True)),
        "dropout": FloatDistribution(0.0, 0.5),
        "max_shift_px": IntDistribution(0, 2),
        "max_rotation_deg": FloatDistribution(0.0, 20.0),
    }
    for cls in (TorchDigitsMLPTask, TorchDigitsCNNTask):
        assert cls.direction is hs.StudyDirection.MAXIMIZE and cls.metric_name == "accuracy"
        assert cls.recipe_space().fixed == {"optimizer": "adamw"}


def test_tiny_study_prunes_a_hopeless_trial_and_never_reads_the_test_set(
    task: TorchDigitsMLPTask, test_reads: list[str]
) -> None:
    study = hs.create_study(
        sampler=hs.samplers.RandomSampler(seed=0),
        direction="maximize",
        pruner=MedianPruner(n_startup_trials=2),
    )
    for params in (GOOD, {**GOOD, "width": 32}, HOPELESS):
        study.enqueue_trial(params)
    study.optimize(task.objective, n_trials=3)
    assert test_reads == []  # not one attempt during the search
    good, also_good, hopeless = study.trials
    for trial in (good, also_good):
        assert trial.state is hs.TrialState.COMPLETE, trial.fail_reason
        assert set(trial.intermediate_values) == {0, 1, 2}  # one report per epoch
        assert trial.value == max(trial.intermediate_values.values()) > 0.85
        assert trial.user_attrs[TrainingAttr.VAL_METRIC] == [
            trial.intermediate_values[s] for s in (0, 1, 2)
        ]
    assert hopeless.state is hs.TrialState.PRUNED
    assert hopeless.last_step is not None and hopeless.last_step < 2
    assert hopeless.intermediate_values[0] < 0.5

    evaluation = evaluate_on_test(study, task)
    assert test_reads == ["open"]  # the final evaluation read it exactly once
    assert evaluation.trial_number == study.best_trial.number
    assert 0.85 < evaluation.test_value <= 1.0
    assert study.user_attrs["test_accuracy"] == evaluation.test_value


def test_a_trial_that_reaches_for_the_test_set_fails(test_reads: list[str]) -> None:
    class Peeking(TorchDigitsMLPTask):
        def build_model(self, params: Any) -> torch.nn.Module:
            self.data().test.read()
            return super().build_model(params)

    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0), direction="maximize")
    study.enqueue_trial(GOOD)
    with pytest.raises(TestSetSealedError, match="sealed while the search runs"):
        study.optimize(Peeking(max_epochs=1).objective, n_trials=1)
    (trial,) = study.trials
    assert trial.state is hs.TrialState.FAIL
    assert TestSetSealedError.__name__ in (trial.fail_reason or "")
    assert test_reads == ["sealed"]


def test_the_final_evaluation_retrains_the_model_the_trial_saw(task: TorchDigitsMLPTask) -> None:
    trial = hs.FixedTrial(GOOD, seed=5)
    value = task.objective(trial)
    assert task.objective(hs.FixedTrial(GOOD, seed=5)) == value  # same seed, same score
    data = task.data()
    retrained, _ = task.train(GOOD, data.train, data.validation, seed=5, trial=None)
    assert retrained.best_value == value  # what evaluate_test trains under seed 5
    assert task.objective(hs.FixedTrial(GOOD, seed=6)) != value


def test_cnn_trial_with_batch_norm_and_augmentation_trains() -> None:
    cnn = TorchDigitsCNNTask(max_epochs=2)
    trial = hs.FixedTrial(CNN, seed=0)
    accuracy = cnn.objective(trial)
    assert 0.5 < accuracy <= 1.0 and set(trial.intermediate_values) == {0, 1}


def test_registered_by_name_with_options_from_a_config() -> None:
    assert task_class("torch-digits-mlp") is TorchDigitsMLPTask
    assert task_class("torch-digits-cnn") is TorchDigitsCNNTask
    built = make_task("torch-digits-cnn", {"max_epochs": 4, "cv_folds": 3})
    assert repr(built) == (
        "TorchDigitsCNNTask(max_epochs=4, patience=None, cv_folds=3, validation_fraction=0.2, "
        "test_fraction=0.2, split_seed=0, n_threads=1, device=None, checkpoint_every=None)"
    )


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"max_epochs": 0}, "max_epochs"),
        ({"patience": 0}, "patience"),
        ({"cv_folds": 1}, "cv_folds"),
        ({"cv_folds": 11}, "cv_folds"),
        ({"validation_fraction": 0.6}, "validation_fraction"),
        ({"test_fraction": 0.7}, "test_fraction"),
        ({"split_seed": -1}, "split_seed"),
        ({"n_threads": 0}, "n_threads"),
        ({"device": "warp-drive"}, "device"),
        ({"checkpoint_every": 0}, "checkpoint_every"),
        ({"checkpoint_every": 2, "cv_folds": 3}, "checkpoint_every"),
    ],
)
def test_bad_options_are_named(options: dict[str, Any], named: str) -> None:
    with pytest.raises(ValueError, match=f"`{named}`"):
        TorchDigitsMLPTask(**options)


def test_checkpoint_every_saves_the_trials_training(tmp_path: Path) -> None:
    task = TorchDigitsMLPTask(max_epochs=2, checkpoint_every=1)
    study = hs.create_study(direction="maximize", storage=f"sqlite:///{tmp_path / 's.db'}")
    study.enqueue_trial(GOOD)
    study.optimize(task.objective, n_trials=1)
    trial = study.trials[0]
    assert trial.state is hs.TrialState.COMPLETE
    store = study.checkpoint_store
    assert store is not None and (store.trial_dir(0) / "checkpoint.pkl").exists()
    assert trial.system_attrs[SystemAttr.CHECKPOINT_DIR] == str(store.trial_dir(0))
    # The final evaluation trains without a trial: nothing to save, nothing resumed.
    assert 0.0 < task.evaluate_test(GOOD, seed=0) <= 1.0


def test_without_a_test_set_there_is_no_final_evaluation() -> None:
    no_test = TorchDigitsMLPTask(max_epochs=1, test_fraction=0.0)
    assert not no_test.has_test_set
    with pytest.raises(NotImplementedError, match="no test set"):
        no_test.evaluate_test(GOOD)
    with pytest.raises(ValueError, match="'width'"):
        TorchDigitsMLPTask(max_epochs=1).evaluate_test({**GOOD, "width": 1000})


def test_worker_processes_run_trials_of_a_task_the_parent_already_trained(
    task: TorchDigitsMLPTask,
) -> None:
    task.objective(hs.FixedTrial(GOOD, seed=0))  # PyTorch has run in this process
    study = hs.create_study(
        direction="maximize",
        sampler=RandomSampler(seed=0),
    )
    study.optimize(task.objective, n_trials=2, n_jobs=2)
    assert [t.state for t in study.trials] == [hs.TrialState.COMPLETE] * 2
    assert all(len(t.intermediate_values) == 3 for t in study.trials)
