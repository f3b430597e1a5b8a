"""Cross-validation as an objective mode: fold reports, pruning between folds,
mean and standard error, stored attributes, the estimator shortcut, errors."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import hypersense as hs
from hypersense.integrations import cross_validate_trial, fold_mean_and_sem
from hypersense.pruners import MedianPruner

Y = np.array([0, 1] * 10)  # 20 samples, two balanced classes
X = np.arange(20.0).reshape(20, 1)

# Fold scores of three kinds of configuration: the pruner compares fold 0 of a
# new trial with fold 0 of the completed ones (median of 0.9 and 0.8 is 0.85).
FOLD_SCORES = {
    "good": [0.9, 0.9, 0.9, 0.9, 0.9],
    "fair": [0.8, 0.8, 0.8, 0.8, 0.8],
    "hopeless": [0.1, 0.1, 0.1, 0.1, 0.1],
    "great": [0.95, 0.85, 0.95, 0.85, 0.95],
}


def _scripted_objective(calls: dict[int, int]) -> Callable[[hs.Trial], float]:
    """An objective whose fold scores come from FOLD_SCORES; counts fits per trial."""

    def objective(trial: hs.Trial) -> float:
        kind = str(trial.suggest_categorical("kind", list(FOLD_SCORES)))

        def fit_and_score(train: np.ndarray, val: np.ndarray, fold: int) -> float:
            calls[trial.number] = calls.get(trial.number, 0) + 1
            return FOLD_SCORES[kind][fold]

        return cross_validate_trial(trial, X, Y, fit_and_score, cv=5)

    return objective


def _study_of(kinds: list[str], calls: dict[int, int]) -> hs.Study:
    study = hs.create_study(
        direction="maximize", pruner=MedianPruner(n_startup_trials=2, n_warmup_steps=0)
    )
    for kind in kinds:
        study.enqueue_trial({"kind": kind})
    study.optimize(_scripted_objective(calls), n_trials=len(kinds))
    return study


def test_fold_mean_and_sem_known_answer() -> None:
    mean, sem = fold_mean_and_sem([0.8, 0.9, 1.0])
    # std with ddof=1 is 0.1, so the standard error is 0.1 / sqrt(3).
    assert mean == pytest.approx(0.9)
    assert sem == pytest.approx(0.1 / math.sqrt(3))
    assert math.isnan(fold_mean_and_sem([0.7])[1])
    with pytest.raises(ValueError, match="non-empty 1-D"):
        fold_mean_and_sem([])


def test_every_fold_is_reported_and_the_value_is_the_mean_with_its_sem_stored() -> None:
    calls: dict[int, int] = {}
    study = _study_of(["great"], calls)
    (trial,) = study.trials
    assert trial.state is hs.TrialState.COMPLETE
    assert dict(trial.intermediate_values) == dict(enumerate(FOLD_SCORES["great"]))
    assert trial.value == pytest.approx(0.91)
    assert trial.user_attrs["cv_fold_scores"] == FOLD_SCORES["great"]
    assert trial.user_attrs["cv_n_folds"] == 5
    # std(ddof=1) of (0.95, 0.85, 0.95, 0.85, 0.95) is sqrt(0.012 / 4) = 0.0547723.
    assert trial.user_attrs["cv_sem"] == pytest.approx(math.sqrt(0.012 / 4) / math.sqrt(5))
    assert calls == {0: 5}


def test_pruning_stops_a_hopeless_configuration_after_its_first_fold() -> None:
    calls: dict[int, int] = {}
    study = _study_of(["good", "fair", "hopeless", "great"], calls)
    states = [t.state for t in study.trials]
    assert states == [hs.TrialState.COMPLETE] * 2 + [hs.TrialState.PRUNED, hs.TrialState.COMPLETE]
    hopeless = study.trials[2]
    assert calls == {0: 5, 1: 5, 2: 1, 3: 5}  # one fit instead of five
    assert dict(hopeless.intermediate_values) == {0: 0.1}
    assert hopeless.user_attrs["cv_fold_scores"] == [0.1]
    assert hopeless.user_attrs["cv_n_folds"] == 5
    assert "cv_sem" not in hopeless.user_attrs


def test_a_non_finite_fold_score_skips_the_remaining_folds_and_fails_the_trial() -> None:
    calls: list[int] = []

    def objective(trial: hs.Trial) -> float:
        def fit_and_score(train: np.ndarray, val: np.ndarray, fold: int) -> float:
            calls.append(fold)
            return math.nan if fold == 1 else 0.5

        return cross_validate_trial(trial, X, Y, fit_and_score, cv=4)

    study = hs.create_study(direction="maximize")
    study.optimize(objective, n_trials=1)
    (trial,) = study.trials
    assert trial.state is hs.TrialState.FAIL
    assert calls == [0, 1]
    assert trial.user_attrs["cv_fold_scores"][0] == 0.5
    assert math.isnan(trial.user_attrs["cv_fold_scores"][1])


def test_every_trial_gets_the_same_stratified_folds() -> None:
    seen: dict[int, list[list[int]]] = {}

    def objective(trial: hs.Trial) -> float:
        def fit_and_score(train: np.ndarray, val: np.ndarray, fold: int) -> float:
            seen.setdefault(trial.number, []).append(sorted(val.tolist()))
            return 1.0

        return cross_validate_trial(trial, X, Y, fit_and_score, cv=5, seed=3)

    hs.create_study().optimize(objective, n_trials=3)
    expected = [
        sorted(v.tolist()) for _, v in StratifiedKFold(5, shuffle=True, random_state=3).split(X, Y)
    ]
    assert seen == {0: expected, 1: expected, 2: expected}


def test_the_estimator_shortcut_equals_scikit_learns_cross_val_score() -> None:
    x, y = load_breast_cancer(return_X_y=True)
    x, y = x[::3], y[::3]  # 190 samples keep the test fast
    model = make_pipeline(StandardScaler(), LogisticRegression(C=0.3))
    trial = hs.FixedTrial({})
    value = cross_validate_trial(trial, x, y, estimator=model, scoring="accuracy", cv=4, seed=7)
    expected = cross_val_score(
        model, x, y, cv=StratifiedKFold(4, shuffle=True, random_state=7), scoring="accuracy"
    )
    assert value == pytest.approx(float(expected.mean()), abs=1e-12)
    assert trial.intermediate_values == pytest.approx(dict(enumerate(expected)), abs=1e-12)
    assert trial.user_attrs["cv_sem"] == pytest.approx(
        float(expected.std(ddof=1) / math.sqrt(4)), abs=1e-12
    )


def test_the_attribute_prefix_is_configurable() -> None:
    trial = hs.FixedTrial({})
    cross_validate_trial(trial, X, Y, lambda tr, va, k: 1.0, cv=2, attr_prefix="inner")
    assert set(trial.user_attrs) == {"inner_fold_scores", "inner_n_folds", "inner_sem"}


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({}, ValueError, "exactly one of `fit_and_score` and `estimator`"),
        (
            {"fit_and_score": lambda tr, va, k: 1.0, "estimator": LogisticRegression()},
            ValueError,
            "exactly one",
        ),
        ({"fit_and_score": "not callable"}, TypeError, "`fit_and_score` must be callable"),
        (
            {"fit_and_score": lambda tr, va, k: 1.0, "scoring": "accuracy"},
            ValueError,
            "`scoring` applies only with `estimator`",
        ),
        ({"fit_and_score": lambda tr, va, k: "high"}, TypeError, "must return a number for fold 0"),
        ({"fit_and_score": lambda tr, va, k: 1.0, "attr_prefix": ""}, ValueError, "`attr_prefix`"),
    ],
)
def test_bad_arguments_are_refused(kwargs: dict[str, object], error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        cross_validate_trial(hs.FixedTrial({}), X, Y, **kwargs)  # type: ignore[arg-type]
