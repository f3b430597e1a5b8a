"""A coordinator killed or terminated during ``optimize(n_jobs=2)``: its workers do
not outlive it, and SIGTERM stores the running trials as interrupted."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import hypersense as hs
from hypersense.testing.executors import is_process_alive, wait_until
from hypersense.trial import SystemAttr

_OBJECTIVE = """
import os
import pathlib
import time

HERE = pathlib.Path(__file__).parent


def objective(trial):
    x = trial.suggest_float("x", 0.0, 1.0)
    if trial.number >= 2:  # trials 0 and 1 finish, the others run until killed
        (HERE / f"running-{trial.number}-{os.getpid()}").touch()
        if os.environ.get("HOLD_THE_GIL"):
            return float(sum(range(10**13)))  # C code that never lets another thread run
        time.sleep(300)
    return x
"""

_COORDINATOR = """
import sys

import hypersense as hs
from hypersense.execution import ProcessExecutor
from held_objective import objective

if __name__ == "__main__":
    url, method = sys.argv[1:]
    study = hs.create_study(study_name="s", storage=url, max_retries=1)
    if method == "inline":
        study.optimize(objective, n_trials=3)
    elif method == "fork":  # the default of n_jobs=2 on Linux
        study.optimize(objective, n_trials=4, n_jobs=2)
    else:
        study.optimize(objective, n_trials=4, executor=ProcessExecutor(2, start_method=method))
"""


@pytest.fixture(autouse=True)
def _no_leftover_workers(tmp_path: Path) -> Iterator[None]:
    """Kill the workers a failing test left behind (by the pids they wrote)."""
    yield
    for path in tmp_path.glob("running-*"):
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(path.name.split("-")[2]), signal.SIGKILL)


def _start(
    tmp_path: Path, method: str, *, hold_the_gil: bool = False
) -> tuple[subprocess.Popen[str], str]:
    (tmp_path / "held_objective.py").write_text(_OBJECTIVE, encoding="utf-8")
    (tmp_path / "coordinator.py").write_text(_COORDINATOR, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'study.db'}"
    proc = subprocess.Popen(
        [sys.executable, str(tmp_path / "coordinator.py"), url, method],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "HOLD_THE_GIL": "1" if hold_the_gil else ""},
    )
    return proc, url


def _running_pids(tmp_path: Path, proc: subprocess.Popen[str], n: int) -> list[int]:
    """The pids of the processes running the long trials, once ``n`` of them run."""

    def running() -> bool:
        assert proc.poll() is None, proc.communicate()
        return len(list(tmp_path.glob("running-*"))) >= n

    wait_until(running, f"{n} long trials running")
    return [int(path.name.split("-")[2]) for path in tmp_path.glob("running-*")]


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_workers_end_with_their_coordinator(
    tmp_path: Path, method: str, sig: signal.Signals
) -> None:
    proc, _ = _start(tmp_path, method)
    workers = _running_pids(tmp_path, proc, 2)
    assert proc.pid not in workers and len(set(workers)) == 2
    proc.send_signal(sig)
    proc.communicate(timeout=60)
    assert proc.returncode == (-9 if sig is signal.SIGKILL else 143)
    wait_until(lambda: not any(map(is_process_alive, workers)), "the end of the workers", 10)


@pytest.mark.parametrize("method", ["inline", "fork", "spawn"])
def test_sigterm_stores_running_trials_as_interrupted_and_queues_retries(
    tmp_path: Path, method: str
) -> None:
    proc, url = _start(tmp_path, method)
    n_running = 1 if method == "inline" else 2
    _running_pids(tmp_path, proc, n_running)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert "Traceback" not in err

    trials = hs.load_study("s", url).trials
    finished, running, retries = trials[:2], trials[2 : 2 + n_running], trials[2 + n_running :]
    assert [t.state for t in finished] == [hs.TrialState.COMPLETE] * 2
    assert [t.state for t in running] == [hs.TrialState.FAIL] * n_running
    assert all(t.fail_reason == "interrupted (SIGTERM)" for t in running)
    assert all(t.system_attrs[SystemAttr.INTERRUPTED] is True for t in running)
    assert [t.state for t in retries] == [hs.TrialState.WAITING] * n_running
    assert sorted(t.system_attrs[SystemAttr.RETRY_OF] for t in retries) == [
        t.number for t in running
    ]
    for retry in retries:
        retried = trials[retry.system_attrs[SystemAttr.RETRY_OF]]
        assert retry.system_attrs[SystemAttr.FIXED_PARAMS] == retried.params


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_workers_stuck_in_c_code_end_with_their_coordinator(tmp_path: Path) -> None:
    # No Python thread of the worker can run; the kernel's parent-death signal ends it.
    proc, _ = _start(tmp_path, "fork", hold_the_gil=True)
    workers = _running_pids(tmp_path, proc, 2)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    wait_until(lambda: not any(map(is_process_alive, workers)), "the end of the workers", 10)
