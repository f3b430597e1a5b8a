"""Faults a user or a cluster produces: each leaves the stored study readable and usable."""

from __future__ import annotations

import logging
import math
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hypersense as hs
from hypersense import ParameterConflictError, StudyNotFoundError
from hypersense.samplers import RandomSampler
from hypersense.storage.sql import SQLStorage
from hypersense.trial import FrozenTrial


def test_a_parameter_cannot_change_kind_across_trials(sqlite_url: str) -> None:
    study = hs.create_study(storage=sqlite_url, sampler=RandomSampler(seed=0))
    study.optimize(lambda t: t.suggest_float("units", 1, 8), n_trials=2)
    for changed in (
        lambda t: t.suggest_int("units", 1, 8),
        lambda t: float(t.suggest_categorical("units", [1, 2])),
    ):
        with pytest.raises(ParameterConflictError, match=r"'units' is FloatDistribution"):
            study.optimize(changed, n_trials=1)
    other = hs.load_study(study.study_name, sqlite_url)  # another process's view
    with pytest.raises(ParameterConflictError, match="new study name"):
        other.optimize(lambda t: t.suggest_int("units", 1, 8), n_trials=1)
    study.optimize(lambda t: t.suggest_float("units", 2, 4), n_trials=1)  # a narrower range is fine
    kinds = {type(d).__name__ for t in study.trials for d in t.distributions.values()}
    assert kinds == {"FloatDistribution"}


def test_deleting_a_study_while_it_runs_stops_the_runner_with_a_clear_error(
    sqlite_url: str,
) -> None:
    study = hs.create_study("doomed", sqlite_url)
    inside, release = threading.Event(), threading.Event()

    def objective(trial: hs.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        inside.set()
        release.wait(30)
        return x

    errors: list[BaseException] = []

    def run() -> None:
        try:
            study.optimize(objective, n_trials=3)
        except BaseException as exc:  # noqa: BLE001 - checked below
            errors.append(exc)

    runner = threading.Thread(target=run)
    runner.start()
    assert inside.wait(30)
    hs.delete_study("doomed", sqlite_url)
    release.set()
    runner.join(30)
    assert len(errors) == 1 and isinstance(errors[0], StudyNotFoundError)
    assert "its study was deleted" in str(errors[0]) and sqlite_url in str(errors[0])


def test_a_corrupted_value_hides_one_trial_not_the_study(
    sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    study = hs.create_study("c", sqlite_url, sampler=RandomSampler(seed=0))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=4)
    path = sqlite_url.removeprefix("sqlite:///")
    with closing(sqlite3.connect(path)) as conn:
        conn.execute(
            "UPDATE hs_trial_params SET value_json = '{not json' WHERE trial_id = "
            "(SELECT trial_id FROM hs_trials WHERE number = 1)"
        )
        conn.commit()
    with caplog.at_level(logging.WARNING):
        again = hs.load_study("c", sqlite_url, sampler=RandomSampler(seed=1))
        assert [t.number for t in again.trials] == [0, 2, 3]
    assert "trial 1 " in caplog.text and "cannot be read and is skipped" in caplog.text
    again.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    assert [t.number for t in again.trials] == [0, 2, 3, 4, 5]


_SKEWED = """
import sys, time
real_time = time.time
time.time = lambda: real_time() + float(sys.argv[3])  # this host's clock is off
import hypersense as hs
study = hs.load_study("skew", sys.argv[1], heartbeat_interval_s=0.2, grace_period_s=1.0)
if sys.argv[2] == "run":
    def objective(trial):
        trial.suggest_float("x", 0, 1)
        time.sleep(4)
        return 1.0
    study.optimize(objective, n_trials=1)
else:
    time.sleep(1.5)  # more than the grace period, with the runner's heartbeats fresh
    print(len(study.fail_stale_trials()))
"""


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_runners_whose_clocks_disagree_by_minutes_do_not_fail_each_other(
    backend: str, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "postgres_url")
    hs.create_study("skew", url)
    runner = subprocess.Popen([sys.executable, "-c", _SKEWED, url, "run", "-150"])
    study = hs.load_study("skew", url)
    deadline = time.monotonic() + 60
    while not study.trials or "x" not in study.trials[0].params:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    judge = subprocess.run(
        [sys.executable, "-c", _SKEWED, url, "judge", "+150"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert judge.stdout.strip() == "0"  # a 5-minute skew is not a stale heartbeat
    assert runner.wait(timeout=60) == 0
    assert [t.state for t in hs.load_study("skew", url).trials] == [hs.TrialState.COMPLETE]


class _CountingStorage(SQLStorage):
    """A real SQLite storage that counts the trials its reads return."""

    rows_read = 0

    def get_trials(self, study_id: int, **kwargs: Any) -> list[FrozenTrial]:
        found = super().get_trials(study_id, **kwargs)
        self.rows_read += len(found)
        return found


def test_a_trial_left_running_does_not_make_every_read_read_everything(sqlite_url: str) -> None:
    storage = _CountingStorage(sqlite_url)
    study = hs.create_study(storage=storage, sampler=RandomSampler(seed=0))
    study.ask()  # trial 0 stays RUNNING
    for _ in range(50):
        trial = study.ask()
        study.tell(trial, 1.0)
    study.trials  # noqa: B018 - a read
    storage.rows_read = 0
    for _ in range(10):
        assert len(study.trials) == 51
    assert storage.rows_read == 10  # only the RUNNING trial is read again, not 51 each time


# ------------------------------------------------------------------ property
_BAD_OBJECTIVES = {
    "low > high": lambda t: t.suggest_float("x", 1.0, 0.0),
    "log touches 0": lambda t: t.suggest_float("lr", 0.0, 1.0, log=True),
    "returns NaN": lambda t: math.nan,
    "returns inf": lambda t: math.inf,
    "returns a string": lambda t: "0.5",
    "two values for one direction": lambda t: (1.0, 2.0),
    "kind change": lambda t: t.suggest_categorical("x", ["a", "b"]),
    "unstorable attribute": lambda t: t.set_user_attr("obj", object()) or 1.0,
    "raises": lambda t: 1 / 0,
    "huge int": lambda t: 10**400,
}

_BAD_CALLS = {
    "bad study name": lambda study, url: hs.create_study("x" * 600, url),
    "tell NaN": lambda study, url: study.tell(study.ask(), math.nan),
    "tell twice": lambda study, url: [study.tell(t := study.ask(), 1.0), study.tell(t, 2.0)],
    "enqueue unstorable": lambda study, url: study.enqueue_trial({"x": object()}),
    "unknown study": lambda study, url: hs.load_study("nope", url),
    "wrong directions": lambda study, url: hs.create_study(
        study.study_name, url, directions=["minimize", "maximize"], load_if_exists=True
    ),
}


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(sorted(_BAD_OBJECTIVES)).map(lambda k: ("objective", k)),
            st.sampled_from(sorted(_BAD_CALLS)).map(lambda k: ("call", k)),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_any_sequence_of_bad_inputs_leaves_the_study_loadable_and_going(
    faults: list[tuple[str, str]],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'study.db'}"
        study = hs.create_study("p", url, sampler=RandomSampler(seed=0))
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
        for kind, name in faults:
            try:
                if kind == "objective":
                    study.optimize(_BAD_OBJECTIVES[name], n_trials=1)
                else:
                    _BAD_CALLS[name](study, url)
            except Exception:  # noqa: BLE001 - refusing is fine; damage is not
                pass
        reopened = hs.load_study("p", url, sampler=RandomSampler(seed=1))
        before = reopened.trials
        assert [t.number for t in before] == list(range(len(before)))
        assert all(t.state is not hs.TrialState.RUNNING for t in before)
        reopened.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
        after = hs.load_study("p", url).trials
        assert len(after) == len(before) + 1 and after[-1].state is hs.TrialState.COMPLETE
        assert after[:-1] == before
