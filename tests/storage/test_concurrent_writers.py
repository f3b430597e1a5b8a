"""Many processes writing one study at once: no lost, duplicated or skipped trial."""

from __future__ import annotations

import multiprocessing
import sqlite3
from contextlib import closing

import pytest

import hypersense as hs
from hypersense import StudyDirection
from hypersense.storage.sql import SQLStorage


def _quadratic(trial: hs.Trial) -> float:
    x = trial.suggest_float("x", -1, 1)
    trial.report(x, 0)
    trial.set_user_attr("pid", multiprocessing.current_process().pid)
    return x * x


def _run_worker(url: str, n_trials: int, seed: int) -> None:
    study = hs.load_study("shared", url, sampler=hs.samplers.RandomSampler(seed=seed))
    study.optimize(_quadratic, n_trials=n_trials)


def _run_concurrently(url: str, n_workers: int, n_trials: int) -> list[hs.FrozenTrial]:
    hs.create_study("shared", url)
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_run_worker, args=(url, n_trials, i)) for i in range(n_workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=300)
    assert [p.exitcode for p in procs] == [0] * n_workers
    return hs.load_study("shared", url).trials


def _check(trials: list[hs.FrozenTrial], expected: int, n_workers: int) -> None:
    assert [t.number for t in trials] == list(range(expected))  # unique and gap-free
    assert all(t.state is hs.TrialState.COMPLETE for t in trials)
    # x * x, as the objective computes it: x ** 2 differs in the last bit for some x.
    assert all(t.values == (t.params["x"] * t.params["x"],) for t in trials)
    assert all(t.intermediate_values == {0: t.params["x"]} for t in trials)
    assert len({t.user_attrs["pid"] for t in trials}) == n_workers


@pytest.mark.slow
def test_eight_processes_share_a_sqlite_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    trials = _run_concurrently(url, n_workers=8, n_trials=40)
    _check(trials, 320, 8)


@pytest.mark.slow
@pytest.mark.postgres
def test_eight_processes_share_a_postgres_database(postgres_url: str) -> None:
    trials = _run_concurrently(postgres_url, n_workers=8, n_trials=40)
    _check(trials, 320, 8)


def test_sqlite_file_uses_write_ahead_logging_once_it_holds_a_study(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "wal.db"
    storage = SQLStorage(f"sqlite:///{path}")
    assert not path.exists()  # opening creates nothing
    storage.create_study("s", (StudyDirection.MINIMIZE,))
    storage.close()
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
