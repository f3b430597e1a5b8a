"""fit(): the rates the optimiser really applies, penalties, clipping, and bad arguments.

Most tests train :class:`ScalarModel` with plain SGD: its gradient is exactly 1,
so each step lowers the weight by exactly that step's learning rate, and the
validation loss (the weight) tells which rates were used.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import hypersense as hs
from hypersense.torch import RecipeSpace, StopReason, TrainingRecipe, fit, lr_trajectory
from tests.torch.helpers import ScalarModel, accuracy, blobs, mean_output, mlp, scalar_data

W0 = 10.0
BATCH = 4
STEPS_PER_EPOCH = 3
N_EPOCHS = 6

SCHEDULES = [
    {"schedule": "constant"},
    {"schedule": "step", "step_fraction": 0.34, "step_gamma": 0.5},
    {"schedule": "exponential", "exp_gamma": 0.8},
    {"schedule": "cosine", "min_lr_ratio": 0.05},
    {"schedule": "warmup_cosine", "warmup_fraction": 0.25},
    {"schedule": "one_cycle", "pct_start": 0.3, "div_factor": 10.0, "final_div_factor": 20.0},
]


def fit_scalar(recipe: TrainingRecipe, **kwargs):  # type: ignore[no-untyped-def]
    kwargs.setdefault("max_epochs", N_EPOCHS)
    return fit(
        lambda: ScalarModel(W0),
        train=scalar_data(BATCH * STEPS_PER_EPOCH),
        val=scalar_data(2),
        loss=mean_output,
        hparams=recipe,
        seed=0,
        **kwargs,
    )


@pytest.mark.parametrize("schedule", SCHEDULES, ids=[s["schedule"] for s in SCHEDULES])
def test_every_step_uses_the_rate_of_the_schedule(schedule: dict) -> None:  # type: ignore[type-arg]
    recipe = TrainingRecipe(optimizer="sgd", lr=0.5, batch_size=BATCH, **schedule)
    result = fit_scalar(recipe)
    rates = lr_trajectory(recipe, n_epochs=N_EPOCHS, steps_per_epoch=STEPS_PER_EPOCH)
    used_by_epoch_end = np.cumsum(rates)[STEPS_PER_EPOCH - 1 :: STEPS_PER_EPOCH]
    np.testing.assert_allclose(result.val_loss, W0 - used_by_epoch_end, rtol=0, atol=1e-12)
    assert result.lr == pytest.approx(rates[::STEPS_PER_EPOCH].tolist(), rel=1e-15)
    assert result.stop_reason is StopReason.MAX_EPOCHS and result.n_epochs == N_EPOCHS


def test_plateau_lowers_the_rate_after_patience_epochs_without_improvement() -> None:
    recipe = TrainingRecipe(
        optimizer="sgd",
        lr=0.5,
        batch_size=BATCH,
        schedule="plateau",
        plateau_factor=0.5,
        plateau_patience=1,
    )
    # The metric is constant: epoch 0 sets the best, no later epoch improves.
    result = fit_scalar(recipe, metric=lambda out, t: 1.0, direction="minimize")
    # Bad epochs 1 and 2 exceed patience 1 after epoch 2, again after epoch 4.
    assert result.lr == (0.5, 0.5, 0.5, 0.25, 0.25, 0.125)
    steps_used = np.repeat(result.lr, STEPS_PER_EPOCH)
    np.testing.assert_allclose(
        result.val_loss, W0 - np.cumsum(steps_used)[STEPS_PER_EPOCH - 1 :: STEPS_PER_EPOCH]
    )


def test_a_final_rate_floors_the_plateau_reductions() -> None:
    recipe = TrainingRecipe(
        optimizer="sgd",
        lr=0.5,
        batch_size=BATCH,
        schedule="plateau",
        plateau_factor=0.5,
        plateau_patience=1,
        final_lr_ratio=0.4,
    )
    result = fit_scalar(recipe, metric=lambda out, t: 1.0, direction="minimize")
    assert result.lr == (0.5, 0.5, 0.5, 0.25, 0.25, 0.2)  # 0.125 would be below 0.4 x 0.5


def test_l1_and_l2_penalties_add_their_gradients() -> None:
    # d/dw (w + l1 |w| + l2 w^2) = 1 + l1 + 2 l2 w for w > 0: one step of SGD with lr 0.1.
    recipe = TrainingRecipe(optimizer="sgd", lr=0.1, l1=0.3, l2=0.02, batch_size=BATCH)
    result = fit_scalar(recipe, max_epochs=1)
    w = W0
    for _ in range(STEPS_PER_EPOCH):
        w -= 0.1 * (1 + 0.3 + 2 * 0.02 * w)
    assert result.val_loss[0] == pytest.approx(w, rel=1e-14)


def test_train_loss_is_the_data_loss_without_penalties() -> None:
    recipe = TrainingRecipe(optimizer="sgd", lr=0.1, l2=0.5, batch_size=BATCH * STEPS_PER_EPOCH)
    result = fit_scalar(recipe, max_epochs=1)  # one step: the loss seen is w0 itself
    assert result.train_loss == (W0,)


def test_gradient_clipping_caps_the_step() -> None:
    # With a loss of 100 w the gradient is 100; clipped to norm 2 the step is 2 * lr (torch
    # scales by max_norm / (norm + 1e-6), hence the tiny shortfall).
    recipe = TrainingRecipe(optimizer="sgd", lr=0.1, grad_clip_norm=2.0, batch_size=BATCH)
    result = fit(
        lambda: ScalarModel(W0),
        train=scalar_data(BATCH * STEPS_PER_EPOCH),
        val=scalar_data(2),
        loss=lambda out, t: 100 * out.mean(),
        hparams=recipe,
        max_epochs=1,
        seed=0,
    )
    step = 0.1 * 100 * 2.0 / (100 + 1e-6)
    assert result.val_loss[0] == pytest.approx(100 * (W0 - STEPS_PER_EPOCH * step), rel=1e-14)


def test_weight_decay_is_coupled_for_sgd_and_decoupled_for_adamw() -> None:
    sgd = fit_scalar(TrainingRecipe(optimizer="sgd", lr=0.1, weight_decay=0.5, batch_size=12))
    w = W0
    for _ in range(N_EPOCHS):
        w -= 0.1 * (1 + 0.5 * w)
    assert sgd.val_loss[-1] == pytest.approx(w, rel=1e-13)
    adamw = fit_scalar(TrainingRecipe(optimizer="adamw", lr=0.1, weight_decay=0.5, batch_size=12))
    # AdamW: w <- w (1 - lr wd) - lr * m_hat / (sqrt(v_hat) + eps); with a gradient of 1
    # always, m_hat = v_hat = 1, so the Adam part of each step is lr / (1 + eps).
    w = W0
    for _ in range(N_EPOCHS):
        w = w * (1 - 0.1 * 0.5) - 0.1 / (1 + 1e-8)
    assert adamw.val_loss[-1] == pytest.approx(w, rel=1e-12)


def test_a_metric_is_monitored_in_its_direction() -> None:
    x, y = blobs()
    result = fit(
        mlp,
        train=(x[:64], y[:64]),
        val=(x[64:], y[64:]),
        loss=torch.nn.functional.cross_entropy,
        hparams={"lr": 0.05, "batch_size": 16},
        max_epochs=4,
        metric=accuracy,
        direction="maximize",
        seed=1,
    )
    assert result.val_metric is not None and len(result.val_metric) == 4
    assert result.best_value == max(result.val_metric)
    assert result.best_epoch == result.val_metric.index(max(result.val_metric))
    assert result.monitored == result.val_metric
    assert result.n_params == 4 * 16 + 16 + 16 * 3 + 3


def test_diverging_training_stops_and_keeps_the_last_finite_weights() -> None:
    # The loss becomes NaN at the third epoch (w crosses 0 -> log of a negative).
    result = fit(
        lambda: ScalarModel(2.5),
        train=scalar_data(4),
        val=scalar_data(2),
        loss=lambda out, t: torch.log(out).mean(),
        hparams={"optimizer": "sgd", "lr": 1.0, "batch_size": 4},
        max_epochs=10,
        seed=0,
    )
    assert result.stop_reason is StopReason.DIVERGED and result.stopped_early
    assert result.n_epochs < 10
    assert np.isnan(result.val_loss[-1])
    assert result.best_epoch is not None and np.isfinite(result.best_value)


def test_dataloader_and_dataset_inputs_train_the_same_way() -> None:
    x, y = scalar_data(12)
    dataset = torch.utils.data.TensorDataset(x, y)
    recipe = {"optimizer": "sgd", "lr": 0.25, "batch_size": 4}
    common = {"val": scalar_data(2), "loss": mean_output, "max_epochs": 2, "seed": 0}
    from_tensors = fit(lambda: ScalarModel(W0), train=(x, y), hparams=recipe, **common)
    from_dataset = fit(lambda: ScalarModel(W0), train=dataset, hparams=recipe, **common)
    loader = torch.utils.data.DataLoader(dataset, batch_size=4, shuffle=True)
    from_loader = fit(lambda: ScalarModel(W0), train=loader, hparams=recipe, **common)
    assert (
        from_tensors.val_loss
        == from_dataset.val_loss
        == from_loader.val_loss
        == (W0 - 0.75, W0 - 1.5)
    )


def test_a_dataloader_sets_the_batch_size_and_a_different_one_is_an_error() -> None:
    x, y = scalar_data(12)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=6)
    common = {"train": loader, "val": scalar_data(2), "loss": mean_output, "max_epochs": 1}
    result = fit(lambda: ScalarModel(W0), hparams={"lr": 0.1}, **common)
    assert result.recipe.batch_size == 6
    with pytest.raises(ValueError, match="batch_size=8 differs from the batch size 6"):
        fit(lambda: ScalarModel(W0), hparams={"batch_size": 8}, **common)
    trial = hs.FixedTrial(
        {
            "optimizer": "sgd",
            "lr": 0.1,
            "momentum": 0.0,
            "nesterov": False,
            "weight_decay": 1e-6,
            "schedule": "constant",
        }
    )
    assert fit(lambda: ScalarModel(W0), hparams=trial, **common).recipe.batch_size == 6
    assert "batch_size" not in trial.params


def test_plain_training_without_a_study_uses_the_recipe_defaults() -> None:
    x, y = blobs()
    result = fit(
        mlp,
        train=(x.numpy(), y.numpy()),
        val=(x, y),
        loss=torch.nn.functional.cross_entropy,
        max_epochs=2,
    )
    assert result.recipe == TrainingRecipe()
    assert len(result.train_loss) == 2 and all(np.isfinite(result.train_loss))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"max_epochs": 0}, ValueError, "`max_epochs` must be an integer >= 1"),
        ({"max_epochs": 2.0}, ValueError, "`max_epochs`"),
        ({"metric": accuracy}, ValueError, "`direction`"),
        ({"direction": "maximize"}, ValueError, "validation loss is monitored"),
        ({"patience": 0}, ValueError, "`patience` must be None or an integer >= 1"),
        ({"min_delta": -1.0}, ValueError, "`min_delta`"),
        ({"seed": -3}, ValueError, "`seed` must be an integer >= 0"),
        ({"n_threads": 0}, ValueError, "`n_threads`"),
        ({"eval_batch_size": 0}, ValueError, "`eval_batch_size`"),
        ({"device": "warp-drive"}, ValueError, "`device`"),
        ({"hparams": {"learning_rate": 0.1}}, ValueError, "unknown training hyperparameter"),
        ({"hparams": {"lr": -1.0}}, ValueError, r"`lr` must be a number in \(0.0, inf\)"),
        ({"hparams": 0.1}, TypeError, "`hparams` must be a Trial"),
        ({"space": RecipeSpace()}, ValueError, "`space` is only used when `hparams` is a Trial"),
        ({"train": [1, 2]}, TypeError, "`train` must be a DataLoader"),
        ({"val": (torch.zeros(3), torch.zeros(4))}, ValueError, "`val` must share"),
        ({"trial": "t"}, TypeError, "`trial` must be a Trial"),
    ],
)
def test_bad_arguments_are_named(kwargs: dict, error: type, match: str) -> None:  # type: ignore[type-arg]
    args = {
        "train": scalar_data(4),
        "val": scalar_data(2),
        "loss": mean_output,
        "max_epochs": 1,
        **kwargs,
    }
    with pytest.raises(error, match=match):
        fit(lambda: ScalarModel(W0), **args)


def test_a_factory_that_returns_no_module_is_named() -> None:
    def not_a_model() -> torch.nn.Module:
        return "model"  # type: ignore[return-value]

    with pytest.raises(TypeError, match=r"`model_factory` must return a torch\.nn\.Module"):
        fit(not_a_model, train=scalar_data(4), val=scalar_data(2), loss=mean_output, max_epochs=1)


def test_two_different_trials_are_an_error() -> None:
    with pytest.raises(ValueError, match="two different trials"):
        fit(
            lambda: ScalarModel(W0),
            train=scalar_data(4),
            val=scalar_data(2),
            loss=mean_output,
            max_epochs=1,
            hparams=hs.FixedTrial({}),
            trial=hs.FixedTrial({}),
        )
