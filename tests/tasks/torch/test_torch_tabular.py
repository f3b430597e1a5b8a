"""The tabular tasks: cross-validation mode, RMSE in the target's units, scaling
fitted on training rows only, batches of one."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
import torch

import hypersense as hs
from hypersense.pruners import CrossValidationPruner, MedianPruner
from hypersense.tasks import task_class
from hypersense.tasks.torch_tabular import BreastCancerMLPTask, DiabetesMLPTask, scaled_rmse
from hypersense.tasks.torch_task import Prepared

PARAMS = {
    "lr": 1e-2,
    "weight_decay": 1e-4,
    "schedule": "constant",
    "batch_size": 32,
    "width": 32,
    "depth": 1,
    "dropout": 0.0,
    "activation": "relu",
    "normalization": "none",
}
# Far too small a rate for two epochs: the network stays near its initial guess.
HOPELESS = {**PARAMS, "lr": 1e-4, "width": 8}


def test_registered_with_their_metrics() -> None:
    assert task_class("torch-breast-cancer-mlp") is BreastCancerMLPTask
    assert task_class("torch-diabetes-mlp") is DiabetesMLPTask
    assert (BreastCancerMLPTask.metric_name, BreastCancerMLPTask.direction) == (
        "accuracy",
        hs.StudyDirection.MAXIMIZE,
    )
    assert (DiabetesMLPTask.metric_name, DiabetesMLPTask.direction) == (
        "rmse",
        hs.StudyDirection.MINIMIZE,
    )
    assert list(DiabetesMLPTask.default_space()) == [
        "lr",
        "weight_decay",
        "schedule",
        "batch_size",
        "width",
        "depth",
        "dropout",
        "activation",
        "normalization",
    ]


def test_cv_mode_reports_each_fold_and_stores_the_mean_and_its_standard_error() -> None:
    task = BreastCancerMLPTask(max_epochs=2, cv_folds=3)
    seen: list[tuple[np.ndarray, np.ndarray]] = []
    original = task.train

    def spy(params: Any, train: Any, val: Any, **kwargs: Any) -> Any:
        seen.append((train, val))
        return original(params, train, val, **kwargs)

    task.train = spy  # type: ignore[method-assign]
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0), direction="maximize")
    study.enqueue_trial(PARAMS)
    study.optimize(task.objective, n_trials=1)
    (trial,) = study.trials
    assert trial.state is hs.TrialState.COMPLETE, trial.fail_reason
    folds = [trial.intermediate_values[s] for s in (0, 1, 2)]
    assert trial.user_attrs["accuracy_fold_scores"] == folds
    assert trial.value == pytest.approx(np.mean(folds), abs=1e-12)
    sem = np.std(folds, ddof=1) / math.sqrt(3)
    assert trial.user_attrs["accuracy_sem"] == pytest.approx(sem, abs=1e-12)
    # The folds cut the 455 development rows (569 less 114 test rows), stratified.
    data = task.data()
    validated = np.concatenate([val for _, val in seen])
    assert sorted(validated.tolist()) == list(range(455)) == list(range(len(data.x)))
    share = data.y.mean()
    for _, val in seen:
        assert abs(data.y[val].mean() - share) < 0.01


def test_cv_mode_prunes_between_folds() -> None:
    task = DiabetesMLPTask(max_epochs=2, cv_folds=3)
    study = hs.create_study(
        sampler=hs.samplers.RandomSampler(seed=0),
        direction="minimize",
        pruner=MedianPruner(n_startup_trials=1),
    )
    study.enqueue_trial(PARAMS)
    study.enqueue_trial(HOPELESS)
    study.optimize(task.objective, n_trials=2)
    good, hopeless = study.trials
    assert good.state is hs.TrialState.COMPLETE and good.value is not None
    assert good.value < 70.0  # the target's standard deviation is about 77
    assert hopeless.state is hs.TrialState.PRUNED and hopeless.last_step == 0
    assert hopeless.user_attrs["rmse_fold_scores"] == [hopeless.intermediate_values[0]]
    assert "rmse_sem" not in hopeless.user_attrs


def test_cv_mode_prunes_within_a_folds_epochs() -> None:
    task = DiabetesMLPTask(max_epochs=3, cv_folds=3)
    pruner = CrossValidationPruner(
        MedianPruner(n_startup_trials=1), epoch_pruner=MedianPruner(n_startup_trials=1)
    )
    study = hs.create_study(
        sampler=hs.samplers.RandomSampler(seed=0), direction="minimize", pruner=pruner
    )
    study.enqueue_trial(PARAMS)
    study.enqueue_trial(HOPELESS)
    study.optimize(task.objective, n_trials=2)
    good, hopeless = study.trials
    assert good.state is hs.TrialState.COMPLETE
    assert [len(good.series(f"fold{k}")) for k in range(3)] == [3, 3, 3]
    assert sorted(good.intermediate_values) == [0, 1, 2]  # fold scores, apart from epochs
    # Stopped inside its first fold's training: no fold score, some epochs of fold 0.
    assert hopeless.state is hs.TrialState.PRUNED
    assert dict(hopeless.intermediate_values) == {}
    assert 1 <= len(hopeless.series("fold0")) < 3 and not hopeless.series("fold1")
    assert hopeless.user_attrs["rmse_fold_scores"] == []


def test_diabetes_scores_rmse_in_the_targets_units_after_scaling_on_training_rows() -> None:
    task = DiabetesMLPTask(max_epochs=2)
    data = task.data()
    result, prepared = task.train(PARAMS, data.train, data.validation, seed=0, trial=None)
    assert prepared.features is not None and prepared.target is not None
    x_train, y_train = data.x[data.train], data.y[data.train]
    assert np.allclose(prepared.features.mean, x_train.mean(axis=0), atol=1e-6)
    assert prepared.target.mean[0] == pytest.approx(y_train.mean(), rel=1e-6)
    inputs, _ = prepared.tensors(data.x[data.validation], data.y[data.validation])
    result.model.eval()
    with torch.no_grad():
        scaled = result.model(inputs).reshape(-1).double().numpy()
    predicted = scaled * prepared.target.scale[0] + prepared.target.mean[0]
    by_hand = math.sqrt(np.mean((predicted - data.y[data.validation]) ** 2))
    assert result.best_value == pytest.approx(by_hand, rel=1e-5)


def test_scaled_rmse_known_answer() -> None:
    rmse = scaled_rmse(2.0)
    value = rmse(torch.tensor([[1.0], [3.0]]), torch.tensor([0.0, 0.0]))
    assert float(value) == pytest.approx(2.0 * math.sqrt(5.0))


def test_breast_cancer_standardises_features_only() -> None:
    task = BreastCancerMLPTask()
    x = np.array([[1.0] * 30, [3.0] * 30])
    prepared = task.prepare(x, np.array([0, 1]))
    assert isinstance(prepared, Prepared) and prepared.target is None
    inputs, targets = prepared.tensors(x, np.array([0, 1]))
    assert inputs[:, 0].tolist() == [-1.0, 1.0] and targets.tolist() == [0, 1]


def test_a_batch_of_one_row_is_left_out_so_batch_norm_can_train() -> None:
    task = BreastCancerMLPTask(max_epochs=1)
    data = task.data()
    rows = data.train[:65]  # 65 = 2 * 32 + 1: the last batch would hold one row
    params = {**PARAMS, "normalization": "batch"}
    result, _ = task.train(params, rows, data.validation, seed=0, trial=None)
    assert result.n_epochs == 1 and 0.0 <= result.best_value <= 1.0
