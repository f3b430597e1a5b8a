"""Several ``hypersense run`` processes ("machines") on one PostgreSQL study."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import hypersense as hs
from tests.config.helpers import write_config, write_module

_OBJECTIVE = """
import os, socket, time
from pathlib import Path

LOGS = Path(os.environ["HS_TEST_LOGS"])


def objective(trial):
    x, y = trial.params["x"], trial.params["y"]
    me = f"{socket.gethostname()}-{os.getpid()}"
    trial.set_user_attr("runner", me)
    # One file per evaluation: what really ran, whatever the study says.
    (LOGS / f"{me}-{trial.number}").write_text(repr((x, y)))
    if socket.gethostname() == "machine-a":
        time.sleep(120)  # killed before it ends
    # Trials wait until HS_TEST_MEET runners have started one (they run at once).
    (LOGS / f"started-{me}").touch()
    deadline = time.monotonic() + 30
    meet = int(os.environ["HS_TEST_MEET"])
    while len(list(LOGS.glob("started-*"))) < meet and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)
    return x * 10 + y
"""


def _config(tmp_path: Path, sampler: str, n_trials: int) -> Path:
    write_module(tmp_path, "shared_objective", _OBJECTIVE)
    return write_config(
        tmp_path,
        f"""
        study_name: shared
        objective: shared_objective:objective
        space:
          x: [1, 2, 3]
          y: [0, 1, 2]
        sampler: {sampler}
        n_trials: {n_trials}
        seed: 0
        max_retries: 1
        heartbeat_interval_s: 0.2
        grace_period_s: 1.0
        """,
    )


def _runner(
    tmp_path: Path, config: Path, url: str, *, meet: int = 1, hostname: str | None = None
) -> subprocess.Popen[str]:
    """``hypersense run CONFIG --storage URL``; with ``hostname``, in its own UTS
    namespace under that name: a runner on another machine to the study."""
    script = str(Path(sys.executable).with_name("hypersense"))
    command = [script, "run", str(config), "--storage", url]
    if hostname is not None:
        rename = (
            "import os, socket, sys; socket.sethostname(sys.argv[1]); "
            "os.execv(sys.argv[2], sys.argv[2:])"
        )
        command = ["unshare", "--uts", "--fork", sys.executable, "-c", rename, hostname, *command]
    environment = {**os.environ, "HS_TEST_LOGS": str(tmp_path / "logs"), "HS_TEST_MEET": str(meet)}
    return subprocess.Popen(
        command, cwd=tmp_path, env=environment, text=True, stdout=subprocess.PIPE
    )


def _numbers_are_unique(study: hs.Study) -> None:
    numbers = [t.number for t in study.trials]
    assert numbers == list(range(len(numbers)))


def test_two_runs_share_a_grid_each_point_once(postgres_url: str, tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir()
    config = _config(tmp_path, "grid", 9)
    runners = [_runner(tmp_path, config, postgres_url, meet=2) for _ in range(2)]
    for runner in runners:
        out, _ = runner.communicate(timeout=180)
        assert runner.returncode == 0, out
    evaluations = [p for p in (tmp_path / "logs").iterdir() if not p.name.startswith("started")]
    points = sorted(p.read_text() for p in evaluations)
    assert points == sorted(repr((x, y)) for x in (1, 2, 3) for y in (0, 1, 2))  # each once
    study = hs.load_study("shared", postgres_url)
    _numbers_are_unique(study)
    done = [t for t in study.trials if t.state is hs.TrialState.COMPLETE]
    assert len(done) == 9 and all(t.value == t.params["x"] * 10 + t.params["y"] for t in done)
    assert len({t.user_attrs["runner"] for t in done}) == 2  # both machines worked
    assert all(t.state is not hs.TrialState.RUNNING for t in study.trials)


def test_a_dead_machines_trial_is_failed_by_heartbeat_and_retried_by_a_live_one(
    postgres_url: str, tmp_path: Path
) -> None:
    (tmp_path / "logs").mkdir()
    config = _config(tmp_path, "random", 8)
    machine_a = _runner(tmp_path, config, postgres_url, hostname="machine-a")
    deadline = time.monotonic() + 60
    while not list((tmp_path / "logs").glob("machine-a-*")):
        assert time.monotonic() < deadline, "machine-a did not start its trial"
        time.sleep(0.05)
    machine_b = _runner(tmp_path, config, postgres_url)
    while not list((tmp_path / "logs").glob("started-*")):
        assert time.monotonic() < deadline, "the second machine did not start a trial"
        time.sleep(0.05)
    (pid_part,) = [p.name.split("-")[2] for p in (tmp_path / "logs").glob("machine-a-*")]
    os.kill(int(pid_part), signal.SIGKILL)  # machine-a dies mid-trial
    machine_a.communicate(timeout=30)
    out, _ = machine_b.communicate(timeout=180)
    assert machine_b.returncode == 0, out

    study = hs.load_study("shared", postgres_url)
    _numbers_are_unique(study)
    (dead,) = [t for t in study.trials if t.user_attrs.get("runner", "").startswith("machine-a")]
    assert dead.state is hs.TrialState.FAIL and "stale heartbeat" in (dead.fail_reason or "")
    (retry,) = [t for t in study.trials if t.system_attrs.get("retry_of") == dead.number]
    assert retry.state is hs.TrialState.COMPLETE and retry.params == dead.params
    assert not retry.user_attrs["runner"].startswith("machine-a")
    assert all(t.state is not hs.TrialState.RUNNING for t in study.trials)
    assert len([t for t in study.trials if t.state is hs.TrialState.COMPLETE]) == 8
