"""A PostgreSQL restart in the middle of a study costs no result and crashes no runner."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Connection

import hypersense as hs
from hypersense.samplers import RandomSampler
from hypersense.storage.sql.engine import SQLEngine
from tests.postgres_server import PostgresServer, running_postgres

pytestmark = pytest.mark.postgres

_RUNNER = """
import os, sys, time, hypersense as hs
from hypersense.samplers import RandomSampler
url, log_dir, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
study = hs.load_study("restart", url, sampler=RandomSampler(seed=seed))
def objective(trial):
    x = trial.suggest_float("x", -1, 1)
    for step in range(3):
        trial.report(x * x + step, step)
        time.sleep(0.02)
    # Written when the objective is done: a result the study must not lose.
    with open(os.path.join(log_dir, f"{os.getpid()}-{trial.number}"), "w") as f:
        f.write(repr(x))
    return x * x
study.optimize(objective, n_trials=int(sys.argv[4]))
"""


@pytest.fixture
def own_postgres() -> Iterator[PostgresServer]:
    """A server of this test's own, so that restarting it disturbs no other test."""
    with running_postgres() as server:
        yield server


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_runners_survive_restarts_and_every_result_is_stored(
    own_postgres: PostgresServer, tmp_path: Path, mode: str
) -> None:
    url = own_postgres.new_database()
    hs.create_study(study_name="restart", storage=url)
    logs = tmp_path / "results"
    logs.mkdir()
    runners = [
        subprocess.Popen(
            [sys.executable, "-c", _RUNNER, url, str(logs), str(seed), "40"],
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed in range(3)
    ]
    for _ in range(2):  # two restarts while the runners are busy
        deadline = time.monotonic() + 60
        before = len(list(logs.iterdir()))
        while len(list(logs.iterdir())) < before + 8:
            assert time.monotonic() < deadline, "the runners stopped making progress"
            time.sleep(0.05)
        own_postgres.restart(mode, down_s=1.0)
    errs = []
    for runner in runners:
        _, err = runner.communicate(timeout=300)
        assert runner.returncode == 0, err
        assert "Traceback" not in err
        errs.append(err)
    # The restarts were felt (and survived) by the runners, not dodged.
    assert sum("lost the connection to storage" in e for e in errs) >= 1
    assert all(e.count("lost the connection") == e.count("works again") for e in errs)
    study = hs.load_study("restart", url)
    done = {(int(p.name.split("-")[1])): float(p.read_text()) for p in logs.iterdir()}
    trials = study.trials
    assert len(trials) == 120
    assert [t.state for t in trials].count(hs.TrialState.RUNNING) == 0
    complete = {t.number: t.params["x"] for t in trials if t.state is hs.TrialState.COMPLETE}
    assert complete == done  # 0 results lost, none stored twice or invented
    assert len(complete) == 120


def test_an_in_process_study_goes_on_through_a_restart(own_postgres: PostgresServer) -> None:
    url = own_postgres.new_database()
    study = hs.create_study(storage=url, sampler=RandomSampler(seed=0))
    started = threading.Event()

    def objective(trial: hs.Trial) -> float:
        started.set()
        time.sleep(0.01)
        return trial.suggest_float("x", 0, 1)

    errors: list[BaseException] = []

    def run() -> None:
        try:
            study.optimize(objective, n_trials=150)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    assert started.wait(30)
    own_postgres.restart("immediate", down_s=2.0)
    worker.join(timeout=300)
    assert not worker.is_alive() and errors == []
    states = [t.state for t in hs.load_study(study.study_name, url).trials]
    assert states == [hs.TrialState.COMPLETE] * 150


def test_a_restart_during_the_very_first_transaction_is_ridden_out(
    own_postgres: PostgresServer,
) -> None:
    # A runner that reaches the server just as it restarts (the fault matrix met one while
    # `create_study` read the schema): it did connect, so this is a lost connection to
    # wait out, not a wrong URL to report at once.
    engine = SQLEngine(own_postgres.new_database())
    attempts: list[int] = []

    def first_transaction(conn: Connection) -> int:
        attempts.append(len(attempts))
        if len(attempts) == 1:
            own_postgres.restart("immediate", down_s=0.5)
        return int(conn.exec_driver_sql("SELECT 1").scalar_one())

    assert engine.run(first_transaction, write=False) == 1
    assert attempts == [0, 1]


def test_a_server_that_stays_down_gives_one_clear_error(own_postgres: PostgresServer) -> None:
    url = own_postgres.new_database()
    storage = hs.storage.SQLStorage(url, reconnect_timeout_s=2.0)
    study = hs.create_study(storage=storage)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    assert own_postgres.control is not None
    own_postgres.control(["stop", "-m", "fast"])
    try:
        with pytest.raises(hs.StorageError) as info:
            study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
        message = str(info.value)
        assert f"127.0.0.1:{own_postgres.port}" in message
        assert "could not be reached for 2 s" in message
    finally:
        own_postgres.control(["start"])
