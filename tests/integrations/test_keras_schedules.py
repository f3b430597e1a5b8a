"""A training recipe's LR schedule and optimiser as Keras objects: the rates of
``hypersense.torch``'s ``lr_trajectory``, step for step, in real Keras fits."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from hypersense.integrations.keras import (
    PlateauCallback,
    RecipeSchedule,
    build_optimizer,
    lr_schedule,
    regularizer,
)
from hypersense.integrations.keras._backend import import_keras
from hypersense.torch import TrainingRecipe
from hypersense.torch.schedules import lr_trajectory, plateau_multipliers

keras = import_keras()  # on the torch backend unless KERAS_BACKEND says otherwise

N_EPOCHS, STEPS_PER_EPOCH = 6, 5

RECIPES = {
    "constant": TrainingRecipe(lr=0.1),
    "step": TrainingRecipe(lr=0.1, schedule="step", step_fraction=0.34, step_gamma=0.5),
    "exponential": TrainingRecipe(lr=0.1, schedule="exponential", exp_gamma=0.8),
    "exponential to a final ratio": TrainingRecipe(
        lr=0.1, schedule="exponential", final_lr_ratio=0.01
    ),
    "cosine": TrainingRecipe(lr=0.1, schedule="cosine", min_lr_ratio=0.1),
    "warmup_cosine": TrainingRecipe(lr=0.1, schedule="warmup_cosine"),
    "step after a warm-up": TrainingRecipe(lr=0.1, schedule="step", warmup_fraction=0.2),
    "one_cycle": TrainingRecipe(lr=0.1, schedule="one_cycle"),
}


def _rates(schedule: Any, n_steps: int) -> np.ndarray:
    return np.array([float(schedule(step)) for step in range(n_steps)])


@pytest.mark.parametrize("name", list(RECIPES))
def test_each_schedule_gives_the_rates_of_lr_trajectory(name: str) -> None:
    recipe = RECIPES[name]
    schedule = lr_schedule(recipe, n_epochs=N_EPOCHS, steps_per_epoch=STEPS_PER_EPOCH)
    expected = lr_trajectory(recipe, n_epochs=N_EPOCHS, steps_per_epoch=STEPS_PER_EPOCH)
    np.testing.assert_allclose(_rates(schedule, expected.size), expected, rtol=1e-6)


def test_per_epoch_decay_is_keras_own_staircase_exponential_decay() -> None:
    # The recipe of tf.keras's ExponentialDecay(0.01, decay_steps=10, decay_rate=0.9,
    # staircase=True) with 10 steps an epoch: Keras's own class, the same rates.
    recipe = TrainingRecipe(lr=0.01, schedule="exponential", exp_gamma=0.9)
    schedule = lr_schedule(recipe, n_epochs=5, steps_per_epoch=10)
    assert isinstance(schedule, keras.optimizers.schedules.ExponentialDecay)
    assert schedule.get_config() | {"name": None} == {
        "initial_learning_rate": 0.01,
        "decay_steps": 10,
        "decay_rate": 0.9,
        "staircase": True,
        "name": None,
    }
    assert _rates(schedule, 30)[[0, 9, 10, 25]] == pytest.approx(
        [0.01, 0.01, 0.009, 0.01 * 0.9**2], rel=1e-6
    )
    cosine = lr_schedule(RECIPES["cosine"], n_epochs=N_EPOCHS, steps_per_epoch=STEPS_PER_EPOCH)
    assert isinstance(cosine, keras.optimizers.schedules.CosineDecay)
    assert isinstance(
        lr_schedule(RECIPES["one_cycle"], n_epochs=2, steps_per_epoch=3), RecipeSchedule
    )


def _fit(recipe: TrainingRecipe, n_epochs: int) -> Any:
    """A real fit of a linear model, batch 8 on 40 rows: 5 steps an epoch."""
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3)).astype("float32")
    y = (x @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.normal(size=40)).astype("float32")
    schedule = lr_schedule(recipe, n_epochs=N_EPOCHS, steps_per_epoch=STEPS_PER_EPOCH)
    model = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(1, kernel_regularizer=regularizer(recipe))]
    )
    model.compile(optimizer=build_optimizer(recipe, learning_rate=schedule), loss="mse")
    model.fit(x, y, batch_size=8, epochs=n_epochs, verbose=0)
    return model


def test_a_fit_runs_at_the_recipe_rate_of_its_step() -> None:
    recipe = TrainingRecipe(optimizer="adamw", lr=0.05, schedule="warmup_cosine", weight_decay=0.01)
    model = _fit(recipe, n_epochs=3)
    optimizer = model.optimizer
    assert isinstance(optimizer, keras.optimizers.AdamW)
    assert int(optimizer.iterations) == 3 * STEPS_PER_EPOCH
    expected = lr_trajectory(recipe, n_epochs=N_EPOCHS, steps_per_epoch=STEPS_PER_EPOCH)
    assert float(optimizer.learning_rate) == pytest.approx(expected[15], rel=1e-6)
    assert optimizer.weight_decay == pytest.approx(0.01)


def test_the_optimiser_carries_the_recipe_settings() -> None:
    sgd = build_optimizer(
        TrainingRecipe(optimizer="sgd", momentum=0.9, nesterov=True, grad_clip_norm=1.0),
        learning_rate=0.1,
    )
    assert isinstance(sgd, keras.optimizers.SGD)
    assert (sgd.momentum, sgd.nesterov, sgd.global_clipnorm) == (0.9, True, 1.0)
    adam = build_optimizer({"optimizer": "adam", "beta1": 0.8, "beta2": 0.95}, learning_rate=0.1)
    assert (adam.beta_1, adam.beta_2, adam.epsilon) == (0.8, 0.95, 1e-8)
    # PyTorch's coupled weight decay is the gradient of weight_decay / 2 * sum(w ** 2).
    penalty = regularizer(TrainingRecipe(optimizer="adam", weight_decay=0.02, l1=0.001))
    assert penalty.get_config() == {"l1": pytest.approx(0.001), "l2": pytest.approx(0.01)}
    assert regularizer(TrainingRecipe(optimizer="adamw", weight_decay=0.02)) is None


def test_plateau_reductions_follow_the_validation_curve() -> None:
    recipe = TrainingRecipe(
        lr=0.05, schedule="plateau", plateau_patience=0, plateau_factor=0.5, plateau_threshold=0.5
    )
    schedule = lr_schedule(recipe, n_epochs=N_EPOCHS, steps_per_epoch=STEPS_PER_EPOCH)
    assert isinstance(schedule, RecipeSchedule)
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3)).astype("float32")
    y = (x @ np.array([1.0, -2.0, 0.5])).astype("float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=build_optimizer(recipe, learning_rate=schedule), loss="mse")
    callback = PlateauCallback(schedule, monitor="val_loss")
    history = model.fit(
        x, y, validation_data=(x, y), batch_size=8, epochs=5, verbose=0, callbacks=[callback]
    )
    val_loss = [float(v) for v in history.history["val_loss"]]
    expected = plateau_multipliers(val_loss, minimize=True, factor=0.5, patience=0, threshold=0.5)[
        -1
    ]
    assert expected < 1.0  # the 50% threshold makes some epoch a plateau
    assert schedule.multiplier == pytest.approx(expected)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.05 * expected, rel=1e-6)


def test_a_recipe_schedule_survives_keras_serialisation() -> None:
    schedule = RecipeSchedule(RECIPES["one_cycle"], n_epochs=2, steps_per_epoch=3)
    restored = keras.optimizers.schedules.deserialize(
        keras.optimizers.schedules.serialize(schedule)
    )
    assert isinstance(restored, RecipeSchedule)
    np.testing.assert_array_equal(restored.rates, schedule.rates)
    assert repr(restored) == repr(schedule)


def test_bad_schedule_arguments_name_the_culprit() -> None:
    with pytest.raises(ValueError, match=r"`n_epochs` must be an integer >= 1 \(got 0\)"):
        lr_schedule(RECIPES["step"], n_epochs=0, steps_per_epoch=3)
    with pytest.raises(ValueError, match="needs the RecipeSchedule of a plateau recipe"):
        PlateauCallback(RecipeSchedule(RECIPES["constant"], n_epochs=1, steps_per_epoch=1))
