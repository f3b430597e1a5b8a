"""The structured schedule space: which parameters each shape uses, the final
rate and warm-up of every shape, and the space built on a range test."""

from __future__ import annotations

import math

import numpy as np
import pytest

import hypersense as hs
from hypersense.lr import LRSearchRange, schedule_space
from hypersense.samplers import RandomSampler
from hypersense.space import FloatDistribution
from hypersense.torch import RecipeSpace, TrainingRecipe, lr_trajectory

SHAPE_PARAMS = {
    "step": {"warmup_fraction", "step_fraction"},
    "exponential": {"warmup_fraction"},
    "cosine": {"warmup_fraction"},
    "plateau": {"warmup_fraction", "plateau_factor", "plateau_patience"},
    "one_cycle": {"pct_start"},
}


def test_each_shape_suggests_only_the_parameters_it_uses() -> None:
    space = schedule_space()
    study = hs.create_study(sampler=RandomSampler(seed=0))
    seen = set()
    for _ in range(60):
        trial = study.ask()
        recipe = space.suggest(trial)
        study.tell(trial, 0.0)
        shape = recipe.schedule
        seen.add(shape)
        expected = {"schedule", "lr", "final_lr_ratio"} | SHAPE_PARAMS[shape]
        assert set(trial.params) == expected, shape
        assert recipe.final_lr_ratio == trial.params["final_lr_ratio"]
    assert seen == set(SHAPE_PARAMS)


@pytest.mark.parametrize("shape", ["step", "exponential", "cosine", "one_cycle"])
def test_every_shape_ends_at_the_final_rate(shape: str) -> None:
    recipe = TrainingRecipe(lr=0.2, schedule=shape, final_lr_ratio=0.01, step_fraction=0.25)
    rates = lr_trajectory(recipe, n_epochs=8, steps_per_epoch=5)
    if shape == "cosine":  # a cosine reaches its end one step past the run
        assert rates[-1] == pytest.approx(0.002 + 0.198 * (1 + math.cos(math.pi * 39 / 40)) / 2)
    else:
        assert rates[-1] == pytest.approx(0.002)
    assert rates.max() == pytest.approx(0.2)


def test_a_warm_up_precedes_any_shape_whose_clock_starts_after_it() -> None:
    recipe = TrainingRecipe(lr=0.2, schedule="exponential", warmup_fraction=0.25, exp_gamma=0.5)
    rates = lr_trajectory(recipe, n_epochs=4, steps_per_epoch=4)  # 16 steps, 4 of warm-up
    np.testing.assert_allclose(rates[:4], 0.2 * np.arange(1, 5) / 4)
    np.testing.assert_allclose(rates[4:], 0.2 * 0.5 ** (np.arange(12) // 4))
    plain = TrainingRecipe(lr=0.2, schedule="exponential", exp_gamma=0.5)
    np.testing.assert_allclose(
        lr_trajectory(plain, n_epochs=4, steps_per_epoch=4), 0.2 * 0.5 ** (np.arange(16) // 4)
    )


def test_warmup_cosine_keeps_its_default_warm_up() -> None:
    default = TrainingRecipe(lr=0.2, schedule="warmup_cosine")
    explicit = TrainingRecipe(lr=0.2, schedule="cosine", warmup_fraction=0.1)
    np.testing.assert_array_equal(
        lr_trajectory(default, n_epochs=5, steps_per_epoch=4),
        lr_trajectory(explicit, n_epochs=5, steps_per_epoch=4),
    )


def test_the_peak_range_can_come_from_a_range_test() -> None:
    lr_range = LRSearchRange(
        low=1e-3, high=3e-2, interval=(3e-3, 1e-2), suggested_lr=5e-3, divergence_lr=0.1,
        cap=0.05, span=3.0, cap_fraction=0.5,
    )  # fmt: skip
    base = RecipeSpace(tuned={}, fixed={"optimizer": "sgd", "momentum": 0.9})
    space = schedule_space(lr=lr_range, shapes=("cosine", "one_cycle"), base=base)
    assert space.tuned["lr"] == FloatDistribution(1e-3, 3e-2, log=True)
    assert space.fixed == {"optimizer": "sgd", "momentum": 0.9}
    recipe = space.recipe_from_params({"schedule": "cosine", "lr": 0.01, "warmup_fraction": 0.05})
    assert (recipe.optimizer, recipe.momentum, recipe.warmup_fraction) == ("sgd", 0.9, 0.05)


def test_bad_shapes_and_ranges_are_named() -> None:
    with pytest.raises(ValueError, match="`shapes`"):
        schedule_space(shapes=("linear",))
    with pytest.raises(TypeError, match="`lr`"):
        schedule_space(lr="fast")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="final_lr_ratio"):
        TrainingRecipe(final_lr_ratio=0.0)
    with pytest.raises(ValueError, match="warmup_fraction"):
        TrainingRecipe(warmup_fraction=1.0)
