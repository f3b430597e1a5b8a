"""Heartbeats: dead workers are found, their trials failed and retried; late results rejected."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time

import hypersense as hs
from hypersense.samplers import RandomSampler


def _sleepy(trial: hs.Trial) -> float:
    trial.suggest_float("x", 0, 1)
    time.sleep(60)
    return 0.0


def _run_then_get_killed(url: str) -> None:
    study = hs.load_study("hb", url, heartbeat_interval_s=0.2)
    study.optimize(_sleepy, n_trials=1)


def _wait_for_state(study: hs.Study, state: hs.TrialState, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while not any(t.state is state for t in study.trials):
        assert time.monotonic() < deadline, f"no trial reached {state}"
        time.sleep(0.05)


def test_a_killed_worker_is_found_by_heartbeat_and_its_trial_retried(sqlite_url: str) -> None:
    study = hs.create_study(
        study_name="hb",
        storage=sqlite_url,
        heartbeat_interval_s=0.2,
        grace_period_s=1.0,
        max_retries=1,
    )
    proc = multiprocessing.get_context("spawn").Process(
        target=_run_then_get_killed, args=(sqlite_url,)
    )
    proc.start()
    _wait_for_state(study, hs.TrialState.RUNNING)
    while "x" not in study.trials[0].params:
        time.sleep(0.05)
    time.sleep(0.5)
    beat_before = study.trials[0].heartbeat_at
    assert beat_before is not None and beat_before > study.trials[0].started_at  # type: ignore[operator]
    os.kill(proc.pid, signal.SIGKILL)  # type: ignore[arg-type]
    proc.join()
    time.sleep(1.5)  # longer than the grace period
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    dead, retry = study.trials
    assert dead.state is hs.TrialState.FAIL and "stale heartbeat" in (dead.fail_reason or "")
    assert retry.params == dead.params and retry.state is hs.TrialState.COMPLETE
    assert retry.system_attrs["retry_of"] == 0 and dead.system_attrs["retried_by"] == 1


def test_a_live_trial_with_heartbeats_is_not_failed(sqlite_url: str) -> None:
    study = hs.create_study(storage=sqlite_url, heartbeat_interval_s=0.1, grace_period_s=0.4)

    def objective(trial: hs.Trial) -> float:
        time.sleep(1.0)  # much longer than the grace period
        return trial.suggest_float("x", 0, 1)

    other = hs.load_study(
        study.study_name, sqlite_url, heartbeat_interval_s=0.1, grace_period_s=0.4
    )
    worker = threading.Thread(target=study.optimize, args=(objective,), kwargs={"n_trials": 1})
    worker.start()
    _wait_for_state(other, hs.TrialState.RUNNING)
    time.sleep(0.7)
    assert other.fail_stale_trials() == []
    worker.join()
    assert [t.state for t in other.trials] == [hs.TrialState.COMPLETE]


def test_a_late_result_of_a_stale_attempt_is_rejected_without_crashing(sqlite_url: str) -> None:
    # The slow process sends no heartbeat (as if frozen); another one fails its trial.
    frozen = hs.create_study(
        study_name="late",
        storage=sqlite_url,
        heartbeat_interval_s=None,
        sampler=RandomSampler(seed=1),
    )
    judge = hs.load_study(
        "late", sqlite_url, heartbeat_interval_s=0.1, grace_period_s=0.3, max_retries=1
    )
    release = threading.Event()

    def slow(trial: hs.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        release.wait(30)
        trial.report(0.5, 0)  # also rejected: the trial is no longer running
        return x

    def run_frozen() -> None:
        frozen.optimize(slow, n_trials=1)  # must return normally

    worker = threading.Thread(target=run_frozen)
    worker.start()
    _wait_for_state(judge, hs.TrialState.RUNNING)
    while "x" not in judge.trials[0].params:
        time.sleep(0.05)
    time.sleep(0.5)
    judge.optimize(lambda t: t.suggest_float("x", 0, 1) + 10, n_trials=1)
    release.set()
    worker.join(timeout=30)
    assert not worker.is_alive()
    stale, retry = judge.trials
    assert stale.state is hs.TrialState.FAIL and stale.values is None
    assert stale.intermediate_values == {}
    assert retry.state is hs.TrialState.COMPLETE and retry.value == stale.params["x"] + 10
