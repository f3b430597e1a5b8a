"""Cross-validation as an objective mode: one trial evaluates its folds in order.

Each fold's score is reported (``step`` = fold index) as soon as it is known,
and the pruner is asked between folds, so a hopeless configuration is stopped
after its first folds instead of paying for all of them; no ``partial_fit`` is
needed. A finished trial's value is the mean over folds, and the per-fold
scores and the standard error of that mean are stored with it, so analysis can
tell a real difference between configurations from fold-to-fold noise.

The helper knows nothing of the model: it calls ``fit_and_score(train_indices,
validation_indices, fold)``, which a PyTorch training loop, a scikit-learn
estimator (built in here) or anything else can implement.

Two budgets: a training loop inside ``fit_and_score`` reports its epochs on
``trial.series(fold_series(fold))`` (step = epoch) and asks that handle's
``should_prune``; the fold scores stay the trial's intermediate values (step
= fold), so the two never collide. With
:class:`~hypersense.pruners.CrossValidationPruner` the trial is then pruned
between folds on its fold scores and within a fold on its epochs; a
:class:`~hypersense.TrialPruned` raised inside ``fit_and_score`` stores the
finished folds' scores and ends the trial as PRUNED.
"""

from __future__ import annotations

import logging
import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hypersense.errors import TrialPruned
from hypersense.integrations.splits import CVSpec, Fold, is_classification_target, make_folds
from hypersense.trial.series import fold_series
from hypersense.trial.trial import Trial

__all__ = [
    "FoldFitAndScore",
    "cross_validate_trial",
    "estimator_fit_and_score",
    "fold_mean_and_sem",
    "fold_series",
    "take_rows",
]

_log = logging.getLogger(__name__)

#: ``fit_and_score(train_indices, validation_indices, fold) -> score``: train on the
#: training rows, return the validation score (in the study's direction).
FoldFitAndScore = Callable[[NDArray[np.intp], NDArray[np.intp], int], float]


def fold_mean_and_sem(scores: Sequence[float]) -> tuple[float, float]:
    """Mean of fold scores and its standard error.

    The standard error is ``std(scores, ddof=1) / sqrt(k)`` for ``k`` folds: the
    usual (if optimistic, since folds share training data) estimate of how far
    the mean would move with another split. It is NaN for a single fold.

    Args:
        scores: Shape ``(k,)``, one score per fold, ``k >= 1``.

    Returns:
        ``(mean, standard_error)``.
    """
    values = np.asarray(scores, dtype=float)
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"`scores` must be a non-empty 1-D sequence (got shape {values.shape})")
    mean = float(values.mean())
    if values.size < 2:
        return mean, math.nan
    return mean, float(values.std(ddof=1) / math.sqrt(values.size))


def take_rows(data: Any, indices: NDArray[np.intp]) -> Any:
    """Rows ``indices`` of an array, sparse matrix, DataFrame or list (None stays None)."""
    if data is None:
        return None
    from sklearn.utils import _safe_indexing

    return _safe_indexing(data, indices)


def estimator_fit_and_score(
    estimator: Any, x: Any, y: Any = None, *, scoring: Any = None
) -> FoldFitAndScore:
    """A ``fit_and_score`` that fits a fresh clone of a scikit-learn estimator on
    the training rows and scores it on the validation rows.

    Args:
        estimator: An unfitted scikit-learn estimator, already configured with
            the trial's hyperparameters.
        x: Samples, shape ``(n_samples, ...)``.
        y: Targets, shape ``(n_samples,)`` or None.
        scoring: A scorer name (``"accuracy"``), a scorer callable
            ``scorer(estimator, x, y)``, or None for the estimator's ``score``.
            Greater is better, so the study should maximise.
    """
    from sklearn.base import clone
    from sklearn.metrics import check_scoring

    scorer = check_scoring(estimator, scoring=scoring)

    def fit_and_score(train: NDArray[np.intp], val: NDArray[np.intp], fold: int) -> float:
        model = clone(estimator)
        if y is None:
            model.fit(take_rows(x, train))
        else:
            model.fit(take_rows(x, train), take_rows(y, train))
        return float(scorer(model, take_rows(x, val), take_rows(y, val)))

    return fit_and_score


def _check_score(score: Any, fold: int) -> float:
    if isinstance(score, bool) or not isinstance(score, (numbers.Real, np.floating, np.integer)):
        raise TypeError(f"`fit_and_score` must return a number for fold {fold} (got {score!r})")
    return float(score)


def _store_fold_scores(
    trial: Trial, prefix: str, scores: list[float], n_folds: int, *, finished: bool
) -> None:
    trial.set_user_attr(f"{prefix}_fold_scores", scores)
    trial.set_user_attr(f"{prefix}_n_folds", n_folds)
    if finished:
        trial.set_user_attr(f"{prefix}_sem", fold_mean_and_sem(scores)[1])


def _run_folds(
    trial: Trial, folds: Sequence[Fold], fit_and_score: FoldFitAndScore, prefix: str
) -> float:
    n_folds = len(folds)
    scores: list[float] = []
    for fold, (train, val) in enumerate(folds):
        try:
            score = _check_score(fit_and_score(train, val, fold), fold)
        except TrialPruned:  # pruned within the fold's epochs
            _store_fold_scores(trial, prefix, scores, n_folds, finished=False)
            raise
        scores.append(score)
        trial.report(score, fold)
        if not math.isfinite(score):
            _log.info(
                "trial %d scored %r on fold %d of %d; its remaining folds are skipped "
                "and the trial fails",
                trial.number,
                score,
                fold,
                n_folds,
            )
            _store_fold_scores(trial, prefix, scores, n_folds, finished=False)
            return math.nan
        if fold < n_folds - 1 and trial.should_prune():
            _store_fold_scores(trial, prefix, scores, n_folds, finished=False)
            raise TrialPruned(f"pruned after fold {fold} of {n_folds}")
    _store_fold_scores(trial, prefix, scores, n_folds, finished=True)
    return fold_mean_and_sem(scores)[0]


def cross_validate_trial(
    trial: Trial,
    x: Any,
    y: Any = None,
    fit_and_score: FoldFitAndScore | None = None,
    *,
    estimator: Any = None,
    scoring: Any = None,
    cv: CVSpec = 5,
    stratify: bool | None = None,
    seed: int = 0,
    groups: Any = None,
    attr_prefix: str = "cv",
) -> float:
    """Cross-validate one configuration inside an objective, pruning between folds.

    Folds are evaluated in order. After each one its score is reported with
    ``trial.report(score, step=fold)``; before the next one ``trial.should_prune()``
    is asked, and when it says so the scores so far are stored and
    :class:`~hypersense.TrialPruned` is raised (let it propagate: the study then
    records the trial as PRUNED). A non-finite fold score (a diverged run, a
    failed fit) ends the trial early too: NaN is returned, which the study
    records as a FAIL trial.

    Stored user attributes (``<p>`` is ``attr_prefix``): ``<p>_fold_scores``
    (the scores of the folds that ran, in order), ``<p>_n_folds`` (how many
    folds there are) and, once every fold ran, ``<p>_sem`` (the standard error
    of the mean, see :func:`fold_mean_and_sem`).

    Give exactly one of ``fit_and_score`` and ``estimator``. Scores must be in
    the study's direction; scikit-learn scorers are greater-is-better, so a
    study of them should maximise. Call it once per trial: its reports use the
    steps ``0 .. n_folds - 1``. A ``fit_and_score`` that trains for epochs
    reports them on ``trial.series(fold_series(fold))`` and may raise
    :class:`~hypersense.TrialPruned` when that handle's ``should_prune`` says so.

    Args:
        trial: The running trial.
        x: The samples, shape ``(n_samples, ...)`` (anything with a length when
            ``fit_and_score`` does the indexing itself, e.g. a torch Dataset).
        y: The targets, shape ``(n_samples,)``; used to stratify folds.
        fit_and_score: ``fit_and_score(train_indices, validation_indices, fold)
            -> float``: train on the training rows, score the validation rows.
        estimator: Instead of ``fit_and_score``, a scikit-learn estimator
            configured with this trial's hyperparameters (a clone is fitted per
            fold) ...
        scoring: ... scored with this scorer name or callable (None: the
            estimator's own ``score``).
        cv: Number of folds (>= 2), a scikit-learn splitter, or the folds as
            ``(train_indices, validation_indices)`` pairs. See :func:`make_folds`.
        stratify: With an integer ``cv``, whether folds keep the class
            proportions. None: yes when ``y`` holds class labels (and, with an
            ``estimator``, when it is a classifier).
        seed: Seed of the shuffle of an integer ``cv``. Keep it fixed across
            trials so that every configuration sees the same folds.
        groups: Group labels for a group-aware splitter.
        attr_prefix: Prefix of the stored user attributes.

    Returns:
        The mean score over the folds (NaN when a fold scored NaN or inf).
    """
    if (fit_and_score is None) == (estimator is None):
        raise ValueError("give exactly one of `fit_and_score` and `estimator`")
    if fit_and_score is not None and not callable(fit_and_score):
        raise TypeError(f"`fit_and_score` must be callable (got {fit_and_score!r})")
    if fit_and_score is not None and scoring is not None:
        raise ValueError("`scoring` applies only with `estimator`; `fit_and_score` scores itself")
    if not isinstance(attr_prefix, str) or not attr_prefix:
        raise ValueError(f"`attr_prefix` must be a non-empty string (got {attr_prefix!r})")
    if estimator is not None:
        from sklearn.base import is_classifier

        if stratify is None:
            stratify = bool(is_classifier(estimator)) and is_classification_target(y)
        fit_and_score = estimator_fit_and_score(estimator, x, y, scoring=scoring)
    assert fit_and_score is not None
    folds = make_folds(x, y, cv=cv, stratify=stratify, seed=seed, groups=groups)
    return _run_folds(trial, folds, fit_and_score, attr_prefix)
