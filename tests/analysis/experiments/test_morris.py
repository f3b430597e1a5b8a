"""Morris screening: level decoding, known elementary effects, ranking under noise."""

from __future__ import annotations

import json
import math
import sys

import numpy as np
import pytest
from tests.analysis.experiments.objectives import NoisyQuadratic, searched_study

import hypersense as hs
from hypersense.analysis.experiments.morris import (
    complete_trajectories,
    decode_level,
    morris_screening,
)
from hypersense.space import CategoricalDistribution, FloatDistribution, IntDistribution


def test_levels_decode_through_the_unit_encoding() -> None:
    levels = [0.0, 1 / 3, 2 / 3, 1.0]
    assert [decode_level(FloatDistribution(-1.0, 1.0), x) for x in levels] == pytest.approx(
        [-1.0, -1 / 3, 1 / 3, 1.0]
    )
    log = [decode_level(FloatDistribution(1e-4, 1e-1, log=True), x) for x in levels]
    assert np.log10(log) == pytest.approx([-4.0, -3.0, -2.0, -1.0])
    # Finite sets: level x takes value number round(x·(n-1)), ends to ends.
    assert [decode_level(IntDistribution(1, 3), x) for x in levels] == [1, 2, 2, 3]
    assert [decode_level(IntDistribution(0, 30, step=10), x) for x in levels] == [0, 10, 20, 30]
    choices = CategoricalDistribution(("a", "b"))
    assert [decode_level(choices, x) for x in levels] == ["a", "a", "b", "b"]
    stepped = FloatDistribution(0.0, 1.0, step=0.5)
    assert [decode_level(stepped, x) for x in levels] == [0.0, 0.5, 0.5, 1.0]
    log_int = IntDistribution(1, 1000, log=True)
    assert decode_level(log_int, 0.0) == 1 and decode_level(log_int, 1.0) == 1000


def test_incomplete_trajectories_are_dropped() -> None:
    levels = np.arange(12, dtype=float).reshape(6, 2)  # 2 trajectories of D+1 = 3 rows
    values = np.array([1.0, 2.0, 3.0, 4.0, np.nan, 6.0])
    kept_levels, kept_values, n = complete_trajectories(levels, values, 2)
    assert n == 1
    np.testing.assert_array_equal(kept_levels, levels[:3])
    np.testing.assert_array_equal(kept_values, [1.0, 2.0, 3.0])


def linear(trial: hs.Trial) -> float:
    """10 per unit of x's range, 9 per unit of lr's log range, nothing from the rest."""
    x = trial.suggest_float("x", 0.0, 1.0)
    lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
    trial.suggest_categorical("dummy", ["a", "b", "c"])
    trial.suggest_int("width", 1, 8)
    return 10.0 * x + 3.0 * math.log10(lr)


def test_linear_objective_gives_its_exact_elementary_effects() -> None:
    study = searched_study(linear, n_trials=5)
    result = morris_screening(study, linear, n_trajectories=4, seed=0)
    effects = {e.parameter: e for e in result.effects}
    # A linear function has one elementary effect per parameter: its slope per unit.
    assert effects["x"].mu == pytest.approx(10.0) and effects["x"].sigma == pytest.approx(0.0)
    assert effects["lr"].mu == pytest.approx(9.0)
    assert effects["dummy"].mu_star == 0.0 and effects["width"].mu_star == 0.0
    assert result.ranking[:2] == ("x", "lr")
    assert [e.rank for e in result.effects] == [1, 2, 3, 4]
    assert result.n_trajectories_used == 4 and result.n_levels == 4
    assert len(hs.load_study(result.companion_study_name, study.storage).trials) == 4 * 5


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_influential_parameters_rank_above_dummies_under_noise(seed: int) -> None:
    # x and lr move the metric by several units over their ranges, the seed noise has
    # sd 0.3: with 10 trajectories mu* of a dummy is ~1.13·0.3/Δ ≈ 0.5, of x and lr > 2.
    objective = NoisyQuadratic(noise_sd=0.3)
    study = searched_study(objective, n_trials=10, seed=seed)
    result = morris_screening(study, objective, n_trajectories=10, seed=seed)
    assert set(result.ranking[:2]) == {"x", "lr"}
    assert json.dumps(result.to_dict(), allow_nan=False)
    frame = result.to_pandas()
    assert list(frame["parameter"]) == list(result.ranking)


def test_fixed_parameters_and_a_subset_to_screen() -> None:
    study = searched_study(linear, n_trials=5)
    result = morris_screening(study, linear, n_trajectories=2, parameters=["x", "width"], seed=1)
    assert set(result.ranking) == {"x", "width"}
    assert set(result.fixed_params) == {"lr", "dummy"}
    assert result.fixed_params["lr"] == study.best_params["lr"]


def test_too_many_failures_are_reported() -> None:
    study = searched_study(linear, n_trials=5)

    def fails_on_high_x(trial: hs.Trial) -> float:
        if trial.suggest_float("x", 0.0, 1.0) > 0.5:
            raise ValueError("diverged")
        return linear(trial)

    with pytest.raises(ValueError, match="complete trajectories"):
        morris_screening(study, fails_on_high_x, n_trajectories=3, seed=0, catch=ValueError)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_trajectories": 1}, "n_trajectories"),
        ({"n_levels": 5}, "n_levels"),
        ({"confidence": 1.5}, "confidence"),
        ({"parameters": ["x", "nope"]}, "nope"),
        ({"parameters": ["x"]}, "at least 2"),
        ({"parameters": "x"}, "parameters"),
    ],
)
def test_bad_options_name_the_argument(kwargs: dict[str, object], match: str) -> None:
    study = searched_study(linear, n_trials=3)
    with pytest.raises((ValueError, TypeError), match=match):
        morris_screening(study, linear, **kwargs)  # type: ignore[arg-type]


def test_missing_salib_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    study = searched_study(linear, n_trials=3)
    for name in ("SALib", "SALib.sample", "SALib.sample.morris"):
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(hs.MissingDependencyError, match=r"hypersense\[analysis\]"):
        morris_screening(study, linear)
