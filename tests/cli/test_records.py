"""The JSON records of the read commands: known answers for made-up trials."""

from __future__ import annotations

import json
import math

from hypersense import StudyDirection, TrialState
from hypersense.cli.records import best_record, jsonable, study_record, trial_record
from hypersense.storage import StudyRecord, StudySummary
from hypersense.trial import FrozenTrial, SystemAttr


def _trial() -> FrozenTrial:
    return FrozenTrial(
        number=3,
        state=TrialState.FAIL,
        params={"lr": 0.01, "act": "relu"},
        intermediate_values={2: 0.5, 0: math.nan, 1: 0.25},
        user_attrs={"curve": [1.0, math.inf]},
        system_attrs={SystemAttr.INTERRUPTED: True},
        started_at=0.0,
        completed_at=90.5,
        fail_reason="interrupted (KeyboardInterrupt)",
    )


def test_trial_record_known_answer() -> None:
    assert trial_record(_trial()) == {
        "number": 3,
        "state": "FAIL",
        "values": None,
        "params": {"lr": 0.01, "act": "relu"},
        "user_attrs": {"curve": [1.0, None]},
        "intermediate_values": {"0": None, "1": 0.25, "2": 0.5},
        "datetime_start": "1970-01-01T00:00:00+00:00",
        "datetime_complete": "1970-01-01T00:01:30.500000+00:00",
        "duration_s": 90.5,
        "fail_reason": "interrupted (KeyboardInterrupt)",
        "interrupted": True,
    }
    json.dumps(trial_record(_trial()), allow_nan=False)  # strict JSON


def test_best_record_and_study_record_known_answers() -> None:
    best = FrozenTrial(number=0, state=TrialState.COMPLETE, values=(0.5,))
    assert best_record("s", [StudyDirection.MAXIMIZE], [best]) == {
        "study_name": "s",
        "directions": ["maximize"],
        "best_trials": [trial_record(best)],
    }
    summary = StudySummary(
        record=StudyRecord(1, "s", (StudyDirection.MINIMIZE,), created_at=60.0),
        n_trials_by_state={TrialState.COMPLETE: 4, TrialState.FAIL: 1},
    )
    assert study_record(summary, math.nan) == {
        "study_name": "s",
        "directions": ["minimize"],
        "n_trials": 5,
        "n_trials_by_state": {
            "RUNNING": 0,
            "WAITING": 0,
            "COMPLETE": 4,
            "PRUNED": 0,
            "FAIL": 1,
        },
        "best_value": None,
        "datetime_created": "1970-01-01T00:01:00+00:00",
    }


def test_jsonable_replaces_only_non_finite_floats() -> None:
    assert jsonable({"a": (1, -math.inf), 2: {"b": math.nan, "c": "x"}}) == {
        "a": [1, None],
        "2": {"b": None, "c": "x"},
    }
