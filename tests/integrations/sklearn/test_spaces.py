"""Translation of scikit-learn/scipy-style search spaces to hypersense distributions."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from sklearn.linear_model import LogisticRegression
from sklearn.svm import SVC

import hypersense as hs
from hypersense.integrations.sklearn import (
    ALTERNATIVE_PARAM,
    to_search_space,
    translate_search_space,
)
from hypersense.space import CategoricalDistribution, FloatDistribution, IntDistribution


def test_each_kind_of_entry_translates_to_its_distribution() -> None:
    space = to_search_space(
        {
            "dist": FloatDistribution(0.0, 1.0, step=0.25),
            "listed": ["a", "b"],
            "array": np.array([0.1, 1.0, 10.0]),
            "ints": [np.int64(1), np.int64(3)],
            "steps": range(2, 11, 4),
            "log": stats.loguniform(1e-3, 1e2),
            "reciprocal": stats.reciprocal(1.0, 10.0),
            "scaled_log": stats.loguniform(1.0, 10.0, scale=2.0),
            "uniform": stats.uniform(2.0, 3.0),
            "randint": stats.randint(1, 5),
            "shifted_randint": stats.randint(1, 5, loc=10),
        }
    )
    assert dict(space) == {
        "dist": FloatDistribution(0.0, 1.0, step=0.25),
        "listed": CategoricalDistribution(("a", "b")),
        "array": CategoricalDistribution((0.1, 1.0, 10.0)),
        "ints": CategoricalDistribution((1, 3)),
        "steps": IntDistribution(2, 10, step=4),
        "log": FloatDistribution(1e-3, 1e2, log=True),
        "reciprocal": FloatDistribution(1.0, 10.0, log=True),
        "scaled_log": FloatDistribution(2.0, 20.0, log=True),
        "uniform": FloatDistribution(2.0, 5.0),
        "randint": IntDistribution(1, 4),
        "shifted_randint": IntDistribution(11, 14),
    }
    assert all(type(c) is int for c in space["ints"].choices)  # type: ignore[attr-defined]


def test_values_a_study_cannot_store_are_labelled_and_given_back_as_objects() -> None:
    estimators = [LogisticRegression(), SVC(C=2.0)]
    space = translate_search_space({"clf": estimators, "sizes": [(8,), (8, 8)], "w": [None, 1]})
    dists = space.to_search_space()
    assert dists["clf"] == CategoricalDistribution(("LogisticRegression()", "SVC(C=2.0)"))
    assert dists["sizes"] == CategoricalDistribution(("(8,)", "(8, 8)"))
    assert dists["w"] == CategoricalDistribution((None, 1))  # storable: kept as is
    decoded = space.decode({"clf": "SVC(C=2.0)", "sizes": "(8, 8)", "w": None})
    assert decoded["clf"] is estimators[1]
    assert decoded == {"clf": estimators[1], "sizes": (8, 8), "w": None}


def test_labels_stay_unique_when_two_values_print_alike() -> None:
    twins = [LogisticRegression(), LogisticRegression()]
    dist = to_search_space({"clf": twins})["clf"]
    assert dist == CategoricalDistribution(("0: LogisticRegression()", "1: LogisticRegression()"))


def test_a_nan_value_is_labelled_since_a_study_stores_only_finite_floats() -> None:
    space = translate_search_space({"fill": [0.0, np.nan]})
    assert space.to_search_space()["fill"] == CategoricalDistribution(("0.0", "nan"))
    assert np.isnan(space.decode({"fill": "nan"})["fill"])


def test_a_trial_suggests_through_the_translation() -> None:
    estimators = [LogisticRegression(), SVC()]
    space = translate_search_space({"clf": estimators, "C": stats.loguniform(0.1, 10.0)})
    trial = hs.FixedTrial({"clf": "SVC()", "C": 2.5})
    assert space.suggest(trial) == {"clf": estimators[1], "C": 2.5}
    assert trial.params == {"clf": "SVC()", "C": 2.5}  # the study stores the label


def test_a_list_of_dicts_gives_alternative_spaces_chosen_per_trial() -> None:
    space = translate_search_space(
        [{"kernel": ["linear"], "C": [1.0, 2.0]}, {"kernel": ["rbf"], "gamma": [0.1]}]
    )
    assert space.names == ("kernel", "C", "gamma")
    trial = hs.FixedTrial({ALTERNATIVE_PARAM: 1, "kernel": "rbf", "gamma": 0.1})
    assert space.suggest(trial) == {"kernel": "rbf", "gamma": 0.1}
    assert space.decode(trial.params) == {"kernel": "rbf", "gamma": 0.1}
    with pytest.raises(ValueError, match="2 alternatives has no single SearchSpace"):
        space.to_search_space()


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            {"C": stats.norm(0, 1)},
            "scipy.stats.norm cannot be translated .* for parameter 'C'",
        ),
        ({"C": stats.loguniform(1, 10, loc=1)}, "use loc=0 for parameter 'C'"),
        ({"C": 1.0}, "unsupported search-space entry .* for parameter 'C'"),
        ({"C": "abc"}, "unsupported search-space entry .* for parameter 'C'"),
        ({"C": []}, "`choices` must not be empty for parameter 'C'"),
        ({"C": [1.0, 1.0]}, "must not contain duplicates for parameter 'C'"),
        ({"": [1]}, "parameter names must be non-empty strings"),
        ({ALTERNATIVE_PARAM: [1]}, "is reserved"),
    ],
)
def test_entries_that_cannot_be_translated_name_the_parameter(spec: object, message: str) -> None:
    with pytest.raises(hs.InvalidDistributionError, match=message):
        translate_search_space(spec)


@pytest.mark.parametrize("spec", [None, "C", [], [{"C": [1]}, "not a dict"]])
def test_a_search_space_that_is_not_a_dict_or_list_of_dicts_is_refused(spec: object) -> None:
    with pytest.raises(TypeError, match="`search_space`"):
        translate_search_space(spec)
