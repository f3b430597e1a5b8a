"""``HyperSearchCV``: a scikit-learn meta-estimator that searches with a hypersense study.

It behaves like ``GridSearchCV`` (same fitted attributes, same ``cv_results_``
keys, ``refit`` as bool, metric name or callable, multi-metric scoring,
delegation of ``predict``/``predict_proba``/... to ``best_estimator_``), and
follows scikit-learn's estimator rules: ``__init__`` only stores its
arguments, ``fit`` validates them, fitted attributes end with ``_``, and
``clone``/``get_params``/``set_params`` (with ``step__param`` names inside
pipelines) work through ``BaseEstimator``.

What it adds: any hypersense sampler chooses the candidates, and any pruner
stops a hopeless candidate between its folds (each fold's score is reported as
it finishes), so no ``partial_fit`` is needed. The study is kept as
``study_`` for hypersense's analyses.
"""

from __future__ import annotations

import copy
import logging
import numbers
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone, is_classifier
from sklearn.model_selection import check_cv
from sklearn.utils import indexable

from hypersense.integrations.sklearn.delegation import BestEstimatorDelegation
from hypersense.integrations.sklearn.evaluation import SearchObjective
from hypersense.integrations.sklearn.failures import raise_if_none_finished, warn_about_failed_fits
from hypersense.integrations.sklearn.plans import SPACE_ARGUMENTS, SearchPlan, plan_search
from hypersense.integrations.sklearn.results import build_cv_results, candidates_from_trials
from hypersense.integrations.sklearn.scoring import Scoring, resolve_scoring
from hypersense.integrations.sklearn.spaces import EstimatorSpace
from hypersense.integrations.sklearn.validation import (
    check_parameter_names,
    check_search_options,
    check_target,
)
from hypersense.pruners.base import Pruner
from hypersense.samplers.base import Sampler
from hypersense.storage.base import Storage
from hypersense.study.management import create_study
from hypersense.study.study import Study

__all__ = ["HyperSearchCV"]

_log = logging.getLogger(__name__)


class HyperSearchCV(BestEstimatorDelegation, MetaEstimatorMixin, BaseEstimator):  # type: ignore[misc]
    """Cross-validated hyperparameter search run as a hypersense study.

    ``fit`` creates a study that maximises the mean cross-validated score of
    the search metric. Each trial suggests a configuration from
    ``search_space``, fits and scores it fold by fold (reporting each fold's
    score at step = fold index, and stopping early if the pruner says so),
    and records every metric per fold. Then ``cv_results_`` is built from the
    study's trials, the best candidate is chosen, and (with ``refit``) it is
    refitted on all the data.

    The space may be given the way each library's users write it (exactly
    one of): ``search_space`` (ours, also the second positional argument),
    ``param_grid`` (``GridSearchCV``: every combination, in
    ``ParameterGrid``'s order), ``param_distributions``
    (``RandomizedSearchCV``: ``n_iter`` draws, distinct combinations when
    every entry is a list) or ``search_spaces`` (``BayesSearchCV``:
    ``(low, high[, prior])`` tuples and scikit-optimize's
    ``Real``/``Integer``/``Categorical``). A ``search_space`` of lists only,
    with no ``sampler`` and no number of candidates, is searched exhaustively
    too, as ``GridSearchCV`` would. See :mod:`.plans`.

    Args:
        estimator: The scikit-learn estimator (or pipeline) to tune.
        search_space: Parameter name (``step__param`` inside pipelines) to a
            list of values, a hypersense Distribution, or a scipy.stats
            ``loguniform``/``uniform``/``randint``; or a list of such dicts
            (alternative spaces). See :mod:`hypersense.integrations.sklearn.spaces`.
        param_grid: ``GridSearchCV``'s argument: a dict (or list of dicts) of
            lists, searched exhaustively unless ``n_trials``/``n_iter`` is given.
        param_distributions: ``RandomizedSearchCV``'s argument: lists and
            scipy.stats frozen distributions, ``n_iter`` random candidates.
        search_spaces: ``BayesSearchCV``'s argument, ``n_iter`` candidates
            chosen by the sampler (50 by default, as scikit-optimize).
        n_trials: Candidates to evaluate (>= 1). None: every combination of a
            grid; 10 otherwise (50 for ``search_spaces``); until the sampler is
            exhausted when a ``sampler`` is given.
        n_iter: The same as ``n_trials``, under scikit-learn's name.
        sampler: Any hypersense sampler. None: a TPE sampler seeded with
            ``random_state`` (a random one for ``param_distributions``). A
            copy is used, so the given one is never changed.
        pruner: Any hypersense pruner; it is asked between folds. None: no pruning.
        cv: As in ``GridSearchCV``: None (5 folds), a number of folds
            (stratified, unshuffled for classifiers), a splitter, or an
            iterable of ``(train, test)`` index pairs.
        scoring: None (the estimator's ``score``), a scorer name, a callable
            ``scorer(estimator, X, y)``, a list of scorer names, or a dict of
            metric name to scorer name or callable. Greater is better.
        refit: Refit the best candidate on all the data: True/False, the
            metric to choose by (several metrics), or a callable taking
            ``cv_results_`` and returning the best index. The metric ``refit``
            names (else the first) is the one the study optimises.
        n_jobs: Worker processes of the study (None or 1: in this process;
            -1: one per CPU).
        storage: Where the study lives: None (in memory), a URL
            (``sqlite:///search.db``) or a hypersense Storage. A Storage object
            is shared with clones, not copied.
        random_state: Seed of the default sampler (None, an int, a numpy
            RandomState or Generator); ignored when ``sampler`` is given.
        return_train_score: Also score every fold's training rows.
        error_score: ``"raise"`` to re-raise a failed fit, or the score a
            failed fit gets (NaN by default: the candidate then fails, stops
            at that fold and ranks last).

    Attributes:
        cv_results_: Dict of arrays, ``GridSearchCV``'s keys plus
            ``trial_number`` and ``trial_state``; pruned and failed candidates
            have NaN scores for folds that did not run and rank last. See
            :mod:`hypersense.integrations.sklearn.results`.
        best_estimator_: The best candidate refitted on all the data (refit only).
        best_score_: Mean cross-validated score of the best candidate (not
            set when ``refit`` is a callable).
        best_params_: Parameters of the best candidate.
        best_index_: Index of the best candidate in ``cv_results_``.
        scorer_: The scorer (a dict of them with several metrics).
        n_splits_: Number of folds.
        refit_time_: Seconds spent refitting the best candidate.
        multimetric_: Whether several metrics were computed.
        study_: The hypersense study of the search (not pickled; with a
            persistent storage, reload it with ``hypersense.load_study``).
        study_name_: The study's name in ``storage``.
    """

    def __init__(
        self,
        estimator: Any,
        search_space: Any = None,
        *,
        param_grid: Any = None,
        param_distributions: Any = None,
        search_spaces: Any = None,
        n_trials: int | None = None,
        n_iter: int | None = None,
        sampler: Sampler | None = None,
        pruner: Pruner | None = None,
        cv: Any = None,
        scoring: Any = None,
        refit: bool | str | Callable[[dict[str, Any]], int] = True,
        n_jobs: int | None = None,
        storage: str | Storage | None = None,
        random_state: Any = None,
        return_train_score: bool = False,
        error_score: float | str = np.nan,
    ) -> None:
        self.estimator = estimator
        self.search_space = search_space
        self.param_grid = param_grid
        self.param_distributions = param_distributions
        self.search_spaces = search_spaces
        self.n_trials = n_trials
        self.n_iter = n_iter
        self.sampler = sampler
        self.pruner = pruner
        self.cv = cv
        self.scoring = scoring
        self.refit = refit
        self.n_jobs = n_jobs
        self.storage = storage
        self.random_state = random_state
        self.return_train_score = return_train_score
        self.error_score = error_score

    def _plan(self) -> SearchPlan:
        arguments = {name: getattr(self, name) for name in SPACE_ARGUMENTS}
        return plan_search(
            arguments,
            n_trials=self.n_trials,
            n_iter=self.n_iter,
            sampler=self.sampler,
            random_state=self.random_state,
        )

    def _make_study(self, plan: SearchPlan) -> Study:
        pruner = copy.deepcopy(self.pruner) if self.pruner is not None else None
        study = create_study(
            storage=self.storage, direction="maximize", sampler=plan.sampler, pruner=pruner
        )
        for params in plan.grid or ():
            study.enqueue_trial(params)
        return study

    # ------------------------------------------------------------------- fit
    def fit(self, X: Any, y: Any = None, *, groups: Any = None, **fit_params: Any) -> HyperSearchCV:  # noqa: N803 - scikit-learn's name
        """Run the search on ``X``, ``y``; refit the best candidate if asked.

        Args:
            X: Samples, shape ``(n_samples, n_features)``.
            y: Targets, shape ``(n_samples,)`` or ``(n_samples, n_outputs)``, or None.
            groups: Group labels for a group-aware ``cv`` splitter.
            **fit_params: Passed to the estimator's ``fit``; arrays with one
                entry per sample (``sample_weight``) are cut to each fold.

        Returns:
            self
        """
        n_jobs = check_search_options(
            estimator=self.estimator,
            sampler=self.sampler,
            pruner=self.pruner,
            storage=self.storage,
            n_jobs=self.n_jobs,
            return_train_score=self.return_train_score,
            error_score=self.error_score,
        )
        plan = self._plan()
        space = plan.space
        check_parameter_names(self.estimator, space.names)
        scoring = resolve_scoring(self.estimator, self.scoring, self.refit)
        check_target(self.estimator, y)
        X, y = indexable(X, y)  # noqa: N806
        splitter = check_cv(self.cv, y, classifier=is_classifier(self.estimator))
        folds = [(np.asarray(tr), np.asarray(te)) for tr, te in splitter.split(X, y, groups)]
        objective = SearchObjective(
            estimator=self.estimator,
            space=space,
            x=X,
            y=y,
            folds=folds,
            scoring=scoring,
            fit_params=fit_params,
            return_train_score=bool(self.return_train_score),
            error_score=self.error_score,
        )
        study = self._run_study(objective, n_jobs, plan)
        self._store_results(study, space, scoring, len(folds))
        self._choose_best(scoring)
        if self.refit:
            self._refit_best(X, y, fit_params)
        return self

    def _run_study(self, objective: SearchObjective, n_jobs: int, plan: SearchPlan) -> Study:
        study = self._make_study(plan)
        try:
            study.optimize(objective, n_trials=plan.n_trials, n_jobs=n_jobs)
        finally:
            study.close()  # stops the heartbeat thread of a shared storage
        return study

    def _store_results(
        self, study: Study, space: EstimatorSpace, scoring: Scoring, n_splits: int
    ) -> None:
        """Set ``cv_results_`` and the attributes describing the search."""
        candidates = candidates_from_trials(study.trials, space, n_splits)
        results = build_cv_results(
            candidates,
            n_splits=n_splits,
            metrics=list(scoring.scorers),
            return_train_score=bool(self.return_train_score),
        )
        raise_if_none_finished(results, candidates, scoring.search_metric)
        warn_about_failed_fits(candidates)
        self.study_ = study
        self.study_name_ = study.study_name
        self.n_splits_ = n_splits
        self.multimetric_ = scoring.multimetric
        self.scorer_: Any = (
            dict(scoring.scorers) if scoring.multimetric else scoring.scorers["score"]
        )
        self.cv_results_ = results

    def _choose_best(self, scoring: Scoring) -> None:
        results = self.cv_results_
        means = results[f"mean_test_{scoring.search_metric}"]
        if not (self.refit or not scoring.multimetric):
            return
        if callable(self.refit):
            index = self.refit(results)
            if not isinstance(index, numbers.Integral) or isinstance(index, bool):
                raise TypeError(f"the `refit` callable returned {index!r}, not an integer index")
            if not 0 <= index < len(means):
                raise IndexError(
                    f"the `refit` callable returned {index}, outside [0, {len(means)})"
                )
            best_index = int(index)
        else:
            best_index = int(np.argmin(results[f"rank_test_{scoring.search_metric}"]))
            self.best_score_ = float(means[best_index])
        self.best_index_ = best_index
        self.best_params_ = results["params"][best_index]

    def _refit_best(self, X: Any, y: Any, fit_params: dict[str, Any]) -> None:  # noqa: N803 - scikit-learn's name
        best = clone(self.estimator).set_params(**clone(self.best_params_, safe=False))
        started = time.perf_counter()
        if y is None:
            best.fit(X, **fit_params)
        else:
            best.fit(X, y, **fit_params)
        self.refit_time_ = time.perf_counter() - started
        self.best_estimator_ = best
        if hasattr(best, "feature_names_in_"):
            self.feature_names_in_ = best.feature_names_in_

    # ------------------------------------------------------ sklearn protocol
    def __sklearn_tags__(self) -> Any:
        """The base estimator's kind (classifier, regressor...), target and input tags."""
        from sklearn.utils import get_tags

        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.estimator_type = inner.estimator_type
        tags.classifier_tags = copy.deepcopy(inner.classifier_tags)
        tags.regressor_tags = copy.deepcopy(inner.regressor_tags)
        tags.target_tags = copy.deepcopy(inner.target_tags)
        tags.input_tags.pairwise = inner.input_tags.pairwise
        tags.input_tags.sparse = inner.input_tags.sparse
        return tags

    def __sklearn_clone__(self) -> HyperSearchCV:
        """An unfitted copy; a Storage object is shared (it is a connection, not a
        setting, and in-memory storage cannot be copied), everything else cloned."""
        if not isinstance(self.storage, Storage):
            cloned: HyperSearchCV = super().__sklearn_clone__()
            return cloned
        params = self.get_params(deep=False)
        params = {k: v if k == "storage" else clone(v, safe=False) for k, v in params.items()}
        return type(self)(**params)

    def __getstate__(self) -> dict[str, Any]:
        """The pickled state, without ``study_`` (a study holds a live storage)."""
        state: dict[str, Any] = super().__getstate__()
        state = dict(state)
        state.pop("study_", None)
        return state
