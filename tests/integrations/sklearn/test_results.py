"""`cv_results_` assembly: ranks, masked parameter columns, pruned and failed candidates."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hypersense.integrations.sklearn import build_cv_results, rank_by_mean
from hypersense.integrations.sklearn.evaluation import FoldRecord
from hypersense.integrations.sklearn.results import Candidate, masked_param_columns


def _fold(score: float, fit: float = 1.0) -> FoldRecord:
    return FoldRecord({"score": score}, {"score": 1.0}, fit_time_s=fit, score_time_s=0.5)


def test_rank_by_mean_known_answers() -> None:
    assert rank_by_mean(np.array([0.5, 0.9, 0.7, 0.9])).tolist() == [4, 1, 3, 1]
    assert rank_by_mean(np.array([0.5, np.nan, 0.9, np.nan])).tolist() == [2, 3, 1, 3]
    assert rank_by_mean(np.array([np.nan, np.nan])).tolist() == [1, 1]
    assert rank_by_mean(np.array([0.2])).dtype == np.int32


def test_masked_param_columns_mask_missing_values_and_keep_numeric_dtypes() -> None:
    columns = masked_param_columns([{"C": 1.0, "kernel": "rbf"}, {"C": 2.0}, {"sizes": (4, 4)}])
    assert columns["param_C"].dtype == np.float64
    assert columns["param_C"].mask.tolist() == [False, False, True]
    assert columns["param_C"].compressed().tolist() == [1.0, 2.0]
    assert columns["param_kernel"].dtype == object  # strings are objects, as in GridSearchCV
    assert columns["param_sizes"].dtype == object and columns["param_sizes"][2] == (4, 4)


def test_pruned_and_failed_candidates_have_nan_scores_for_unrun_folds_and_rank_last() -> None:
    candidates = [
        Candidate(0, "COMPLETE", {"C": 1.0}, (_fold(0.8, 2.0), _fold(0.6, 4.0))),
        Candidate(1, "PRUNED", {"C": 2.0}, (_fold(0.1, 3.0), None)),
        Candidate(2, "COMPLETE", {"C": 3.0}, (_fold(0.9), _fold(0.9))),
        Candidate(3, "FAIL", {"C": 4.0}, (None, None)),
    ]
    results = build_cv_results(candidates, n_splits=2, metrics=["score"], return_train_score=True)
    assert results["split0_test_score"][:3].tolist() == [0.8, 0.1, 0.9]
    assert math.isnan(results["split1_test_score"][1])
    assert results["mean_test_score"][[0, 2]] == pytest.approx([0.7, 0.9])
    assert results["std_test_score"][0] == pytest.approx(0.1)  # population std, as sklearn
    assert np.isnan(results["mean_test_score"][[1, 3]]).all()
    assert results["rank_test_score"].tolist() == [2, 3, 1, 3]
    # Times average the folds that ran; a candidate with no fold has NaN times.
    assert results["mean_fit_time"][:3].tolist() == [3.0, 3.0, 1.0]
    assert results["std_fit_time"][:3].tolist() == [1.0, 0.0, 0.0]
    assert math.isnan(results["mean_fit_time"][3]) and math.isnan(results["std_fit_time"][3])
    assert results["mean_train_score"].tolist()[:1] == [1.0]
    assert "rank_train_score" not in results
    assert results["trial_number"].tolist() == [0, 1, 2, 3]
    assert results["trial_state"].tolist() == ["COMPLETE", "PRUNED", "COMPLETE", "FAIL"]
    assert results["params"] == [{"C": 1.0}, {"C": 2.0}, {"C": 3.0}, {"C": 4.0}]


def test_fold_records_survive_the_json_round_trip_of_a_storage() -> None:
    record = FoldRecord({"a": 0.5}, None, fit_time_s=1.5, score_time_s=0.25, error="E: x")
    assert FoldRecord.from_json(record.to_json()) == record
