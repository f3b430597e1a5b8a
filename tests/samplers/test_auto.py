"""AutoSampler: its rule on known study shapes and its recorded choices."""

from __future__ import annotations

import pytest

import hypersense as hs
from hypersense.samplers import AutoSampler
from hypersense.samplers.auto import choose_sampler

BASE = {
    "n_objectives": 1,
    "n_finished": 20,
    "dimension": 4,
    "conditional": False,
    "constrained": False,
    "gp_max_trials": 300,
    "gp_max_dimension": 16,
}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, "gp"),
        ({"n_objectives": 2}, "tpe"),
        ({"conditional": True}, "tpe"),
        ({"constrained": True}, "tpe"),
        ({"dimension": 17}, "tpe"),
        ({"n_finished": 300}, "tpe"),
        ({"n_finished": 299}, "gp"),
    ],
)
def test_the_rule(changes: dict[str, object], expected: str) -> None:
    assert choose_sampler(**{**BASE, **changes}) == expected  # type: ignore[arg-type]


def quadratic(trial: hs.Trial) -> float:
    return sum((trial.suggest_float(f"x{i}", -1, 1) - 0.3) ** 2 for i in range(3))


def test_a_fixed_numeric_space_uses_the_gp_and_records_the_choice() -> None:
    study = hs.create_study(sampler=AutoSampler(seed=0))
    study.optimize(quadratic, n_trials=12)
    assert {t.system_attrs["auto_sampler"] for t in study.trials} == {"gp"}


def test_the_gp_hands_over_to_tpe_after_its_budget() -> None:
    study = hs.create_study(sampler=AutoSampler(gp_max_trials=10, seed=0))
    study.optimize(quadratic, n_trials=14)
    choices = [t.system_attrs["auto_sampler"] for t in study.trials]
    assert choices == ["gp"] * 10 + ["tpe"] * 4


def test_a_conditional_space_uses_tpe_once_it_shows() -> None:
    def conditional(trial: hs.Trial) -> float:
        if trial.suggest_categorical("kind", ["a", "b"]) == "a":
            return trial.suggest_float("x", 0, 1)
        return trial.suggest_float("y", 0, 1) + 1

    study = hs.create_study(sampler=AutoSampler(seed=3))
    study.optimize(conditional, n_trials=10)
    choices = [t.system_attrs["auto_sampler"] for t in study.trials]
    assert choices[-1] == "tpe" and choices[0] == "gp"


def test_bad_options_are_named() -> None:
    with pytest.raises(ValueError, match="gp_max_trials"):
        AutoSampler(gp_max_trials=0)
