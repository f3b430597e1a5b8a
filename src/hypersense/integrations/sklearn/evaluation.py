"""Evaluating one candidate of a ``HyperSearchCV``: the study's objective.

A trial suggests a configuration, then cross-validates it with
:func:`~hypersense.integrations.cross_validate_trial`, so its folds run in
order, each fold's search-metric score is reported, and the pruner may stop
the trial between folds. Everything ``cv_results_`` needs about a fold (every
metric on the validation and, if asked, the training rows, fit and score
times, the error of a failed fit) is stored on the trial as a user attribute,
so the results can be rebuilt from the study alone, whichever process ran the
trial.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hypersense.integrations.cv import cross_validate_trial, take_rows
from hypersense.integrations.sklearn.scoring import Scorer, Scoring
from hypersense.integrations.sklearn.spaces import EstimatorSpace
from hypersense.integrations.splits import Fold, n_samples_of
from hypersense.trial.trial import Trial

__all__ = [
    "FOLD_ATTR_PREFIX",
    "FoldRecord",
    "SearchObjective",
    "fit_and_score_fold",
    "fold_attr_key",
]

#: User attribute ``<prefix><fold>`` holds the :class:`FoldRecord` of that fold.
FOLD_ATTR_PREFIX = "search_cv_split"


def fold_attr_key(fold: int) -> str:
    """The user attribute that holds the record of fold ``fold``."""
    return f"{FOLD_ATTR_PREFIX}{fold}"


@dataclass(frozen=True)
class FoldRecord:
    """What one fit of one candidate on one fold produced.

    Attributes:
        test_scores: Metric name to score on the validation rows.
        train_scores: Metric name to score on the training rows, or None when
            training scores were not asked for.
        fit_time_s: Seconds spent fitting.
        score_time_s: Seconds spent scoring the validation rows.
        error: ``"ExceptionType: message"`` when fitting or scoring failed
            (the scores are then ``error_score``), else None.
    """

    test_scores: Mapping[str, float]
    train_scores: Mapping[str, float] | None
    fit_time_s: float
    score_time_s: float
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict, read back by :meth:`from_json`."""
        return {
            "test": dict(self.test_scores),
            "train": None if self.train_scores is None else dict(self.train_scores),
            "fit_time": self.fit_time_s,
            "score_time": self.score_time_s,
            "error": self.error,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FoldRecord:
        """Rebuild a record stored by :meth:`to_json`."""
        train = data.get("train")
        return cls(
            test_scores={k: float(v) for k, v in data["test"].items()},
            train_scores=None if train is None else {k: float(v) for k, v in train.items()},
            fit_time_s=float(data["fit_time"]),
            score_time_s=float(data["score_time"]),
            error=data.get("error"),
        )


def _rows_of_fit_params(
    fit_params: Mapping[str, Any], rows: NDArray[np.intp], n_samples: int | None
) -> dict[str, Any]:
    """Fit parameters with one entry per sample (e.g. ``sample_weight``) cut to ``rows``."""
    return {
        key: take_rows(value, rows) if n_samples_of(value) == n_samples else value
        for key, value in fit_params.items()
    }


def _score_all(scorers: Mapping[str, Scorer], model: Any, x: Any, y: Any) -> dict[str, float]:
    scores = {}
    for name, scorer in scorers.items():
        value = scorer(model, x, y)
        if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
            raise TypeError(
                f"the scorer of metric {name!r} returned {value!r}, not a number; give several "
                "metrics as a dict of scorers instead of one callable returning a dict"
            )
        scores[name] = float(value)
    return scores


def fit_and_score_fold(
    estimator: Any,
    params: Mapping[str, Any],
    x: Any,
    y: Any,
    fold: Fold,
    *,
    scorers: Mapping[str, Scorer],
    fit_params: Mapping[str, Any],
    return_train_score: bool,
    error_score: float | str,
) -> FoldRecord:
    """Fit a fresh clone of ``estimator`` with ``params`` on the fold's training
    rows and score every metric on its validation rows (and training rows).

    A failure while setting parameters, fitting or scoring is re-raised when
    ``error_score == "raise"``; otherwise every score of the fold becomes
    ``error_score`` and the error text is kept in the record.
    """
    from sklearn.base import clone

    train, test = fold
    n_samples = n_samples_of(x)
    started = time.perf_counter()
    fit_time = score_time = 0.0
    try:
        model = clone(estimator).set_params(**clone(dict(params), safe=False))
        train_fit_params = _rows_of_fit_params(fit_params, train, n_samples)
        x_train, y_train = take_rows(x, train), take_rows(y, train)
        if y is None:
            model.fit(x_train, **train_fit_params)
        else:
            model.fit(x_train, y_train, **train_fit_params)
        fit_time = time.perf_counter() - started
        test_scores = _score_all(scorers, model, take_rows(x, test), take_rows(y, test))
        score_time = time.perf_counter() - started - fit_time
        train_scores = _score_all(scorers, model, x_train, y_train) if return_train_score else None
    except Exception as exc:
        if error_score == "raise":
            raise
        if fit_time == 0.0:
            fit_time = time.perf_counter() - started
        failed = {name: float(error_score) for name in scorers}
        return FoldRecord(
            test_scores=failed,
            train_scores=dict(failed) if return_train_score else None,
            fit_time_s=fit_time,
            score_time_s=score_time,
            error="".join(traceback.format_exception_only(type(exc), exc)).strip(),
        )
    return FoldRecord(test_scores, train_scores, fit_time, score_time)


class SearchObjective:
    """The objective of a ``HyperSearchCV`` study: suggest, cross-validate, record.

    A plain object (not a closure) so that it pickles when worker processes are
    spawned rather than forked.

    Args:
        estimator: The unfitted base estimator.
        space: The translated search space.
        x: Samples.
        y: Targets or None.
        folds: The folds every trial uses.
        scoring: The metrics; the trial reports and returns the search metric.
        fit_params: Extra arguments of ``estimator.fit``.
        return_train_score: Also score the training rows.
        error_score: ``"raise"`` or the score a failed fit gets.
    """

    def __init__(
        self,
        *,
        estimator: Any,
        space: EstimatorSpace,
        x: Any,
        y: Any,
        folds: list[Fold],
        scoring: Scoring,
        fit_params: Mapping[str, Any],
        return_train_score: bool,
        error_score: float | str,
    ) -> None:
        self.estimator = estimator
        self.space = space
        self.x = x
        self.y = y
        self.folds = folds
        self.scoring = scoring
        self.fit_params = dict(fit_params)
        self.return_train_score = return_train_score
        self.error_score = error_score

    def __call__(self, trial: Trial) -> float:
        """Suggest a configuration and return its mean search-metric score."""
        params = self.space.suggest(trial)

        def fit_and_score(train: NDArray[np.intp], test: NDArray[np.intp], fold: int) -> float:
            record = fit_and_score_fold(
                self.estimator,
                params,
                self.x,
                self.y,
                (train, test),
                scorers=self.scoring.scorers,
                fit_params=self.fit_params,
                return_train_score=self.return_train_score,
                error_score=self.error_score,
            )
            trial.set_user_attr(fold_attr_key(fold), record.to_json())
            return record.test_scores[self.scoring.search_metric]

        return cross_validate_trial(trial, self.x, self.y, fit_and_score, cv=self.folds)
