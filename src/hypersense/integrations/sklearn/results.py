"""Assembling ``cv_results_`` from the finished trials of a search.

The keys and their meaning are ``GridSearchCV``'s: ``mean_fit_time``,
``std_fit_time``, ``mean_score_time``, ``std_score_time``, ``param_<name>``
(masked arrays: masked where a candidate has no such parameter), ``params``,
``split<i>_test_<metric>``, ``mean_test_<metric>``, ``std_test_<metric>``,
``rank_test_<metric>`` and, with training scores, ``split<i>_train_<metric>``,
``mean_train_<metric>`` and ``std_train_<metric>``. Two keys are added:
``trial_number`` and ``trial_state`` (``"COMPLETE"``, ``"PRUNED"`` or
``"FAIL"``), one entry per candidate, in trial-number order.

Pruned and failed trials are candidates too. A fold that did not run has NaN
scores and NaN times; so a pruned trial (stopped before its last fold) or a
failed one has a NaN mean and standard deviation and ranks last, tied with
every other such candidate, exactly as ``GridSearchCV`` ranks candidates whose
fits failed. ``mean_fit_time``/``mean_score_time`` average the folds that ran.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hypersense.integrations.sklearn.evaluation import FoldRecord, fold_attr_key
from hypersense.integrations.sklearn.spaces import EstimatorSpace
from hypersense.trial.frozen import FrozenTrial

__all__ = [
    "Candidate",
    "build_cv_results",
    "candidates_from_trials",
    "masked_param_columns",
    "rank_by_mean",
]


@dataclass(frozen=True)
class Candidate:
    """One evaluated configuration, as ``cv_results_`` shows it.

    Attributes:
        number: The trial's number in the study.
        state: ``"COMPLETE"``, ``"PRUNED"`` or ``"FAIL"``.
        params: The estimator's parameter values.
        folds: One record per fold, None where the fold did not run.
        fail_reason: Why the trial failed, if it did.
    """

    number: int
    state: str
    params: Mapping[str, Any]
    folds: tuple[FoldRecord | None, ...]
    fail_reason: str | None = None


def candidates_from_trials(
    trials: Sequence[FrozenTrial], space: EstimatorSpace, n_splits: int
) -> list[Candidate]:
    """The finished trials as candidates, in number order (running ones left out)."""
    out = []
    for trial in sorted(trials, key=lambda t: t.number):
        if not trial.state.is_finished:
            continue
        folds = tuple(
            FoldRecord.from_json(trial.user_attrs[key])
            if (key := fold_attr_key(i)) in trial.user_attrs
            else None
            for i in range(n_splits)
        )
        params = space.decode(trial.params)
        out.append(Candidate(trial.number, trial.state.name, params, folds, trial.fail_reason))
    return out


def rank_by_mean(means: NDArray[np.float64]) -> NDArray[np.int32]:
    """Ranks of candidates by mean score, 1 for the best (greatest).

    Ties share the smallest rank (1, 2, 2, 4). NaN means (pruned or failed
    candidates) rank after every finite mean, all tied with each other; when
    every mean is NaN every rank is 1.

    Args:
        means: Shape ``(n_candidates,)``.

    Returns:
        Shape ``(n_candidates,)``, int32.
    """
    values = np.asarray(means, dtype=float)
    missing = np.isnan(values)
    if missing.all():
        return np.ones(values.shape, dtype=np.int32)
    filled = np.where(missing, np.nanmin(values) - 1.0, values)
    ascending = np.sort(filled)
    n_greater = filled.size - np.searchsorted(ascending, filled, side="right")
    ranks: NDArray[np.int32] = (n_greater + 1).astype(np.int32)
    return ranks


def masked_param_columns(params: Sequence[Mapping[str, Any]]) -> dict[str, np.ma.MaskedArray]:
    """One masked array per parameter name (``param_<name>``), masked where a
    candidate has no value; numeric values keep a numeric dtype, anything else
    (strings, estimators, tuples) is an object array, as in ``GridSearchCV``."""
    n = len(params)
    columns: dict[str, dict[int, Any]] = {}
    for index, candidate in enumerate(params):
        for name, value in candidate.items():
            columns.setdefault(f"param_{name}", {})[index] = value
    out: dict[str, np.ma.MaskedArray] = {}
    for key, by_index in columns.items():
        try:
            inferred = np.array(list(by_index.values()))
        except ValueError:  # ragged sequences
            dtype = np.dtype(object)
        else:
            keep = inferred.dtype.kind != "U" and inferred.ndim == 1
            dtype = inferred.dtype if keep else np.dtype(object)
        column: np.ma.MaskedArray = np.ma.MaskedArray(np.empty(n, dtype=dtype), mask=True)
        for index, value in by_index.items():
            column[index] = value
        out[key] = column
    return out


def _mean_and_std_of_ran(values: NDArray[np.float64]) -> tuple[NDArray[np.float64], ...]:
    """Row means and standard deviations over the non-NaN entries (NaN if none)."""
    ran = ~np.isnan(values)
    counts = ran.sum(axis=1)
    filled = np.where(ran, values, 0.0)
    means = np.divide(
        filled.sum(axis=1), counts, out=np.full(len(values), np.nan), where=counts > 0
    )
    squares = np.where(ran, (values - means[:, None]) ** 2, 0.0)
    variances = np.divide(
        squares.sum(axis=1), counts, out=np.full(len(values), np.nan), where=counts > 0
    )
    return means, np.sqrt(variances)


def _fold_matrix(
    candidates: Sequence[Candidate], n_splits: int, field: str, metric: str = ""
) -> NDArray[Any]:
    """Shape ``(n_candidates, n_splits)``: one value per candidate and fold, NaN
    where the fold did not run."""
    rows = []
    for candidate in candidates:
        row = []
        for record in candidate.folds:
            if record is None:
                row.append(np.nan)
            elif field == "test":
                row.append(record.test_scores.get(metric, np.nan))
            elif field == "train":
                train = record.train_scores or {}
                row.append(train.get(metric, np.nan))
            else:
                row.append(getattr(record, field))
        rows.append(row)
    return np.array(rows, dtype=float).reshape(len(candidates), n_splits)


def _store_scores(
    results: dict[str, Any], matrix: NDArray[np.float64], key: str, *, rank: bool
) -> None:
    for split in range(matrix.shape[1]):
        results[f"split{split}_{key}"] = matrix[:, split]
    means = matrix.mean(axis=1)
    results[f"mean_{key}"] = means
    results[f"std_{key}"] = np.sqrt(((matrix - means[:, None]) ** 2).mean(axis=1))
    if rank:
        results[f"rank_{key}"] = rank_by_mean(means)


def build_cv_results(
    candidates: Sequence[Candidate],
    *,
    n_splits: int,
    metrics: Sequence[str],
    return_train_score: bool,
) -> dict[str, Any]:
    """``cv_results_`` of the candidates (see the module docstring for the keys).

    Args:
        candidates: The evaluated configurations, in the order to show them;
            each has ``n_splits`` fold records.
        n_splits: Folds per candidate.
        metrics: Metric names (``["score"]`` for a single metric).
        return_train_score: Whether to include the training-score keys.
    """
    results: dict[str, Any] = {}
    for field, name in (("fit_time_s", "fit_time"), ("score_time_s", "score_time")):
        means, stds = _mean_and_std_of_ran(_fold_matrix(candidates, n_splits, field))
        results[f"mean_{name}"], results[f"std_{name}"] = means, stds
    results.update(masked_param_columns([c.params for c in candidates]))
    results["params"] = [dict(c.params) for c in candidates]
    for metric in metrics:
        test = _fold_matrix(candidates, n_splits, "test", metric)
        _store_scores(results, test, f"test_{metric}", rank=True)
        if return_train_score:
            train = _fold_matrix(candidates, n_splits, "train", metric)
            _store_scores(results, train, f"train_{metric}", rank=False)
    results["trial_number"] = np.array([c.number for c in candidates], dtype=int)
    results["trial_state"] = np.array([c.state for c in candidates], dtype=object)
    return results
