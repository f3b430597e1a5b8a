"""The study-level calls Optuna users type: added trials, copies, names, metric names,
durations, and optimize's gc and progress-bar flags."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

import hypersense as hs
from hypersense.samplers import RandomSampler, TPESampler


def _made(x: float, value: float) -> hs.FrozenTrial:
    return hs.create_trial(
        params={"x": x},
        distributions={"x": hs.FloatDistribution(-5, 5)},
        value=value,
        intermediate_values={0: value + 1},
        user_attrs={"from": "notebook"},
    )


def test_added_trials_are_stored_whole_and_guide_the_sampler(sqlite_url: str) -> None:
    study = hs.create_study(storage=sqlite_url, sampler=TPESampler(seed=0, n_startup_trials=5))
    added = study.add_trials([_made(x, (x - 2) ** 2) for x in (-4, -2, 0, 1, 2, 3, 4)])
    assert [t.number for t in added] == list(range(7))
    assert study.best_params == {"x": 2} and study.best_trial.user_attrs == {"from": "notebook"}
    assert study.trials[0].intermediate_values == {0: 37.0}
    study.optimize(lambda t: (t.suggest_float("x", -5, 5) - 2) ** 2, n_trials=10)
    near = [abs(t.params["x"] - 2) < 2 for t in study.trials[7:]]
    assert sum(near) >= 6  # TPE modelled the added trials, not a fresh random start


def test_bad_added_trials_write_nothing() -> None:
    study = hs.create_study()
    with pytest.raises(ValueError, match="COMPLETE trial needs"):
        hs.create_trial(params={}, distributions={})
    with pytest.raises(ValueError, match=r"parameter 'x': 9 is not in"):
        hs.create_trial(params={"x": 9}, distributions={"x": hs.IntDistribution(0, 3)}, value=1)
    with pytest.raises(ValueError, match="no entry for parameter 'y'"):
        hs.create_trial(params={"y": 1}, distributions={}, value=1)
    good, two = _made(0.0, 1.0), hs.create_trial(values=[1.0, 2.0])
    with pytest.raises(ValueError, match="trial 1 has 2 value"):
        study.add_trials([good, two])
    assert study.trials == []


def test_copy_study_keeps_trials_directions_and_attributes(tmp_path: object) -> None:
    source_url = f"sqlite:///{tmp_path}/a.db"  # type: ignore[str-bytes-safe]
    target_url = f"sqlite:///{tmp_path}/b.db"  # type: ignore[str-bytes-safe]
    study = hs.create_study(
        study_name="orig", storage=source_url, directions=["minimize", "maximize"]
    )
    study.set_metric_names(["loss", "accuracy"])
    study.set_user_attr("owner", "me")
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), 1.0), n_trials=4)
    copy = hs.copy_study(from_study_name="orig", from_storage=source_url, to_storage=target_url)
    assert hs.get_all_study_names(target_url) == ["orig"]
    assert copy.directions == study.directions and copy.metric_names == ["loss", "accuracy"]
    assert copy.user_attrs == {"owner": "me"}
    pairs = zip(study.trials, copy.trials, strict=True)
    assert all(
        (a.number, a.params, a.values, a.started_at, a.completed_at)
        == (b.number, b.params, b.values, b.started_at, b.completed_at)
        for a, b in pairs
    )
    with pytest.raises(hs.DuplicatedStudyError):
        hs.copy_study(from_study_name="orig", from_storage=source_url, to_storage=target_url)


def test_metric_names_need_one_name_per_direction() -> None:
    study = hs.create_study()
    assert study.metric_names is None
    with pytest.raises(ValueError, match="1 non-empty string"):
        study.set_metric_names(["a", "b"])
    study.set_metric_names(["loss"])
    assert study.metric_names == ["loss"]


def test_duration_is_a_timedelta() -> None:
    study = hs.create_study(sampler=RandomSampler(seed=0))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    trial = study.trials[0]
    assert isinstance(trial.duration, dt.timedelta)
    assert trial.duration.total_seconds() == pytest.approx(trial.duration_s, abs=1e-6)


def test_gc_after_trial_and_the_progress_bar_flags() -> None:
    code = (
        "import hypersense as hs\n"
        "study = hs.create_study()\n"
        "study.optimize(lambda t: t.suggest_float('x', 0, 1), n_trials=5,\n"
        "               gc_after_trial=True, show_progress_bar=True)\n"
        "print(len(study.trials))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == "5"
    assert "5/5" in done.stderr and "best" in done.stderr  # drawn on stderr, on request only
