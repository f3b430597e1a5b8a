"""The scikit-learn problems: finite, deterministic errors on a fixed split."""

from __future__ import annotations

import math

import numpy as np
import pytest
from benchmarks.problems.base import ParamSpec, Problem
from benchmarks.problems.model_tuning import CV_FOLDS, SVCCancerProblem, model_tuning_problems


def _middle(spec: ParamSpec) -> object:
    """A mid-range value of a parameter (geometric middle on a log scale)."""
    if spec.kind == "categorical":
        return spec.choices[0]
    mid = math.sqrt(spec.low * spec.high) if spec.log else (spec.low + spec.high) / 2
    return round(mid) if spec.kind == "int" else mid


@pytest.mark.parametrize("problem", model_tuning_problems(), ids=lambda p: p.name)
def test_a_middle_configuration_has_a_sensible_error(problem: Problem) -> None:
    value = problem.evaluate({spec.name: _middle(spec) for spec in problem.space})
    assert math.isfinite(value)
    assert 0.0 <= value <= 1.0  # 1 - accuracy, or 1 - R^2 of a model better than the mean
    assert problem.group == "model-tuning" and problem.optimum is None


def test_split_is_fixed_and_covers_every_sample_once() -> None:
    x, _, folds = SVCCancerProblem().data()
    again = SVCCancerProblem().data()[2]
    assert len(folds) == CV_FOLDS
    tested = np.sort(np.concatenate([test for _, test in folds]))
    np.testing.assert_array_equal(tested, np.arange(len(x)))
    for (tr1, te1), (tr2, te2) in zip(folds, again, strict=True):
        np.testing.assert_array_equal(tr1, tr2)
        np.testing.assert_array_equal(te1, te2)


def test_evaluation_is_deterministic() -> None:
    params = {"C": 3.0, "gamma": 0.01}
    assert SVCCancerProblem().evaluate(params) == SVCCancerProblem().evaluate(params)


def test_log_scaled_hyperparameters_matter() -> None:
    problem = SVCCancerProblem()
    good = problem.evaluate({"C": 10.0, "gamma": 0.01})
    useless = problem.evaluate({"C": 0.01, "gamma": 10.0})  # predicts the majority class
    assert good < 0.1 < useless
