"""Trials to designs: scopes of conditional spaces, quadratures, capping, replicate noise."""

from __future__ import annotations

import math

import numpy as np
import pytest

import hypersense as hs
from hypersense.analysis.data import (
    build_design,
    collect_trials,
    find_scopes,
    replicate_noise_variance,
    search_space_of,
)
from hypersense.analysis.quadrature import composite_gauss_legendre, parameter_quadrature
from hypersense.direction import StudyDirection
from hypersense.samplers import RandomSampler


def test_quadratures_measure_the_encoded_space() -> None:
    cont = composite_gauss_legendre()
    assert np.isclose(cont.weights.sum(), 1.0)
    assert np.isclose(cont.weights @ cont.points**7, 1 / 8)  # exact for degree 7
    cat = parameter_quadrature(hs.CategoricalDistribution(("a", "b", "c")))
    assert cat.is_categorical and np.allclose(cat.weights, 1 / 3)
    ints = parameter_quadrature(hs.IntDistribution(1, 4, log=True))
    edges = np.log([0.5, 1.5, 2.5, 3.5, 4.5])
    widths = np.diff(edges) / (edges[-1] - edges[0])
    assert np.allclose(ints.weights, widths, atol=1e-9)
    assert np.allclose(
        ints.points, [hs.IntDistribution(1, 4, log=True).to_unit(v) for v in range(1, 5)]
    )
    assert not parameter_quadrature(hs.FloatDistribution(1e-5, 1.0, log=True)).is_discrete


def conditional(trial: hs.Trial) -> float:
    kind = trial.suggest_categorical("kind", ["a", "b"])
    if kind == "a":
        return trial.suggest_float("p", 0, 1)
    q = trial.suggest_float("q", 0, 1)
    if q > 0.5:
        return q + trial.suggest_float("r", 0, 1)
    return q


def test_scopes_follow_the_branches_of_a_conditional_space() -> None:
    study = hs.create_study(sampler=RandomSampler(seed=0), heartbeat_interval_s=None)
    study.optimize(conditional, n_trials=80)
    trials, _ = collect_trials(study)
    space = search_space_of(trials)
    root, branches = find_scopes(trials, space)
    assert root.parameters == ("kind",)
    by_params = {b.branch_parameters: b for b in branches}
    assert set(by_params) == {("p",), ("q",), ("r",)}
    assert by_params[("p",)].condition == {"kind": "a"}
    assert by_params[("p",)].parameters == ("p",)
    assert by_params[("q",)].condition == {"kind": "b"}
    assert by_params[("q",)].parameters == ("q",)
    nested = by_params[("r",)]
    assert nested.parameters == ("q", "r")
    assert all(t.params["q"] > 0.5 for t in nested.trials)


def test_top_quantile_caps_values_worse_than_the_quantile() -> None:
    study = hs.create_study(
        direction="maximize", sampler=RandomSampler(seed=1), heartbeat_interval_s=None
    )
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=40)
    trials, direction = collect_trials(study)
    assert direction is StudyDirection.MAXIMIZE
    space = search_space_of(trials)
    root, _ = find_scopes(trials, space)
    design = build_design(root, space, objective=0, direction=direction, top_quantile=0.25)
    values = np.array([t.value for t in trials])
    threshold = np.quantile(-values, 0.25)
    assert np.allclose(design.y, np.maximum(values, -threshold))
    assert np.sum(design.y > -threshold) <= 10


def test_replicate_noise_is_the_pooled_within_configuration_variance() -> None:
    x = np.array([[0.1], [0.1], [0.1], [0.7], [0.7], [0.3]])
    y = np.array([1.0, 2.0, 3.0, 5.0, 7.0, 9.0])
    # Groups {1,2,3} (SS 2, dof 2) and {5,7} (SS 2, dof 1): 4 / 3.
    noise = replicate_noise_variance(x, y)
    assert noise is not None and math.isclose(noise, 4 / 3)
    assert replicate_noise_variance(np.array([[0.1], [0.2]]), np.array([1.0, 2.0])) is None


def test_a_bare_list_of_trials_needs_matching_directions() -> None:
    study = hs.create_study(sampler=RandomSampler(seed=2), heartbeat_interval_s=None)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    with pytest.raises(ValueError, match="2 directions"):
        collect_trials(study.trials, directions=["minimize", "maximize"])
