"""The public importance conformance suite (hypersense.testing) over every
built-in evaluator, and what the evaluators share beyond it."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import hypersense as hs
from hypersense.analysis import (
    EVALUATORS,
    FanovaImportanceEvaluator,
    ImportanceEvaluator,
    PermutationImportanceEvaluator,
    SobolImportanceEvaluator,
    importance,
)
from hypersense.samplers import RandomSampler
from hypersense.testing import IMPORTANCE_CHECKS, Check, ImportanceEvaluatorFactory


def objective(trial: hs.Trial) -> float:
    x = trial.suggest_float("x", 0.0, 1.0)
    lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
    n = trial.suggest_int("n", 1, 5)
    act = trial.suggest_categorical("act", ["relu", "tanh"])
    return 3.0 * x**2 + np.log10(lr) ** 2 / 4.0 + 0.1 * n + (0.5 if act == "tanh" else 0.0)


@pytest.fixture(scope="module")
def study() -> hs.Study:
    s = hs.create_study(sampler=RandomSampler(seed=0), heartbeat_interval_s=None)
    s.optimize(objective, n_trials=60)
    return s


def make(method: str, seed: int | None = 0) -> ImportanceEvaluator:
    if method == "fanova":
        return FanovaImportanceEvaluator(n_bootstrap=8, seed=seed)
    if method == "sobol":
        return SobolImportanceEvaluator(n_bootstrap=8, n_base_samples=256, seed=seed)
    return PermutationImportanceEvaluator(n_bootstrap=6, seed=seed)


METHODS = ["fanova", "sobol", "permutation"]


@pytest.mark.parametrize("check", IMPORTANCE_CHECKS, ids=str)
@pytest.mark.parametrize("method", METHODS)
def test_conformance(method: str, check: Check[ImportanceEvaluatorFactory]) -> None:
    check(lambda seed: make(method, seed))


def test_every_built_in_method_is_in_the_suite() -> None:
    assert set(EVALUATORS) == set(METHODS)


@pytest.mark.parametrize("method", METHODS)
def test_the_surrogate_fits_the_known_objective_and_draws_make_the_intervals(
    study: hs.Study, method: str
) -> None:
    result = make(method).evaluate(study)
    assert result.method == method
    assert result.n_draws >= 5
    assert result.r2 > 0.8


def test_top_quantile_caps_bad_values_and_says_so(study: hs.Study) -> None:
    result = FanovaImportanceEvaluator(n_bootstrap=4, top_quantile=0.25, seed=0).evaluate(study)
    assert result.top_quantile == 0.25
    assert result.n_trials == 60
    assert result.shares.observed_variance < np.var([t.value for t in study.trials])


def test_bad_arguments_name_the_argument_and_the_value(study: hs.Study) -> None:
    with pytest.raises(ValueError, match=r"`n_bootstrap`.*-1"):
        FanovaImportanceEvaluator(n_bootstrap=-1)
    with pytest.raises(ValueError, match=r"`confidence`.*1.5"):
        FanovaImportanceEvaluator(confidence=1.5)
    with pytest.raises(ValueError, match=r"`top_quantile`.*0.0"):
        FanovaImportanceEvaluator(top_quantile=0.0)
    with pytest.raises(ValueError, match=r"unknown surrogate 'svm'"):
        FanovaImportanceEvaluator(surrogate="svm")
    with pytest.raises(ValueError, match=r"`n_base_samples`.*100"):
        SobolImportanceEvaluator(n_base_samples=100)
    with pytest.raises(ValueError, match=r"unknown importance method 'shap'"):
        importance(study, method="shap")
    with pytest.raises(TypeError, match="`study` must be"):
        importance("my-study")  # type: ignore[arg-type]


def test_too_few_trials_through_importance_says_why() -> None:
    s = hs.create_study(sampler=RandomSampler(seed=2), heartbeat_interval_s=None)
    s.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
    with pytest.raises(ValueError, match="fewer than min_trials=10"):
        importance(s)


def test_repr_shows_every_option() -> None:
    text = repr(FanovaImportanceEvaluator(pairs=False, n_bootstrap=7, seed=3))
    assert text.startswith("FanovaImportanceEvaluator(pairs=False, surrogate='auto', n_bootstrap=7")
    assert "seed=3" in text


def test_a_missing_salib_is_named_with_its_extra() -> None:
    code = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "SALib":
            raise ImportError("blocked")
        return None
sys.meta_path.insert(0, Block())
import hypersense as hs
from hypersense.analysis import importance
s = hs.create_study()
s.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_float("y", 0, 1), n_trials=12)
try:
    importance(s, method="sobol", n_bootstrap=0)
except hs.MissingDependencyError as exc:
    print("MESSAGE", exc)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert 'pip install "hypersense[analysis]"' in out.stdout
