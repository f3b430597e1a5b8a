"""The recipe space: conditional parameters, narrowing, fixing, and their errors."""

from __future__ import annotations

from typing import Any

import pytest

import hypersense as hs
from hypersense.samplers import RandomSampler
from hypersense.space import CategoricalDistribution, FloatDistribution, IntDistribution
from hypersense.torch import OPTIMIZERS, SCHEDULES, RecipeSpace, TrainingRecipe, suggest_recipe
from hypersense.torch.optimizers import build_optimizer
from hypersense.torch.spaces import ACTIVE_WHEN, standard_distributions

ALWAYS = {"optimizer", "lr", "weight_decay", "schedule", "batch_size"}
BY_OPTIMIZER = {"sgd": {"momentum", "nesterov"}, "adam": set(), "adamw": set(), "rmsprop": set()}
BY_SCHEDULE = {
    "constant": set(),
    "step": {"step_fraction", "step_gamma"},
    "exponential": {"exp_gamma"},
    "cosine": set(),
    "warmup_cosine": {"warmup_fraction"},
    "one_cycle": {"pct_start"},
    "plateau": {"plateau_factor", "plateau_patience"},
}


def draw_recipes(
    n: int, seed: int = 0, **kwargs: Any
) -> list[tuple[dict[str, Any], TrainingRecipe]]:
    """``n`` recipes drawn by random search, with the params each trial stored."""
    study = hs.create_study(sampler=RandomSampler(seed=seed))
    recipes: list[TrainingRecipe] = []

    def objective(trial: hs.Trial) -> float:
        recipes.append(suggest_recipe(trial, **kwargs))
        return 0.0

    study.optimize(objective, n_trials=n)
    return [(dict(t.params), r) for t, r in zip(study.trials, recipes, strict=True)]


def test_each_parameter_is_suggested_exactly_where_it_is_used() -> None:
    seen_optimizers, seen_schedules = set(), set()
    for params, recipe in draw_recipes(150):
        expected = ALWAYS | BY_OPTIMIZER[recipe.optimizer] | BY_SCHEDULE[recipe.schedule]
        assert set(params) == expected, (recipe.optimizer, recipe.schedule)
        assert all(getattr(recipe, name) == value for name, value in params.items())
        seen_optimizers.add(recipe.optimizer)
        seen_schedules.add(recipe.schedule)
    assert seen_optimizers == set(OPTIMIZERS) and seen_schedules == set(SCHEDULES)


def test_every_drawn_recipe_builds_its_optimizer() -> None:
    import torch

    for _, recipe in draw_recipes(40, seed=1):
        build_optimizer(recipe, [torch.nn.Parameter(torch.zeros(2))])


def test_inactive_fields_keep_the_recipe_defaults() -> None:
    defaults = TrainingRecipe()
    for params, recipe in draw_recipes(40, seed=2):
        for name in TrainingRecipe.field_names():
            if name not in params:
                assert getattr(recipe, name) == getattr(defaults, name)


def test_conditions_name_real_fields_and_come_after_their_parent() -> None:
    order = TrainingRecipe.field_names()
    for name, (parent, values) in ACTIVE_WHEN.items():
        assert order.index(parent) < order.index(name)
        assert set(values) <= set(OPTIMIZERS if parent == "optimizer" else SCHEDULES)


def test_fixed_fields_are_not_suggested_and_decide_the_branches() -> None:
    for params, recipe in draw_recipes(20, fixed={"optimizer": "sgd", "schedule": "step"}):
        assert recipe.optimizer == "sgd" and recipe.schedule == "step"
        assert set(params) == {"lr", "weight_decay", "batch_size", "momentum", "nesterov"} | {
            "step_fraction",
            "step_gamma",
        }


def test_ranges_narrow_on_the_usual_scale_or_set_choices() -> None:
    space = RecipeSpace().narrow(
        {
            "lr": (1e-3, 1e-2),
            "batch_size": [32, 64],
            "plateau_patience": (2, 3),
            "l1": (1e-6, 1e-4),
            "momentum": FloatDistribution(0.8, 0.95),
        }
    )
    tuned = space.tuned
    assert tuned["lr"] == FloatDistribution(1e-3, 1e-2, log=True)
    assert tuned["batch_size"] == CategoricalDistribution((32, 64))
    assert tuned["plateau_patience"] == IntDistribution(2, 3)
    assert tuned["l1"] == FloatDistribution(1e-6, 1e-4, log=True)  # newly tuned
    assert tuned["momentum"] == FloatDistribution(0.8, 0.95)
    for params, recipe in draw_recipes(30, space=space):
        assert 1e-3 <= recipe.lr <= 1e-2 and recipe.batch_size in (32, 64)
        assert "l1" in params and 1e-6 <= recipe.l1 <= 1e-4


def test_narrowing_a_fixed_field_tunes_it_again_and_fixing_removes_it() -> None:
    space = RecipeSpace().fix({"lr": 0.1})
    assert "lr" not in space.tuned and space.fixed == {"lr": 0.1}
    again = space.narrow({"lr": (0.01, 0.1)})
    assert "lr" in again.tuned and again.fixed == {}


def test_repr_rebuilds_an_equal_space() -> None:
    space = RecipeSpace().narrow({"lr": (1e-4, 1e-2)}).fix({"optimizer": "adamw"})
    namespace = {
        "RecipeSpace": RecipeSpace,
        "FloatDistribution": FloatDistribution,
        "IntDistribution": IntDistribution,
        "CategoricalDistribution": CategoricalDistribution,
    }
    assert eval(repr(space), namespace) == space
    assert RecipeSpace() == RecipeSpace(tuned=standard_distributions())
    assert RecipeSpace(fixed={"lr": 0.1}) == RecipeSpace().fix({"lr": 0.1})


def test_recipe_from_params_adds_the_fixed_values() -> None:
    space = RecipeSpace().fix({"optimizer": "sgd", "batch_size": 8})
    recipe = space.recipe_from_params(
        {"lr": 0.3, "momentum": 0.9, "nesterov": True, "weight_decay": 1e-5, "schedule": "constant"}
    )
    assert recipe == TrainingRecipe(
        optimizer="sgd", lr=0.3, momentum=0.9, nesterov=True, weight_decay=1e-5, batch_size=8
    )
    assert space.recipe_from_params({"width": 3, "lr": 0.3}) == TrainingRecipe(
        optimizer="sgd", lr=0.3, batch_size=8
    )  # the model's own parameters are not the recipe's


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: RecipeSpace(fixed={"lerning_rate": 1}), ValueError, "unknown recipe field"),
        (
            lambda: RecipeSpace(fixed={"optimizer": "lamb"}),
            ValueError,
            "`optimizer` must be one of",
        ),
        (
            lambda: RecipeSpace(tuned={"lr": FloatDistribution(0.0, 1.0)}),
            ValueError,
            r"tuned\['lr'\].*`lr` must be a number in \(0.0, inf\)",
        ),
        (
            lambda: RecipeSpace(tuned={"optimizer": CategoricalDistribution(("adam", "lion"))}),
            ValueError,
            "got 'lion'",
        ),
        (
            lambda: RecipeSpace(tuned={"lr": FloatDistribution(0.1, 1)}, fixed={"lr": 0.1}),
            ValueError,
            "both tuned and fixed",
        ),
        (lambda: RecipeSpace(tuned={"lr": (0.1, 1.0)}), TypeError, "needs a Distribution"),  # type: ignore[dict-item]
        (lambda: RecipeSpace().narrow({"lr": (0.0, 1.0)}), ValueError, "for parameter 'lr'"),
        (lambda: RecipeSpace().narrow({"lr": 0.1}), TypeError, r"`ranges\['lr'\]` must be"),  # type: ignore[dict-item]
        (lambda: RecipeSpace().narrow({"batch_size": (8, 64.5)}), ValueError, "batch_size"),
        (
            lambda: suggest_recipe(hs.FixedTrial({}), fixed={"lr": 0.1}, ranges={"lr": (0.1, 1)}),
            ValueError,
            "both `fixed` and `ranges`",
        ),
    ],
)
def test_bad_spaces_are_named(call, error: type, match: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=match):
        call()


def test_a_fixed_trial_replays_a_recipe() -> None:
    params = {
        "optimizer": "rmsprop",
        "lr": 0.002,
        "weight_decay": 1e-6,
        "schedule": "warmup_cosine",
        "warmup_fraction": 0.05,
        "batch_size": 128,
    }
    recipe = suggest_recipe(hs.FixedTrial(params))
    assert recipe == TrainingRecipe(**params)
