"""The training recipe: defaults, validation naming the field, dict round trips."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hypersense.torch import OPTIMIZERS, SCHEDULES, TrainingRecipe


def test_defaults_are_adam_at_1e_3_with_a_constant_rate() -> None:
    recipe = TrainingRecipe()
    assert (recipe.optimizer, recipe.lr, recipe.schedule, recipe.batch_size) == (
        "adam",
        1e-3,
        "constant",
        64,
    )
    assert recipe.grad_clip_norm is None and recipe.l1 == recipe.l2 == 0.0


def test_integers_given_for_floats_are_stored_as_floats() -> None:
    recipe = TrainingRecipe(lr=1, weight_decay=0)
    assert type(recipe.lr) is float and type(recipe.weight_decay) is float


@pytest.mark.parametrize(
    ("field", "value", "match"),
    [
        ("optimizer", "lamb", r"`optimizer` must be one of \['sgd', 'adam', 'adamw', 'rmsprop'\]"),
        ("schedule", "cyclic", "`schedule` must be one of"),
        ("lr", 0.0, r"`lr` must be a number in \(0.0, inf\) \(got 0.0\)"),
        ("lr", math.nan, "`lr`"),
        ("lr", "0.1", "`lr`"),
        ("lr", True, "`lr`"),
        ("momentum", 1.0, r"`momentum` must be a number in \[0.0, 1.0\)"),
        ("weight_decay", -1e-4, "`weight_decay`"),
        ("l1", math.inf, "`l1`"),
        ("grad_clip_norm", 0.0, "`grad_clip_norm`"),
        ("warmup_fraction", 1.0, "`warmup_fraction`"),
        ("pct_start", 0.0, "`pct_start`"),
        ("div_factor", 0.5, "`div_factor`"),
        ("plateau_factor", 1.0, "`plateau_factor`"),
        ("plateau_patience", -1, "`plateau_patience` must be an integer >= 0"),
        ("batch_size", 0, "`batch_size` must be an integer >= 1"),
        ("batch_size", 32.0, "`batch_size`"),
    ],
)
def test_bad_values_name_the_field_and_the_value(field: str, value: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        TrainingRecipe(**{field: value})


def test_nesterov_must_be_a_bool() -> None:
    with pytest.raises(TypeError, match="`nesterov` must be a bool"):
        TrainingRecipe(nesterov=1)  # type: ignore[arg-type]


def test_unknown_names_in_a_dict_are_listed() -> None:
    with pytest.raises(
        ValueError, match=r"unknown training hyperparameter\(s\) \['learning_rate'\]"
    ):
        TrainingRecipe.from_dict({"learning_rate": 0.1})
    with pytest.raises(TypeError, match="needs a mapping"):
        TrainingRecipe.from_dict([("lr", 0.1)])  # type: ignore[arg-type]


recipes = st.builds(
    TrainingRecipe,
    optimizer=st.sampled_from(OPTIMIZERS),
    lr=st.floats(1e-6, 10.0),
    momentum=st.floats(0.0, 0.999),
    nesterov=st.booleans(),
    weight_decay=st.floats(0.0, 1.0),
    grad_clip_norm=st.none() | st.floats(0.01, 100.0),
    schedule=st.sampled_from(SCHEDULES),
    warmup_fraction=st.floats(0.0, 0.99),
    plateau_patience=st.integers(0, 20),
    batch_size=st.integers(1, 4096),
)


@settings(max_examples=50, deadline=None)
@given(recipe=recipes)
def test_json_round_trip_and_repr_rebuild_the_recipe(recipe: TrainingRecipe) -> None:
    assert TrainingRecipe.from_dict(json.loads(json.dumps(recipe.to_dict()))) == recipe
    assert eval(repr(recipe), {"TrainingRecipe": TrainingRecipe}) == recipe
    assert recipe.replace(lr=0.5).lr == 0.5
