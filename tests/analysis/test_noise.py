"""Seed noise: planted noise recovered, variance split, per-parameter verdicts."""

from __future__ import annotations

import json
import logging
import math

import numpy as np
import pytest
from tests.analysis.experiments.objectives import NoisyQuadratic, quadratic_mean, searched_study

import hypersense as hs
from hypersense.analysis.experiments.local import local_sensitivity
from hypersense.analysis.noise import analyze_noise

NOISE_SD = 0.5


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_planted_seed_noise_variance_is_recovered_within_20_percent(seed: int) -> None:
    # 10 configurations x 51 seeds leave 500 degrees of freedom for the noise
    # variance: its relative standard error is sqrt(2/500) = 6.3%, so 20% is 3.2
    # standard errors (a miss has probability 0.16% per seed); the noise floor (the
    # deviation) has relative error 3.2%, so 10% is also 3.2 standard errors.
    objective = NoisyQuadratic(noise_sd=NOISE_SD)
    study = searched_study(objective, n_trials=40, seed=seed)
    result = analyze_noise(study, objective, n_others=9, n_seeds=51, n_points=3, seed=seed)
    assert result.anova.df_within == 500
    assert result.seed_variance.estimate == pytest.approx(NOISE_SD**2, rel=0.20)
    assert result.noise_floor.estimate == pytest.approx(NOISE_SD, rel=0.10)
    assert result.seed_variance.low <= NOISE_SD**2 <= result.seed_variance.high
    assert result.noise_floor.low <= NOISE_SD <= result.noise_floor.high


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_between_configuration_variance_is_that_of_the_true_means(seed: int) -> None:
    # Given the repeated configurations, E[(MSB - MSW)/n] is the sample variance
    # (ddof=1) of their noise-free means, which we know: the MLS interval (95%)
    # must hold it.
    objective = NoisyQuadratic(noise_sd=NOISE_SD)
    study = searched_study(objective, n_trials=40, seed=seed)
    result = analyze_noise(study, objective, n_others=5, n_seeds=8, n_points=3, seed=seed)
    truths = [quadratic_mean(c.params["x"], c.params["lr"]) for c in result.configurations]
    expected = float(np.var(truths, ddof=1))
    variance = result.hyperparameter_variance
    assert variance.low <= expected <= variance.high
    share = result.hyperparameter_share
    assert 0.0 <= share.low <= share.estimate <= share.high <= 1.0
    assert share.low <= expected / (expected + NOISE_SD**2) <= share.high


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_influential_parameters_are_told_from_noise_and_dummies_are_not(seed: int) -> None:
    # x and lr move the metric by 4 to 7 units around the best point (noise sd 0.5):
    # their F-tests have p < 1e-6. The dummies have no effect, so each is called
    # distinguishable with probability <= alpha = 0.05 (Holm controls the family).
    objective = NoisyQuadratic(noise_sd=NOISE_SD)
    study = searched_study(objective, n_trials=30, seed=seed)
    result = analyze_noise(study, objective, seed=seed)
    assert result.distinguishable_parameters == ("x", "lr")
    tests = {t.parameter: t for t in result.parameter_tests}
    assert tests["x"].p_value_adjusted < 1e-6 and tests["lr"].p_value_adjusted < 1e-6
    assert tests["x"].effect_sd > 2 * result.noise_floor.estimate
    # dummy: its 3 choices; width (8 values): 5 even positions, plus the reference
    # unless it falls on one of them.
    assert tests["dummy"].df_between == 2 and tests["width"].df_between in (4, 5)
    assert tests["dummy"].df_within == 3 * (5 - 1)
    assert "F-test" in result.test and "Holm" in result.test


def test_repeated_configurations_are_the_best_and_a_stratified_sample() -> None:
    objective = NoisyQuadratic(noise_sd=NOISE_SD)
    study = searched_study(objective, n_trials=21, seed=5)
    result = analyze_noise(study, objective, n_others=4, n_seeds=3, n_points=3, seed=0)
    best = result.configurations[0]
    assert best.trial_number == study.best_trial.number and best.value_quantile == 0.0
    # 20 others in 4 strata of 5: midpoints 2.5, 7.5, 12.5, 17.5 -> ranks 3, 8, 13, 18.
    assert [c.value_quantile for c in result.configurations] == [0.0, 0.15, 0.4, 0.65, 0.9]
    by_number = {t.number: t for t in study.trials}
    for c in result.configurations:
        assert c.original_value == by_number[c.trial_number].value
        assert c.params == by_number[c.trial_number].params and c.summary.n == 3
    companion = hs.load_study(result.companion_study_name, study.storage)
    assert len(companion.trials) == 5 * 3
    assert result.local_study_name == f"{study.study_name}:local"


def test_unequal_seed_spread_is_flagged() -> None:
    def heteroscedastic(trial: hs.Trial) -> float:
        x = trial.suggest_float("x", 0.0, 1.0)
        sd = 0.01 if x < 0.5 else 2.0
        return x + float(np.random.default_rng(trial.seed).normal(0.0, sd))

    study = searched_study(heteroscedastic, n_trials=30, seed=0)
    result = analyze_noise(study, heteroscedastic, n_others=3, n_seeds=10, n_points=3, seed=0)
    assert result.equal_noise_p_value < 0.01


def test_a_given_sweep_is_used_and_must_belong_to_the_study() -> None:
    objective = NoisyQuadratic(noise_sd=NOISE_SD)
    study = searched_study(objective, n_trials=10)
    local = local_sensitivity(study, objective, n_points=3, n_seeds=2, seed=0)
    calls = objective.calls
    result = analyze_noise(study, objective, n_others=2, n_seeds=2, local=local, seed=0)
    assert objective.calls == calls + 3 * 2  # only the repeats ran
    assert [t.parameter for t in result.parameter_tests] == [c.parameter for c in local.curves]
    other = searched_study(objective, n_trials=3, study_name="other")
    with pytest.raises(ValueError, match="'other'"):
        analyze_noise(other, objective, local=local)
    with pytest.raises(TypeError, match="`local`"):
        analyze_noise(study, objective, local={"x": 1})  # type: ignore[arg-type]


def test_an_objective_that_ignores_the_seed_is_reported(caplog: pytest.LogCaptureFixture) -> None:
    def deterministic(trial: hs.Trial) -> float:
        return trial.suggest_float("x", 0.0, 1.0) + trial.suggest_float("y", 0.0, 1.0)

    study = searched_study(deterministic, n_trials=10)
    with caplog.at_level(logging.WARNING, logger="hypersense.analysis.noise"):
        result = analyze_noise(study, deterministic, n_others=2, n_seeds=2, n_points=3, seed=0)
    assert "trial.seed" in caplog.text
    assert result.noise_floor.estimate == 0.0
    assert not result.distinguishable_parameters
    assert math.isnan(result.hyperparameter_share.estimate)


def test_results_serialise() -> None:
    objective = NoisyQuadratic(noise_sd=NOISE_SD)
    study = searched_study(objective, n_trials=10)
    result = analyze_noise(study, objective, n_others=2, n_seeds=3, n_points=3, seed=0)
    data = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert data["noise_floor"]["estimate"] == pytest.approx(result.noise_floor.estimate)
    assert list(result.to_pandas()["parameter"]) == ["x", "lr", "dummy", "width"]
    assert len(result.to_pandas("configurations")) == 3
    with pytest.raises(ValueError, match="`table`"):
        result.to_pandas("seeds")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_seeds": 1}, "n_seeds"),
        ({"n_others": 0}, "n_others"),
        ({"alpha": 1.0}, "alpha"),
        ({"n_points": 1}, "n_points"),
        ({"window": 2}, "window"),
        ({"n_jobs": "2"}, "n_jobs"),
    ],
)
def test_bad_options_name_the_argument(kwargs: dict[str, object], match: str) -> None:
    objective = NoisyQuadratic(noise_sd=NOISE_SD)
    study = searched_study(objective, n_trials=3)
    with pytest.raises((ValueError, TypeError), match=match):
        analyze_noise(study, objective, **kwargs)  # type: ignore[arg-type]
