"""Heartbeats: dead workers are found, their trials failed and retried; late results rejected."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import hypersense as hs
from hypersense.samplers import RandomSampler


def _start_runner(
    url: str, pid_file: Path, *, hostname: str | None = None
) -> subprocess.Popen[bytes]:
    """Start a process that runs one endless trial of study "hb" and writes its pid.

    With ``hostname``, the process runs in its own UTS namespace under that host
    name: to the study it is a runner on another machine, whose death only its
    heartbeat can show.
    """
    code = (
        "import os, time, hypersense as hs\n"
        f"open({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
        f"study = hs.load_study('hb', {url!r}, heartbeat_interval_s=0.2)\n"
        "def sleepy(trial):\n"
        "    trial.suggest_float('x', 0, 1)\n"
        "    time.sleep(60)\n"
        "    return 0.0\n"
        "study.optimize(sleepy, n_trials=1)\n"
    )
    if hostname is None:
        return subprocess.Popen([sys.executable, "-c", code])
    renamed = f"import socket\nsocket.sethostname({hostname!r})\n{code}"
    return subprocess.Popen(
        ["unshare", "--uts", "--fork", sys.executable, "-c", renamed], stderr=subprocess.DEVNULL
    )


def _running_pid(pid_file: Path) -> int:
    deadline = time.monotonic() + 30
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline, "the runner did not start"
        time.sleep(0.05)
    return int(pid_file.read_text())


def _wait_for_state(study: hs.Study, state: hs.TrialState, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while not any(t.state is state for t in study.trials):
        assert time.monotonic() < deadline, f"no trial reached {state}"
        time.sleep(0.05)


def _kill(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while Path(f"/proc/{pid}").exists() and "zombie" not in _proc_state(pid):
        assert time.monotonic() < deadline
        time.sleep(0.02)


def _proc_state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().lower()
    except OSError:
        return "zombie"


def test_a_killed_runner_on_another_host_is_found_by_heartbeat_and_retried(
    sqlite_url: str, tmp_path: Path
) -> None:
    study = hs.create_study(
        study_name="hb",
        storage=sqlite_url,
        heartbeat_interval_s=0.2,
        grace_period_s=1.0,
        max_retries=1,
    )
    runner = _start_runner(sqlite_url, tmp_path / "pid", hostname="elsewhere")
    pid = _running_pid(tmp_path / "pid")
    _wait_for_state(study, hs.TrialState.RUNNING)
    while "x" not in study.trials[0].params:
        time.sleep(0.05)
    time.sleep(0.5)
    running = study.trials[0]
    assert running.system_attrs["owner"]["host"] == "elsewhere"
    assert running.heartbeat_at is not None and running.heartbeat_at > running.started_at  # type: ignore[operator]
    _kill(pid)
    assert runner.wait(timeout=30) != 0
    assert study.fail_stale_trials() == []  # its heartbeat is still fresh: no verdict yet
    time.sleep(1.5)  # longer than the grace period
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    dead, retry = study.trials
    assert dead.state is hs.TrialState.FAIL and "stale heartbeat" in (dead.fail_reason or "")
    assert retry.params == dead.params and retry.state is hs.TrialState.COMPLETE
    assert retry.system_attrs["retry_of"] == 0 and dead.system_attrs["retried_by"] == 1


def test_a_killed_runner_on_this_host_is_found_at_once_and_retried(
    sqlite_url: str, tmp_path: Path
) -> None:
    # The default grace period (120 s) has not passed: the owner's pid tells.
    study = hs.create_study(study_name="hb", storage=sqlite_url, max_retries=1)
    runner = _start_runner(sqlite_url, tmp_path / "pid")
    pid = _running_pid(tmp_path / "pid")
    _wait_for_state(study, hs.TrialState.RUNNING)
    while "x" not in study.trials[0].params:
        time.sleep(0.05)
    assert study.fail_stale_trials() == []  # alive: nothing to do
    _kill(pid)
    assert runner.wait(timeout=30) == -signal.SIGKILL
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    dead, retry = study.trials
    assert dead.state is hs.TrialState.FAIL
    assert dead.fail_reason == f"interrupted: its process ({socket.gethostname()}:{pid}) is gone"
    assert dead.system_attrs["interrupted"] is True
    assert retry.params == dead.params and retry.state is hs.TrialState.COMPLETE


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
