"""Resolution of `scoring` and `refit`, and which metric drives the search."""

from __future__ import annotations

from typing import Any

import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import get_scorer

from hypersense.integrations.sklearn import resolve_scoring


def _my_scorer(estimator: Any, x: Any, y: Any) -> float:
    return 0.5


def test_a_single_metric_is_recorded_as_score() -> None:
    for scoring in (None, "accuracy", _my_scorer):
        resolved = resolve_scoring(LogisticRegression(), scoring, True)
        assert list(resolved.scorers) == ["score"]
        assert not resolved.multimetric and resolved.search_metric == "score"
    assert resolve_scoring(LogisticRegression(), _my_scorer, False).scorers["score"] is _my_scorer


def test_several_metrics_keep_their_names_and_refit_names_the_search_metric() -> None:
    resolved = resolve_scoring(LogisticRegression(), ["accuracy", "f1_macro"], "f1_macro")
    assert list(resolved.scorers) == ["accuracy", "f1_macro"]
    assert resolved.multimetric and resolved.search_metric == "f1_macro"
    by_dict = resolve_scoring(LogisticRegression(), {"acc": "accuracy", "mine": _my_scorer}, False)
    assert list(by_dict.scorers) == ["acc", "mine"] and by_dict.search_metric == "acc"
    assert by_dict.scorers["mine"] is _my_scorer
    assert repr(by_dict.scorers["acc"]) == repr(get_scorer("accuracy"))


def test_a_set_of_names_is_ordered_so_the_first_metric_is_stable() -> None:
    resolved = resolve_scoring(LogisticRegression(), {"recall", "accuracy"}, lambda r: 0)
    assert list(resolved.scorers) == ["accuracy", "recall"]
    assert resolved.search_metric == "accuracy"


@pytest.mark.parametrize(
    ("scoring", "refit", "error", "message"),
    [
        ("no_such_metric", True, ValueError, "`scoring`: 'no_such_metric' is not a valid"),
        (["accuracy"], True, ValueError, "must name the metric to refit on"),
        (["accuracy"], "f1", ValueError, r"`refit` must be one of the metrics \['accuracy'\]"),
        ("accuracy", "accuracy", ValueError, "`scoring` is a single metric; use refit=True"),
        (["accuracy", "accuracy"], False, ValueError, "names the metric 'accuracy' twice"),
        ([], False, ValueError, "must name at least one metric"),
        ({"acc": 3}, False, TypeError, "entry 'acc' must be a scorer name or a callable"),
        (3.0, True, TypeError, "`scoring` must be None"),
        ("accuracy", 1.5, TypeError, "`refit` must be a bool"),
    ],
)
def test_bad_scoring_or_refit_is_refused(
    scoring: Any, refit: Any, error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        resolve_scoring(LogisticRegression(), scoring, refit)
