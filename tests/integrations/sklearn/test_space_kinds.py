"""A parameter keeps one kind across alternative spaces (a study refuses kind changes)."""

from __future__ import annotations

import pytest
from sklearn.datasets import load_iris
from sklearn.svm import SVC

import hypersense as hs
from hypersense.space import FloatDistribution


def test_one_name_with_two_kinds_is_refused_before_any_fit() -> None:
    x, y = load_iris(return_X_y=True)
    space = [
        {"kernel": ["linear"], "C": [0.5, 1.0]},
        {"kernel": ["rbf"], "C": FloatDistribution(0.1, 10.0, log=True)},
    ]
    search = hs.HyperSearchCV(SVC(), space, n_trials=4, cv=2)
    with pytest.raises(
        ValueError, match=r"categorical in alternative 0 and float in alternative 1.*'C'"
    ):
        search.fit(x, y)
    assert not hasattr(search, "cv_results_")
