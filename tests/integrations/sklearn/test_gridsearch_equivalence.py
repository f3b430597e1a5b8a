"""Known answer: over a grid, HyperSearchCV's `cv_results_` equals GridSearchCV's
on the same folds (every fold score, mean, std and rank, per candidate)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.svm import SVC

from hypersense.integrations import HyperSearchCV, to_search_space
from hypersense.samplers import GridSampler
from tests.integrations.sklearn.helpers import cancer_subset, iris

EXTRA_KEYS = {"trial_number", "trial_state"}
TIME_KEYS = {"mean_fit_time", "std_fit_time", "mean_score_time", "std_score_time"}


def _grid_search(estimator: Any, grid: dict[str, list[Any]], **options: Any) -> HyperSearchCV:
    """A HyperSearchCV that visits every point of ``grid`` once."""
    sampler = GridSampler(to_search_space(grid))
    return HyperSearchCV(estimator, grid, sampler=sampler, n_trials=None, **options)


def _key(params: dict[str, Any]) -> str:
    return repr(sorted(params.items()))


def assert_same_results(ours: dict[str, Any], theirs: dict[str, Any]) -> None:
    """Same keys (plus ours), and per candidate (matched by its parameters) the same
    values for every key but the timings."""
    assert set(ours) == set(theirs) | EXTRA_KEYS
    assert sorted(map(_key, ours["params"])) == sorted(map(_key, theirs["params"]))
    row_of = {_key(p): i for i, p in enumerate(ours["params"])}
    order = np.array([row_of[_key(p)] for p in theirs["params"]])
    for name, expected in theirs.items():
        if name in TIME_KEYS or name == "params":
            continue
        got = np.asarray(ours[name])[order]
        if name.startswith("param_"):
            assert list(got) == list(np.asarray(expected)), name
        elif name.startswith("rank_"):
            assert got.tolist() == expected.tolist(), name
        else:  # the same fits on the same rows: equal to the last bit
            np.testing.assert_array_equal(got, expected, err_msg=name)
    for name in TIME_KEYS:
        assert ours[name].shape == theirs[name].shape and np.all(ours[name] >= 0)
    assert set(ours["trial_state"]) == {"COMPLETE"}


def test_single_metric_svc_grid_on_iris_matches_grid_search_cv() -> None:
    x, y = iris()
    grid = {"C": [0.1, 1.0, 10.0], "gamma": [0.01, 0.1, 1.0]}
    theirs = GridSearchCV(SVC(), grid, cv=3).fit(x, y)
    ours = _grid_search(SVC(), grid, cv=3).fit(x, y)
    assert len(ours.cv_results_["params"]) == 9
    assert_same_results(ours.cv_results_, theirs.cv_results_)
    assert ours.best_params_ == theirs.best_params_
    assert ours.best_score_ == theirs.best_score_
    assert ours.n_splits_ == theirs.n_splits_ == 3
    np.testing.assert_array_equal(ours.predict(x), theirs.predict(x))
    assert ours.score(x, y) == theirs.score(x, y)


def test_multi_metric_pipeline_grid_with_train_scores_matches_grid_search_cv() -> None:
    x, y = cancer_subset()
    pipe = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression())])
    grid = {"clf__C": [0.1, 1.0], "scale": [StandardScaler(), MinMaxScaler()]}
    options: dict[str, Any] = {
        "cv": 3,
        "scoring": {"acc": "accuracy", "bal": "balanced_accuracy"},
        "refit": "bal",
        "return_train_score": True,
    }
    theirs = GridSearchCV(pipe, grid, **options).fit(x, y)
    ours = _grid_search(pipe, grid, **options).fit(x, y)
    ours_repr = dict(ours.cv_results_, params=[_readable(p) for p in ours.cv_results_["params"]])
    theirs_repr = dict(
        theirs.cv_results_, params=[_readable(p) for p in theirs.cv_results_["params"]]
    )
    for results in (ours_repr, theirs_repr):  # estimators compare by identity: use reprs
        results["param_scale"] = np.array([repr(s) for s in results["param_scale"]])
    assert_same_results(ours_repr, theirs_repr)
    assert _readable(ours.best_params_) == _readable(theirs.best_params_)
    assert ours.best_score_ == theirs.best_score_
    assert ours.score(x, y) == theirs.score(x, y)  # the `bal` scorer on the refitted pipeline
    assert set(ours.scorer_) == {"acc", "bal"} and ours.multimetric_


def _readable(params: dict[str, Any]) -> dict[str, Any]:
    return {k: repr(v) if hasattr(v, "get_params") else v for k, v in params.items()}


@pytest.mark.parametrize("error_score", [0.0])
def test_failed_fits_with_a_numeric_error_score_match_grid_search_cv(error_score: float) -> None:
    from sklearn.exceptions import FitFailedWarning

    from tests.integrations.sklearn.helpers import MajorityClassifier

    x, y = iris()
    grid = {"fail": [False, True], "shift": [0.0, 1.0]}
    with pytest.warns(FitFailedWarning):
        theirs = GridSearchCV(MajorityClassifier(), grid, cv=3, error_score=error_score).fit(x, y)
    with pytest.warns(FitFailedWarning, match="6 of the 12 fits failed"):
        ours = _grid_search(MajorityClassifier(), grid, cv=3, error_score=error_score).fit(x, y)
    assert_same_results(ours.cv_results_, theirs.cv_results_)
