"""Ctrl-C during ``hypersense run``: exit 130, finished trials kept, the running
one FAIL with the interrupted flag, and the same command completes the target.
SIGTERM likewise, with exit 143."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

import hypersense as hs
from hypersense.testing.executors import is_process_alive
from hypersense.trial import SystemAttr
from tests.config.helpers import write_config, write_module

_SLOW_OBJECTIVE = """
import pathlib
import time

HERE = pathlib.Path(__file__).parent


def objective(trial):
    x = trial.suggest_float("x", 0.0, 1.0)
    (HERE / f"started-{trial.number}").touch()
    while trial.number >= 2 and (HERE / "hold").exists():
        time.sleep(0.02)  # a long trial, until Ctrl-C
    return x
"""


def _restore_default_ctrl_c() -> None:
    """Give the command SIGINT's default disposition, so that Python turns it into
    KeyboardInterrupt: a shell starting pytest in the background without job control
    makes SIGINT ignored, children inherit that, and Ctrl-C would then never arrive."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _wait_for(path: Path, proc: subprocess.Popen[str], *, glob: bool = False) -> None:
    """Wait until ``path`` exists (with ``glob``: a file named ``path.name-*``);
    fail if the command ends or hangs first."""
    give_up = time.monotonic() + 120  # a guard against a hung test, not a measurement

    def exists() -> bool:
        return any(path.parent.glob(f"{path.name}-*")) if glob else path.exists()

    while not exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < give_up, f"{path.name} never appeared"
        time.sleep(0.02)


def test_ctrl_c_keeps_finished_trials_and_the_same_command_resumes(
    hypersense_script: Path, tmp_path: Path
) -> None:
    module = write_module(tmp_path, "slow_objective", _SLOW_OBJECTIVE)
    config = write_config(
        tmp_path, f"study_name: slow\nobjective: {module}:objective\nn_trials: 5\n"
    )
    url = f"sqlite:///{tmp_path / 'slow.db'}"
    command = [str(hypersense_script), "run", str(config), "--storage", url]
    (tmp_path / "hold").touch()

    proc = subprocess.Popen(
        command,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_restore_default_ctrl_c,
    )
    _wait_for(tmp_path / "started-2", proc)  # trials 0 and 1 are finished, 2 is running
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)

    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert (
        "interrupted: 2/5 finished trials of study 'slow' are kept (running trials were "
        "stored as FAIL, interrupted); run the same command again to resume"
    ) in err
    assert [line.split(" | ")[0] for line in out.splitlines()[1:]] == [
        "trial 0 COMPLETE value=" + out.splitlines()[1].split("value=")[1].split(" ")[0],
        "trial 1 COMPLETE value=" + out.splitlines()[2].split("value=")[1].split(" ")[0],
    ]
    trials = hs.load_study("slow", url).trials
    assert [t.state for t in trials] == [hs.TrialState.COMPLETE] * 2 + [hs.TrialState.FAIL]
    assert trials[2].system_attrs[SystemAttr.INTERRUPTED] is True
    assert trials[2].fail_reason == "interrupted (KeyboardInterrupt)"

    (tmp_path / "hold").unlink()
    again = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert (
        again.stdout.splitlines()[0] == f"study 'slow' in {url} (resuming at 2/5): running 3 trials"
    )
    trials = hs.load_study("slow", url).trials
    states = [t.state for t in trials]
    assert (
        states == [hs.TrialState.COMPLETE] * 2 + [hs.TrialState.FAIL] + [hs.TrialState.COMPLETE] * 3
    )


_HELD_IN_WORKERS = """
import os
import pathlib
import time

HERE = pathlib.Path(__file__).parent


def objective(trial):
    x = trial.suggest_float("x", 0.0, 1.0)
    if trial.number >= 2:  # trials 0 and 1 finish, the others run until stopped
        (HERE / f"running-{trial.number}-{os.getpid()}").touch()
        time.sleep(300)
    return x
"""


def test_sigterm_stops_a_parallel_run_like_ctrl_c(hypersense_script: Path, tmp_path: Path) -> None:
    module = write_module(tmp_path, "held_in_workers", _HELD_IN_WORKERS)
    config = write_config(
        tmp_path,
        f"study_name: held\nobjective: {module}:objective\nn_trials: 4\nn_jobs: 2\n"
        "max_retries: 1\n",
    )
    url = f"sqlite:///{tmp_path / 'held.db'}"
    proc = subprocess.Popen(
        [str(hypersense_script), "run", str(config), "--storage", url],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(tmp_path / "running-3", proc, glob=True)
        _wait_for(tmp_path / "running-2", proc, glob=True)
        workers = [int(p.name.split("-")[2]) for p in tmp_path.glob("running-*")]
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=120)
    finally:
        for path in tmp_path.glob("running-*"):  # a failing run must not leave workers
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(path.name.split("-")[2]), signal.SIGKILL)

    assert proc.returncode == 143, err
    assert "Traceback" not in err
    assert (
        "terminated by SIGTERM: 2/4 finished trials of study 'held' are kept (running trials "
        "were stored as FAIL, interrupted); run the same command again to resume"
    ) in " ".join(err.split())
    assert not any(map(is_process_alive, workers))
    trials = hs.load_study("held", url).trials
    assert [t.state for t in trials] == [hs.TrialState.COMPLETE] * 2 + [hs.TrialState.FAIL] * 2 + [
        hs.TrialState.WAITING
    ] * 2
    assert all(t.system_attrs[SystemAttr.INTERRUPTED] is True for t in trials[2:4])
    assert all(t.fail_reason == "interrupted (SIGTERM)" for t in trials[2:4])
