"""HyperSearchCV as a scikit-learn meta-estimator: conventions, pipelines, pruning
across folds, failures, refit variants, delegation, storage and processes."""

from __future__ import annotations

import pickle
from typing import Any

import numpy as np
import pytest
from scipy import stats
from sklearn.base import clone, is_classifier
from sklearn.exceptions import FitFailedWarning, NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.utils.validation import check_is_fitted

import hypersense as hs
from hypersense.integrations import HyperSearchCV, SearchFailedError, to_search_space
from hypersense.integrations.sklearn import ALTERNATIVE_PARAM
from hypersense.pruners import MedianPruner
from hypersense.samplers import GridSampler, RandomSampler
from hypersense.storage.memory import InMemoryStorage
from tests.integrations.sklearn.helpers import MajorityClassifier, cancer_subset, iris

LOGISTIC = make_pipeline(StandardScaler(), LogisticRegression())


def _grid(estimator: Any, grid: dict[str, list[Any]], **options: Any) -> HyperSearchCV:
    sampler = GridSampler(to_search_space(grid))
    return HyperSearchCV(estimator, grid, sampler=sampler, n_trials=None, **options)


# ------------------------------------------------------------ sklearn conventions
def test_init_only_stores_its_arguments_and_get_params_returns_them() -> None:
    sampler = RandomSampler(seed=0)
    search = HyperSearchCV(SVC(), {"C": "not validated yet"}, n_trials=-3, sampler=sampler)
    params = search.get_params(deep=False)
    assert params == {
        "estimator": search.estimator,
        "search_space": {"C": "not validated yet"},
        "param_grid": None,
        "param_distributions": None,
        "search_spaces": None,
        "n_trials": -3,
        "n_iter": None,
        "sampler": sampler,
        "pruner": None,
        "cv": None,
        "scoring": None,
        "refit": True,
        "n_jobs": None,
        "storage": None,
        "random_state": None,
        "return_train_score": False,
        "error_score": params["error_score"],
    }
    assert np.isnan(params["error_score"])
    assert params["sampler"] is sampler


def test_nested_parameters_are_reachable_through_get_and_set_params() -> None:
    search = HyperSearchCV(LOGISTIC, {"logisticregression__C": [1.0]})
    deep = search.get_params(deep=True)
    assert deep["estimator__logisticregression__C"] == 1.0
    search.set_params(estimator__logisticregression__max_iter=50, n_trials=3)
    assert search.estimator.named_steps["logisticregression"].max_iter == 50
    assert search.n_trials == 3


def test_clone_gives_an_unfitted_copy_with_equal_parameters() -> None:
    x, y = iris()
    search = _grid(SVC(), {"C": [1.0, 2.0]}, cv=3).fit(x, y)
    copy = clone(search)
    assert not hasattr(copy, "cv_results_") and not hasattr(copy, "best_estimator_")
    with pytest.raises(NotFittedError):
        check_is_fitted(copy)
    check_is_fitted(search)
    assert repr(copy.get_params()) == repr(search.get_params())
    assert copy.estimator is not search.estimator
    assert copy.sampler is not search.sampler


def test_a_storage_object_is_shared_by_clones_and_every_fit_is_its_own_study() -> None:
    storage = InMemoryStorage()
    x, y = iris()
    search = _grid(SVC(), {"C": [1.0, 2.0]}, cv=2, storage=storage)
    copy = clone(search)
    assert copy.storage is storage
    search.fit(x, y)
    copy.fit(x, y)
    assert search.study_name_ != copy.study_name_
    assert len(hs.load_study(copy.study_name_, storage).trials) == 2
    assert len(hs.get_all_study_summaries(storage)) == 2


def test_repr_shows_the_arguments_given() -> None:
    search = HyperSearchCV(SVC(), {"C": [1.0]}, n_trials=4, pruner=MedianPruner())
    assert repr(search) == (
        "HyperSearchCV(estimator=SVC(), n_trials=4,\n"
        "              pruner=MedianPruner(n_startup_trials=5, n_warmup_steps=0, "
        "interval_steps=1, n_min_trials=1),\n"
        "              search_space={'C': [1.0]})"
    )


def test_the_search_is_a_classifier_when_its_estimator_is() -> None:
    assert is_classifier(HyperSearchCV(SVC(), {}))
    assert not is_classifier(HyperSearchCV(StandardScaler(), {}))


# ---------------------------------------------------------------- pipelines
def test_step_parameters_and_scipy_distributions_search_a_pipeline() -> None:
    x, y = cancer_subset()
    space = {"logisticregression__C": stats.loguniform(1e-3, 1e2)}
    search = HyperSearchCV(LOGISTIC, space, n_trials=4, cv=3, random_state=0).fit(x, y)
    values = [p["logisticregression__C"] for p in search.cv_results_["params"]]
    assert len(set(values)) == 4 and all(1e-3 <= v <= 1e2 for v in values)
    refitted = search.best_estimator_.named_steps["logisticregression"]
    assert search.best_params_["logisticregression__C"] == refitted.C


def test_the_search_works_as_a_pipeline_step_and_inside_cross_val_score() -> None:
    x, y = cancer_subset()
    inner = HyperSearchCV(LogisticRegression(), {"C": [0.1, 1.0]}, n_trials=2, cv=2)
    pipe = Pipeline([("scale", StandardScaler()), ("search", inner)]).fit(x, y)
    assert pipe.score(x, y) > 0.9
    assert pipe.predict_proba(x).shape == (len(y), 2)
    nested = cross_val_score(
        _grid(LOGISTIC, {"logisticregression__C": [0.1, 1.0]}, cv=2), x, y, cv=2
    )
    assert nested.shape == (2,) and np.all(nested > 0.9)


# ------------------------------------------------------------------ pruning
def test_fold_pruning_stops_a_hopeless_configuration_before_its_last_fold() -> None:
    x, y = cancer_subset()
    # Trials run in grid order: two sound configurations, then one so strongly
    # regularised that it predicts the majority class (accuracy about 0.63 vs 0.95).
    grid = {"logisticregression__C": [1.0, 10.0, 1e-6]}
    search = _grid(LOGISTIC, grid, cv=5, pruner=MedianPruner(n_startup_trials=2)).fit(x, y)
    results = search.cv_results_
    assert results["trial_state"].tolist() == ["COMPLETE", "COMPLETE", "PRUNED"]
    assert results["split0_test_score"][2] < 0.7
    for fold in range(1, 5):  # never fitted: no score, no time
        assert np.isnan(results[f"split{fold}_test_score"][2])
    assert np.isnan(results["mean_test_score"][2])
    assert results["rank_test_score"].tolist()[2] == 3
    assert np.isfinite(results["mean_fit_time"][2])
    pruned = search.study_.trials[2]
    assert dict(pruned.intermediate_values) == {0: results["split0_test_score"][2]}
    assert search.best_params_ in results["params"][:2]


def test_every_fold_score_is_reported_and_the_standard_error_is_stored() -> None:
    x, y = iris()
    search = _grid(SVC(), {"C": [1.0]}, cv=3).fit(x, y)
    (trial,) = search.study_.trials
    folds = [search.cv_results_[f"split{i}_test_score"][0] for i in range(3)]
    assert dict(trial.intermediate_values) == dict(enumerate(folds))
    assert trial.value == pytest.approx(np.mean(folds))
    assert trial.user_attrs["cv_sem"] == pytest.approx(np.std(folds, ddof=1) / np.sqrt(3))


# ----------------------------------------------------------------- failures
def test_a_failed_fit_fails_its_trial_which_then_ranks_last_with_a_warning() -> None:
    x, y = iris()
    with pytest.warns(
        FitFailedWarning, match="1 of the 7 fits failed.*RuntimeError: asked to fail"
    ):
        search = HyperSearchCV(
            MajorityClassifier(),
            {"fail": [False, True], "shift": [0.0, 1.0]},
            sampler=GridSampler({"fail": [False, True], "shift": [0.0, 1.0]}, shuffle=False),
            n_trials=3,
            cv=3,
        ).fit(x, y)
    results = search.cv_results_
    assert results["trial_state"].tolist() == ["COMPLETE", "COMPLETE", "FAIL"]
    assert np.isnan(results["split0_test_score"][2])  # error_score NaN for the failed fold
    assert np.isnan(results["split1_test_score"][2])  # skipped after the failure
    assert results["rank_test_score"].tolist() == [1, 1, 3]


def test_error_score_raise_re_raises_the_fit_error() -> None:
    x, y = iris()
    with pytest.raises(RuntimeError, match="asked to fail"):
        _grid(MajorityClassifier(), {"fail": [True]}, cv=2, error_score="raise").fit(x, y)


def test_a_search_where_every_candidate_failed_raises() -> None:
    x, y = iris()
    message = "none of the 1 candidates .* the first of 1 failed fits: RuntimeError: asked to fail"
    with pytest.raises(SearchFailedError, match=message):
        _grid(MajorityClassifier(), {"fail": [True]}, cv=2).fit(x, y)


def test_without_a_fit_error_the_search_failure_quotes_the_trial_fail_reason() -> None:
    x, y = iris()

    def nan_scorer(estimator: Any, x: Any, y: Any) -> float:
        return float("nan")

    with pytest.raises(SearchFailedError, match="fail reason: the objective returned a non-finite"):
        _grid(SVC(), {"C": [1.0]}, cv=2, scoring=nan_scorer).fit(x, y)


# --------------------------------------------------------------------- refit
def test_refit_false_keeps_the_choice_but_no_estimator() -> None:
    x, y = iris()
    search = _grid(SVC(), {"C": [0.01, 1.0]}, cv=3, refit=False).fit(x, y)
    assert search.best_params_ == {"C": 1.0} and search.best_index_ == 1
    assert not hasattr(search, "best_estimator_")
    assert not hasattr(search, "predict")
    with pytest.raises(AttributeError, match="refit=False"):
        search.score(x, y)


def test_multi_metric_refit_false_sets_no_best_attributes() -> None:
    x, y = iris()
    search = _grid(SVC(), {"C": [1.0]}, cv=2, scoring=["accuracy", "f1_macro"], refit=False)
    search.fit(x, y)
    assert not hasattr(search, "best_index_") and not hasattr(search, "best_params_")
    assert "mean_test_f1_macro" in search.cv_results_


def test_a_callable_refit_chooses_the_index_and_sets_no_best_score() -> None:
    x, y = iris()
    search = _grid(SVC(), {"C": [0.01, 1.0, 10.0]}, cv=3, refit=lambda results: 0).fit(x, y)
    assert search.best_index_ == 0 and search.best_params_ == {"C": 0.01}
    assert not hasattr(search, "best_score_")
    assert search.best_estimator_.C == 0.01


@pytest.mark.parametrize(
    ("refit", "error", "message"),
    [(lambda r: "first", TypeError, "not an integer index"), (lambda r: 9, IndexError, "outside")],
)
def test_a_bad_index_from_a_callable_refit_is_refused(
    refit: Any, error: type, message: str
) -> None:
    x, y = iris()
    with pytest.raises(error, match=message):
        _grid(SVC(), {"C": [1.0]}, cv=2, refit=refit).fit(x, y)


# ---------------------------------------------------------------- delegation
def test_prediction_methods_delegate_to_the_refitted_best_estimator() -> None:
    x, y = cancer_subset()
    search = _grid(LOGISTIC, {"logisticregression__C": [0.1, 1.0]}, cv=2).fit(x, y)
    best = search.best_estimator_
    np.testing.assert_array_equal(search.predict(x), best.predict(x))
    np.testing.assert_array_equal(search.predict_proba(x), best.predict_proba(x))
    np.testing.assert_array_equal(search.predict_log_proba(x), best.predict_log_proba(x))
    np.testing.assert_array_equal(search.decision_function(x), best.decision_function(x))
    assert search.classes_.tolist() == [0, 1] and search.n_features_in_ == 30
    assert search.score(x, y) == best.score(x, y)
    assert search.refit_time_ >= 0.0
    assert not hasattr(HyperSearchCV(SVC(), {}), "predict_proba")  # SVC without probability
    assert not hasattr(search, "transform")
    assert not hasattr(HyperSearchCV(SVC(), {}), "n_features_in_")


def test_a_pickled_search_predicts_the_same_without_its_study() -> None:
    x, y = iris()
    search = _grid(SVC(), {"C": [1.0, 10.0]}, cv=2).fit(x, y)
    restored = pickle.loads(pickle.dumps(search))
    np.testing.assert_array_equal(restored.predict(x), search.predict(x))
    assert not hasattr(restored, "study_") and restored.study_name_ == search.study_name_
    assert hasattr(search, "study_")


# ------------------------------------------------------- samplers and storage
def test_the_default_sampler_is_seeded_by_random_state() -> None:
    x, y = iris()
    space = {"C": stats.loguniform(1e-2, 1e2), "kernel": ["rbf", "linear"]}

    def proposals(seed: int) -> list[dict[str, Any]]:
        search = HyperSearchCV(SVC(), space, n_trials=3, cv=2, random_state=seed)
        return search.fit(x, y).cv_results_["params"]

    assert proposals(0) == proposals(0)
    assert proposals(0) != proposals(1)


def test_the_given_sampler_is_copied_so_every_fit_starts_alike() -> None:
    x, y = iris()
    search = HyperSearchCV(SVC(), {"C": stats.loguniform(1e-2, 1e2)}, n_trials=2, cv=2)
    search.set_params(sampler=RandomSampler(seed=3))
    first = search.fit(x, y).cv_results_["params"]
    assert search.fit(x, y).cv_results_["params"] == first


def test_alternative_spaces_give_masked_parameter_columns() -> None:
    x, y = iris()
    space = [{"kernel": ["linear"], "C": [0.5, 1.0]}, {"kernel": ["rbf"], "gamma": [0.1, 1.0]}]
    search = HyperSearchCV(SVC(), space, n_trials=6, cv=2, sampler=RandomSampler(seed=0))
    results = search.fit(x, y).cv_results_
    linear = np.array([p["kernel"] == "linear" for p in results["params"]])
    assert 0 < linear.sum() < 6
    assert results["param_C"].mask.tolist() == (~linear).tolist()
    assert results["param_gamma"].mask.tolist() == linear.tolist()
    assert all(ALTERNATIVE_PARAM not in p for p in results["params"])


def test_a_sqlite_storage_keeps_the_study_for_later_analysis(sqlite_url: str) -> None:
    x, y = iris()
    search = _grid(SVC(), {"C": [1.0, 10.0]}, cv=2, storage=sqlite_url).fit(x, y)
    study = hs.load_study(search.study_name_, sqlite_url)
    assert [t.params for t in study.trials] == [{"C": 1.0}, {"C": 10.0}]
    assert study.best_value == pytest.approx(search.best_score_)


def test_two_worker_processes_give_the_results_of_one() -> None:
    x, y = iris()
    grid = {"C": [0.1, 1.0, 10.0], "gamma": [0.1, 1.0]}
    serial = _grid(SVC(), grid, cv=3).fit(x, y).cv_results_
    parallel = _grid(SVC(), grid, cv=3, n_jobs=2).fit(x, y).cv_results_
    by_params = {
        repr(p): s for p, s in zip(serial["params"], serial["mean_test_score"], strict=True)
    }
    assert len(parallel["params"]) == 6
    for p, score in zip(parallel["params"], parallel["mean_test_score"], strict=True):
        assert score == by_params[repr(p)]


def test_fit_params_with_one_entry_per_sample_are_cut_to_each_fold() -> None:
    x, y = iris()
    weights = np.ones(len(y))
    search = _grid(MajorityClassifier(), {"shift": [0.0]}, cv=3).fit(x, y, sample_weight=weights)
    assert search.best_estimator_.n_weights_ == 150  # the refit sees every sample
    # Each fold's fit saw its 100 training rows and as many weights (else it would fail).
    assert search.cv_results_["trial_state"].tolist() == ["COMPLETE"]


def test_groups_reach_a_group_aware_splitter() -> None:
    from sklearn.model_selection import GroupKFold

    x, y = iris()
    groups = np.arange(len(y)) % 5
    search = _grid(SVC(), {"C": [1.0]}, cv=GroupKFold(5)).fit(x, y, groups=groups)
    assert search.n_splits_ == 5


def test_cv_given_as_a_splitter_is_used_as_is() -> None:
    x, y = iris()
    cv = StratifiedKFold(3, shuffle=True, random_state=2)
    search = _grid(SVC(), {"C": [1.0]}, cv=cv).fit(x, y)
    expected = cross_val_score(SVC(), x, y, cv=cv)
    assert [search.cv_results_[f"split{i}_test_score"][0] for i in range(3)] == expected.tolist()


# ---------------------------------------------------------------- validation
@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"n_trials": 0}, ValueError, "`n_trials` / `n_iter` must be an integer >= 1"),
        ({"n_iter": 3}, ValueError, r"`n_iter` \(3\) and `n_trials` \(1\) say the same thing"),
        (
            {"param_grid": {"C": [1.0]}},
            ValueError,
            "exactly one of .* got `search_space`, `param_grid`",
        ),
        ({"search_space": None}, ValueError, "exactly one of .*; got none"),
        ({"sampler": "tpe"}, TypeError, "`sampler` must be a hypersense Sampler"),
        ({"pruner": "median"}, TypeError, "`pruner` must be a hypersense Pruner"),
        ({"storage": 3}, TypeError, "`storage` must be None, a URL string"),
        ({"n_jobs": 0}, ValueError, "`n_jobs` must be a positive integer or -1"),
        ({"error_score": "ignore"}, ValueError, "`error_score` must be 'raise' or a number"),
        ({"return_train_score": "yes"}, TypeError, "`return_train_score` must be a bool"),
        ({"random_state": -1}, ValueError, "`random_state` must be >= 0"),
        ({"random_state": "seed"}, TypeError, "`random_state` must be None"),
        ({"search_space": {"D": [1]}}, ValueError, "names the parameter 'D', which SVC does not"),
        ({"search_space": {"C": 3}}, hs.InvalidDistributionError, "for parameter 'C'"),
        ({"estimator": object()}, TypeError, "`estimator` must be a scikit-learn estimator"),
    ],
)
def test_bad_options_are_refused_at_fit_naming_the_argument(
    options: dict[str, Any], error: type, message: str
) -> None:
    x, y = iris()
    search = HyperSearchCV(SVC(), {"C": [1.0]}, n_trials=1, cv=2).set_params(**options)
    with pytest.raises(error, match=message):
        search.fit(x, y)
