"""Runs of a config after faults: killed runs leave nothing RUNNING, queued retries run,
a changed space is refused, heartbeat settings come from the config."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import hypersense as hs
from hypersense import ConfigError
from hypersense.config import build_run, load_config, run_config
from tests.config.helpers import write_config, write_module

_SLOW = """
import os, pathlib, time
HERE = pathlib.Path(__file__).parent

def objective(trial):
    x = trial.params["x"]
    (HERE / f"pid-{os.getpid()}").write_text("")
    if (HERE / "hang").exists():
        time.sleep(600)
    return (x - 0.3) ** 2
"""


def _config(tmp_path: Path, name: str, *, extra: str = "", space: str = "") -> Path:
    module = write_module(tmp_path, name, _SLOW)
    lines = [
        "study_name: faults",
        f"storage: sqlite:///{tmp_path / 'study.db'}",
        f"objective: {module}:objective",
        "space:",
        "  x: {type: float, low: 0.0, high: 1.0}",
        *([f"  {space}"] if space else []),
        "n_trials: 6",
        "seed: 0",
        *extra.splitlines(),
    ]
    return write_config(tmp_path, "\n".join(lines) + "\n")


def test_a_killed_run_leaves_nothing_running_after_the_next_run(tmp_path: Path) -> None:
    path = _config(tmp_path, "faults_killed", extra="n_jobs: 2\nmax_retries: 1")
    (tmp_path / "hang").touch()
    run = subprocess.Popen(
        [sys.executable, "-m", "hypersense.cli", "run", str(path)],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("pid-*"))) < 2:  # both workers are inside a trial
        assert time.monotonic() < deadline
        time.sleep(0.05)
    run.send_signal(signal.SIGKILL)
    run.wait(timeout=30)
    for pid_file in tmp_path.glob("pid-*"):  # the workers are not the point here
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(pid_file.name[4:]), signal.SIGKILL)
    (tmp_path / "hang").unlink()
    url = f"sqlite:///{tmp_path / 'study.db'}"
    stuck = [t.number for t in hs.load_study("faults", url).trials]
    assert len(stuck) == 2
    # The default grace period (120 s) has not passed; the next run still finds them.
    status = run_config(load_config(path))
    trials = hs.load_study("faults", url).trials
    states = [t.state for t in trials]
    assert hs.TrialState.RUNNING not in states and hs.TrialState.WAITING not in states
    dead = [t for t in trials if t.number in stuck]
    assert all(t.system_attrs["interrupted"] and "is gone" in (t.fail_reason or "") for t in dead)
    retries = {t.system_attrs["retry_of"]: t for t in trials if "retry_of" in t.system_attrs}
    assert sorted(retries) == stuck
    assert all(retries[t.number].params == t.params for t in dead)
    assert status.n_done == 6


def test_queued_retries_run_even_when_the_target_is_met(tmp_path: Path) -> None:
    path = _config(tmp_path, "faults_queued")
    run_config(load_config(path))
    url = f"sqlite:///{tmp_path / 'study.db'}"
    study = hs.load_study("faults", url)
    study.enqueue_trial({"x": 0.3})
    status = run_config(load_config(path))
    trials = hs.load_study("faults", url).trials
    assert len(trials) == 7 and trials[-1].params == {"x": 0.3}
    assert trials[-1].state is hs.TrialState.COMPLETE and status.n_new == 1


def test_a_changed_space_is_refused_and_the_flag_accepts_it(tmp_path: Path) -> None:
    path = _config(tmp_path, "faults_space")
    run_config(load_config(path))
    changed = _config(tmp_path, "faults_space2", space="y: [1, 2]")
    changed.write_text(changed.read_text().replace("high: 1.0", "high: 2.0"))
    with pytest.raises(ConfigError) as info:
        run_config(load_config(changed))
    message = str(info.value)
    assert "field 'space'" in message and "'faults'" in message
    assert "'x': float(low=0.0, high=1.0" in message and "-> float(low=0.0, high=2.0" in message
    assert "'y' is new" in message and "--allow-space-change" in message
    url = f"sqlite:///{tmp_path / 'study.db'}"
    assert len(hs.load_study("faults", url).trials) == 6  # nothing ran
    run_config(load_config(changed), allow_space_change=True)
    study = hs.load_study("faults", url)
    assert study.system_attrs["config_space"]["y"]["choices"] == [1, 2]
    run_config(load_config(changed))  # recorded: no complaint the second time


def test_heartbeat_settings_come_from_the_config(tmp_path: Path) -> None:
    path = _config(tmp_path, "faults_hb", extra="heartbeat_interval_s: 2.5\ngrace_period_s: 7")
    spec = build_run(load_config(path))
    assert (spec.heartbeat_interval_s, spec.grace_period_s) == (2.5, 7.0)
    bad = _config(tmp_path, "faults_hb2", extra="heartbeat_interval_s: 0")
    with pytest.raises(ConfigError, match="heartbeat_interval_s"):
        load_config(bad)
