"""GridSearchCV, RandomizedSearchCV and BayesSearchCV habits: the same arguments work,
with the same candidates (GridSearchCV's order), reproducibly."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy.stats import loguniform
from sklearn.model_selection import GridSearchCV
from sklearn.svm import SVC
from skopt.space import Categorical, Integer, Real

from hypersense.integrations import HyperSearchCV
from hypersense.space import FloatDistribution, IntDistribution
from tests.integrations.sklearn.helpers import iris

GRID_27 = {"C": [0.1, 1.0, 10.0], "gamma": [0.01, 0.1, 1.0], "tol": [1e-3, 1e-2, 1e-1]}


def _same_as_grid_search(ours: dict[str, Any], theirs: dict[str, Any]) -> None:
    """Same candidates in the same order, same fold scores, means and ranks."""
    assert ours["params"] == theirs["params"]
    for key in theirs:
        if key.startswith(("split", "mean_test", "std_test", "rank_test")):
            np.testing.assert_array_equal(ours[key], theirs[key], err_msg=key)


def test_a_dict_of_lists_is_searched_exhaustively_like_grid_search_cv() -> None:
    x, y = iris()
    ours = HyperSearchCV(SVC(), GRID_27, cv=5).fit(x, y)  # positional, as GridSearchCV
    theirs = GridSearchCV(SVC(), GRID_27, cv=5).fit(x, y)
    assert len(ours.cv_results_["params"]) == 27
    _same_as_grid_search(ours.cv_results_, theirs.cv_results_)
    assert ours.best_params_ == theirs.best_params_ and ours.best_score_ == theirs.best_score_


def test_param_grid_by_keyword_and_as_a_list_of_grids() -> None:
    x, y = iris()
    grids = [
        {"kernel": ["linear"], "C": [0.5, 5.0]},
        {"kernel": ["rbf"], "C": [1.0], "gamma": [0.1, 1.0, 10.0]},
    ]
    ours = HyperSearchCV(estimator=SVC(), param_grid=grids, cv=3).fit(x, y)
    theirs = GridSearchCV(estimator=SVC(), param_grid=grids, cv=3).fit(x, y)
    assert len(ours.cv_results_["params"]) == 5
    _same_as_grid_search(ours.cv_results_, theirs.cv_results_)


def test_param_grid_with_a_number_evaluates_distinct_combinations() -> None:
    x, y = iris()
    ours = HyperSearchCV(SVC(), param_grid=GRID_27, n_trials=8, cv=3, random_state=1).fit(x, y)
    params = ours.cv_results_["params"]
    assert len(params) == 8 and len({repr(sorted(p.items())) for p in params}) == 8


def test_param_distributions_honour_n_iter_and_random_state() -> None:
    x, y = iris()
    space = {"C": loguniform(1e-2, 1e2), "kernel": ["linear", "rbf"]}

    def draw(seed: int) -> list[dict[str, Any]]:
        search = HyperSearchCV(SVC(), param_distributions=space, n_iter=6, cv=3, random_state=seed)
        return list(search.fit(x, y).cv_results_["params"])

    first, again, other = draw(0), draw(0), draw(1)
    assert len(first) == 6 and first == again and first != other
    assert all(1e-2 <= p["C"] <= 1e2 for p in first)


def test_search_spaces_take_tuples_and_skopt_dimensions() -> None:
    x, y = iris()
    tuples = {"C": (1e-2, 1e2, "log-uniform"), "degree": (2, 5)}
    dims = {"C": Real(1e-2, 1e2, prior="log-uniform"), "degree": Integer(2, 5),
            "shrinking": Categorical([True, False])}  # fmt: skip
    for space in (tuples, dims):
        search = HyperSearchCV(
            SVC(kernel="poly"), search_spaces=space, n_iter=5, cv=3, random_state=0
        )
        params = search.fit(x, y).cv_results_["params"]
        assert len(params) == 5
        assert all(1e-2 <= p["C"] <= 1e2 and 2 <= p["degree"] <= 5 for p in params)
        study_space = search.study_.trials[0].distributions
        assert study_space["C"] == FloatDistribution(1e-2, 1e2, log=True)
        assert study_space["degree"] == IntDistribution(2, 5)


def test_search_spaces_are_reproducible_with_random_state() -> None:
    x, y = iris()
    space = {"C": (1e-2, 1e2, "log-uniform"), "degree": (2, 5)}

    def draw(seed: int) -> list[dict[str, Any]]:
        search = HyperSearchCV(
            SVC(kernel="poly"), search_spaces=space, n_iter=5, cv=3, random_state=seed
        )
        return list(search.fit(x, y).cv_results_["params"])

    assert draw(3) == draw(3) != draw(4)


def test_search_spaces_default_to_fifty_candidates_like_bayes_search_cv() -> None:
    x, y = iris()
    search = HyperSearchCV(SVC(), search_spaces={"C": (0.1, 10.0)}, cv=2).fit(x, y)
    assert len(search.cv_results_["params"]) == 50


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"param_grid": {"C": loguniform(0.1, 10.0)}}, "`param_grid` needs a list of values"),
        ({"search_spaces": {"C": (1.0, 2.0, "cubic")}}, r"`prior` must be one of.*'C'"),
    ],
)
def test_bad_spaces_name_the_argument(options: dict[str, Any], message: str) -> None:
    x, y = iris()
    with pytest.raises(ValueError, match=message):
        HyperSearchCV(SVC(), **options).fit(x, y)
