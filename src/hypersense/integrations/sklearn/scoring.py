"""Which metrics a search computes, and which one drives it.

``scoring`` and ``refit`` follow ``GridSearchCV``: one metric (None, a scorer
name or a scorer callable, recorded under the name ``"score"``) or several (a
list of scorer names or a dict of name to scorer name or callable). Every
metric is recorded for every fold; the study optimises one, the *search
metric*: the only one, else the one ``refit`` names, else the first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Scorer", "Scoring", "resolve_scoring"]

#: ``scorer(estimator, X, y) -> float``, greater is better.
Scorer = Callable[..., Any]

_SINGLE = "score"


@dataclass(frozen=True)
class Scoring:
    """The resolved metrics of a search.

    Attributes:
        scorers: Metric name to scorer, in the order given (``{"score": ...}``
            for a single metric).
        multimetric: Whether several metrics were asked for (then the
            ``cv_results_`` keys carry the metric names).
        search_metric: The metric the study maximises and ``refit`` ranks by.
    """

    scorers: Mapping[str, Scorer]
    multimetric: bool
    search_metric: str


def _named_scorer(name: str) -> Scorer:
    from sklearn.metrics import get_scorer

    try:
        scorer: Scorer = get_scorer(name)
    except ValueError as exc:
        raise ValueError(f"`scoring`: {exc}") from None
    return scorer


def _multimetric_scorers(scoring: Any) -> dict[str, Scorer]:
    if isinstance(scoring, Mapping):
        items = list(scoring.items())
    elif isinstance(scoring, (set, frozenset)):  # no order of its own: sort for a stable first
        items = [(name, name) for name in sorted(scoring, key=str)]
    else:
        items = [(name, name) for name in scoring]
    if not items:
        raise ValueError(f"`scoring` must name at least one metric (got {scoring!r})")
    scorers: dict[str, Scorer] = {}
    for name, spec in items:
        if not isinstance(name, str) or not name:
            raise ValueError(f"`scoring` metric names must be non-empty strings (got {name!r})")
        if name in scorers:
            raise ValueError(f"`scoring` names the metric {name!r} twice")
        if isinstance(spec, str):
            scorers[name] = _named_scorer(spec)
        elif callable(spec):
            scorers[name] = spec
        else:
            raise TypeError(
                f"`scoring` entry {name!r} must be a scorer name or a callable (got {spec!r})"
            )
    return scorers


def _check_refit(refit: Any, scorers: Mapping[str, Scorer], multimetric: bool) -> None:
    if isinstance(refit, bool) or callable(refit):
        if multimetric and refit is True:
            raise ValueError(
                "with several metrics, `refit` must name the metric to refit on "
                f"(one of {list(scorers)}), be a callable choosing the best index, or be "
                "False (got refit=True)"
            )
        return
    if isinstance(refit, str):
        if not multimetric:
            raise ValueError(
                f"`refit` names a metric ({refit!r}) but `scoring` is a single metric; "
                "use refit=True"
            )
        if refit not in scorers:
            raise ValueError(f"`refit` must be one of the metrics {list(scorers)} (got {refit!r})")
        return
    raise TypeError(f"`refit` must be a bool, a metric name or a callable (got {refit!r})")


def resolve_scoring(estimator: Any, scoring: Any, refit: Any) -> Scoring:
    """Resolve ``scoring`` against ``estimator`` and check ``refit`` against it.

    Args:
        estimator: The estimator to score (its ``score`` method is the default).
        scoring: None, a scorer name, a scorer callable, a list/tuple/set of
            scorer names, or a dict of metric name to scorer name or callable.
        refit: True/False, a metric name (several metrics), or a callable that
            takes ``cv_results_`` and returns the best index.
    """
    if scoring is None:
        from sklearn.metrics import check_scoring

        scorers: dict[str, Scorer] = {_SINGLE: check_scoring(estimator)}
        multimetric = False
    elif isinstance(scoring, str):
        scorers = {_SINGLE: _named_scorer(scoring)}
        multimetric = False
    elif isinstance(scoring, (list, tuple, set, frozenset, Mapping)):
        scorers = _multimetric_scorers(scoring)
        multimetric = True
    elif callable(scoring):
        scorers = {_SINGLE: scoring}
        multimetric = False
    else:
        raise TypeError(
            "`scoring` must be None, a scorer name, a callable, a list of scorer names or a "
            f"dict of metric name to scorer (got {scoring!r})"
        )
    _check_refit(refit, scorers, multimetric)
    search_metric = refit if isinstance(refit, str) else next(iter(scorers))
    return Scoring(scorers=scorers, multimetric=multimetric, search_metric=search_metric)
