"""Early stopping: patience, min_delta, and the best weights given back."""

from __future__ import annotations

import math

import pytest
import torch

from hypersense.torch import EarlyStopping, StopReason, fit
from hypersense.torch.data import make_batches
from hypersense.torch.epoch import evaluate
from tests.torch.helpers import ScalarModel, accuracy, blobs, mean_output, mlp, scalar_data


def test_patience_counts_epochs_since_the_best() -> None:
    stopper = EarlyStopping(minimize=True, patience=2)
    flags = []
    for epoch, value in enumerate([3.0, 2.0, 2.5, 1.9, 2.0, 2.0]):
        stopper.update(epoch, value)
        flags.append(stopper.should_stop)
    assert flags == [False, False, False, False, False, True]
    assert (stopper.best_epoch, stopper.best_value) == (3, 1.9)


def test_min_delta_and_direction_decide_what_improves() -> None:
    stopper = EarlyStopping(minimize=False, patience=None, min_delta=0.1)
    assert stopper.update(0, 0.5)
    assert not stopper.update(1, 0.55)  # better, but by less than min_delta
    assert stopper.update(2, 0.65)
    assert not stopper.update(3, math.nan)
    assert not stopper.should_stop  # no patience: never stops
    assert stopper.best_epoch == 2


def test_no_finite_value_means_no_best() -> None:
    stopper = EarlyStopping(minimize=True, patience=1)
    assert not stopper.update(0, math.inf)
    assert stopper.best_epoch is None and stopper.best_value is None
    assert stopper.should_stop


def distance_to(target: float):  # type: ignore[no-untyped-def]
    """A metric: how far the weight is from ``target`` (to minimise)."""
    return lambda outputs, targets: (outputs - target).abs().mean()


@pytest.mark.parametrize("restore_best", [True, False])
def test_training_stops_after_patience_and_restores_the_best_weights(restore_best: bool) -> None:
    # Train loss w with SGD lr 1, one step per epoch: w = 4, 3, 2, 1, 0, ... after each
    # epoch. The distance to 2.1 is smallest after epoch 2 (w = 2); patience 2 stops
    # after epoch 4.
    result = fit(
        lambda: ScalarModel(5.0),
        train=scalar_data(4),
        val=scalar_data(2),
        loss=mean_output,
        hparams={"optimizer": "sgd", "lr": 1.0, "batch_size": 4},
        max_epochs=20,
        metric=distance_to(2.1),
        direction="minimize",
        patience=2,
        restore_best=restore_best,
    )
    assert result.stop_reason is StopReason.PATIENCE and result.stopped_early
    assert result.val_loss == (4.0, 3.0, 2.0, 1.0, 0.0)
    assert result.best_epoch == 2
    assert result.best_value == pytest.approx(0.1, abs=1e-12)
    weight = result.model.w.item()  # type: ignore[union-attr, operator]
    assert weight == (2.0 if restore_best else 0.0)


def test_restored_model_scores_the_best_value_on_validation() -> None:
    x, y = blobs(160, seed=4)
    val = (x[120:], y[120:])
    result = fit(
        mlp,
        train=(x[:120], y[:120]),
        val=val,
        loss=torch.nn.functional.cross_entropy,
        hparams={"lr": 0.3, "optimizer": "sgd", "momentum": 0.9, "batch_size": 8},
        max_epochs=12,
        patience=3,
        seed=2,
    )
    assert result.best_epoch is not None and result.best_epoch < result.n_epochs - 1, (
        "the run must end past its best epoch for the restore to matter"
    )
    loss, _ = evaluate(
        result.model,
        make_batches(val, name="val", batch_size=8, shuffle=False, seed=None),
        loss_fn=torch.nn.functional.cross_entropy,
        metric=None,
        device=torch.device("cpu"),
    )
    assert result.best_value == min(result.val_loss)
    assert loss == result.best_value  # same batches, same order: the very same sum


def test_the_best_epoch_of_a_maximised_metric_is_its_argmax() -> None:
    x, y = blobs(120, seed=5)
    result = fit(
        mlp,
        train=(x[:80], y[:80]),
        val=(x[80:], y[80:]),
        loss=torch.nn.functional.cross_entropy,
        hparams={"lr": 0.01, "batch_size": 16},
        max_epochs=6,
        metric=accuracy,
        direction="maximize",
        patience=2,
        seed=0,
    )
    assert result.val_metric is not None
    best = max(result.val_metric)
    assert result.best_value == best
    assert result.best_epoch == result.val_metric.index(best)
