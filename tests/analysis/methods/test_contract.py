"""The importance contract, written once and run over every evaluator."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys

import numpy as np
import pytest

import hypersense as hs
from hypersense.analysis import (
    FanovaImportanceEvaluator,
    ImportanceEvaluator,
    PermutationImportanceEvaluator,
    SobolImportanceEvaluator,
    importance,
)
from hypersense.history import StudyHistory
from hypersense.samplers import RandomSampler


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


@pytest.mark.parametrize("method", METHODS)
def test_every_parameter_gets_a_normalised_importance_with_an_interval(
    study: hs.Study, method: str
) -> None:
    result = make(method).evaluate(study)
    assert result.method == method
    assert {p.name for p in result.parameters} == {"x", "lr", "n", "act"}
    assert np.isclose(sum(p.importance for p in result.parameters), 1.0)
    for p in result.parameters:
        assert 0.0 <= p.ci_low <= p.ci_high <= 1.0 + 1e-9
        assert p.surrogate == result.surrogate and p.r2 == result.r2
    importances = [p.importance for p in result.parameters]
    assert importances == sorted(importances, reverse=True)
    assert [p.name for p in result.parameters[:2]] == ["lr", "x"]
    assert result.n_draws >= 5
    assert result.r2 > 0.8


@pytest.mark.parametrize("method", METHODS)
def test_same_seed_same_result_and_the_study_is_not_touched(study: hs.Study, method: str) -> None:
    before = pickle.dumps(study.trials)
    first = make(method).evaluate(study).to_dict()
    second = make(method).evaluate(study).to_dict()
    assert first == second
    assert pickle.dumps(study.trials) == before


@pytest.mark.parametrize("method", METHODS)
def test_results_are_json_ready_and_convert_to_pandas(study: hs.Study, method: str) -> None:
    result = make(method).evaluate(study)
    text = json.dumps(result.to_dict(), allow_nan=False)
    assert json.loads(text)["method"] == method
    frame = result.to_pandas()
    assert list(frame["name"]) == [p.name for p in result.parameters]
    assert {"importance", "ci_low", "ci_high", "r2", "surrogate"} <= set(frame.columns)


def test_trials_history_and_study_give_the_same_answer(study: hs.Study) -> None:
    evaluator = make("fanova")
    from_study = evaluator.evaluate(study).to_dict()
    history = StudyHistory.from_trials(study.directions, study.trials)
    assert evaluator.evaluate(history).to_dict() == from_study
    assert evaluator.evaluate(study.trials, directions=["minimize"]).to_dict() == from_study


def test_top_quantile_caps_bad_values_and_says_so(study: hs.Study) -> None:
    result = FanovaImportanceEvaluator(n_bootstrap=4, top_quantile=0.25, seed=0).evaluate(study)
    assert result.top_quantile == 0.25
    assert result.n_trials == 60
    assert result.shares.observed_variance < np.var([t.value for t in study.trials])


def test_multi_objective_studies_analyse_the_chosen_objective() -> None:
    s = hs.create_study(
        directions=["minimize", "maximize"],
        sampler=RandomSampler(seed=1),
        heartbeat_interval_s=None,
    )

    def two(trial: hs.Trial) -> tuple[float, float]:
        a = trial.suggest_float("a", 0.0, 1.0)
        b = trial.suggest_float("b", 0.0, 1.0)
        return a, b

    s.optimize(two, n_trials=30)
    first = importance(s, objective=0, n_bootstrap=0, seed=0)
    second = importance(s, objective=1, n_bootstrap=0, seed=0)
    assert first.parameters[0].name == "a" and second.parameters[0].name == "b"
    assert second.direction == "maximize"
    with pytest.raises(ValueError, match="`objective`"):
        importance(s, objective=2)


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


def test_too_few_trials_is_an_error_that_says_why() -> None:
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
