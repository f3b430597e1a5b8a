"""CSV export: columns like trials_dataframe, known answers for made-up trials."""

from __future__ import annotations

import io

from hypersense import TrialState
from hypersense.cli.export import write_trials_csv
from hypersense.trial import FrozenTrial


def test_single_objective_csv_known_answer() -> None:
    trials = [
        FrozenTrial(
            number=0,
            state=TrialState.COMPLETE,
            values=(0.5,),
            params={"x": 1.5, "kind": "a"},
            user_attrs={"folds": [0.4, 0.6]},
            started_at=0.0,
            completed_at=2.0,
        ),
        FrozenTrial(
            number=1, state=TrialState.FAIL, params={"x": 2.0}, fail_reason="ValueError: no"
        ),
    ]
    out = io.StringIO()
    assert write_trials_csv(trials, 1, out) == 2
    assert out.getvalue().splitlines() == [
        "number,value,state,datetime_start,datetime_complete,duration_s,"
        "params_x,params_kind,user_attrs_folds,fail_reason",
        "0,0.5,COMPLETE,1970-01-01T00:00:00+00:00,1970-01-01T00:00:02+00:00,2.0,1.5,a,"
        '"[0.4, 0.6]",',
        "1,,FAIL,,,,2.0,,,ValueError: no",
    ]


def test_multi_objective_csv_has_one_column_per_value() -> None:
    trials = [FrozenTrial(number=0, state=TrialState.COMPLETE, values=(1.0, 2.0))]
    out = io.StringIO()
    write_trials_csv(trials, 2, out)
    assert out.getvalue().splitlines() == [
        "number,values_0,values_1,state,datetime_start,datetime_complete,duration_s,fail_reason",
        "0,1.0,2.0,COMPLETE,,,,",
    ]
