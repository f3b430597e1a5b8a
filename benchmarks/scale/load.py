"""Load on one study: many processes, or one coordinator with Dask workers.

Each setup runs ``trivial`` (one ``suggest_float``, no work) so that what is measured
is hypersense's own path: lost and duplicated trials, throughput, and the latency of
the coordinator's ``ask`` (start a trial: storage row, sampler, attributes) and
``tell`` (store its end).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import hypersense as hs
from benchmarks.core.concurrency import time_spawned
from benchmarks.core.objectives import trivial
from benchmarks.scale.cluster import local_dask_client
from benchmarks.scale.timing import percentiles_ms, time_ask_and_tell

STUDY = "scale-load"


def _process(url: str, n_trials: int, seed: int, out: str) -> None:
    """One of the processes sharing the study: optimize, then write its latencies."""
    try:
        study = hs.load_study(STUDY, url, sampler=hs.samplers.RandomSampler(seed=seed))
        seconds = time_ask_and_tell(study)
        study.optimize(trivial, n_trials=n_trials)
        study.close()
        Path(out).write_text(json.dumps(seconds))
    except Exception:
        Path(out).write_text(json.dumps({"error": traceback.format_exc(limit=2)}))


def _counts(url: str, expected: int) -> dict[str, Any]:
    trials = hs.load_study(STUDY, url).trials
    numbers = [t.number for t in trials]
    complete = sum(t.state is hs.TrialState.COMPLETE for t in trials)
    return {
        "expected": expected,
        "stored": len(trials),
        "complete": complete,
        "lost": expected - complete,
        "duplicated_numbers": len(numbers) - len(set(numbers)),
        "left_running": sum(t.state is hs.TrialState.RUNNING for t in trials),
    }


def _summary(
    setup: str, url: str, expected: int, wall_s: float, seconds: dict[str, list[float]]
) -> dict[str, Any]:
    counts = _counts(url, expected)
    return {
        "setup": setup,
        **counts,
        "wall_s": wall_s,
        "trials_per_s": counts["complete"] / wall_s,
        "ask": {"n": len(seconds["ask"]), **percentiles_ms(seconds["ask"])},
        "tell": {"n": len(seconds["tell"]), **percentiles_ms(seconds["tell"])},
    }


def run_processes(url: str, n_processes: int, n_trials: int, tmp: Path) -> dict[str, Any]:
    """``n_processes`` processes, each ``optimize(n_trials=...)`` on one study at ``url``."""
    hs.create_study(STUDY, url).close()
    outs = [str(tmp / f"latency-{i}.json") for i in range(n_processes)]
    wall_s = time_spawned(_process, [(url, n_trials, i, outs[i]) for i in range(n_processes)])
    seconds: dict[str, list[float]] = {"ask": [], "tell": []}
    errors = []
    for out in outs:
        got = json.loads(Path(out).read_text()) if os.path.exists(out) else {"error": "no output"}
        if "error" in got:
            errors.append(str(got["error"]).strip().splitlines()[-1])
            continue
        for key in seconds:
            seconds[key] += got[key]
    setup = f"{n_processes} processes x {n_trials}"
    return {**_summary(setup, url, n_processes * n_trials, wall_s, seconds), "errors": errors}


def run_dask(url: str, n_workers: int, n_trials: int) -> dict[str, Any]:
    """One coordinator, ``n_workers`` Dask worker processes (LocalCluster), ``n_workers *
    n_trials`` trials through the DaskExecutor."""
    study = hs.create_study(STUDY, url, sampler=hs.samplers.RandomSampler(seed=0))
    with local_dask_client(n_workers) as client:
        seconds = time_ask_and_tell(study)
        start = time.perf_counter()
        study.optimize(trivial, n_trials=n_workers * n_trials, executor=hs.DaskExecutor(client))
        wall_s = time.perf_counter() - start
    study.close()
    setup = f"{n_workers} Dask workers x {n_trials}"
    return {**_summary(setup, url, n_workers * n_trials, wall_s, seconds), "errors": []}


@contextmanager
def _storages(tmp: Path) -> Iterator[Callable[[str], str]]:
    """A factory of fresh study URLs: ``sqlite`` files in ``tmp``, ``postgresql``
    databases on a throw-away server (started on first use)."""
    from tests.postgres_server import running_postgres

    with running_postgres() as server:
        counter = iter(range(1_000_000))

        def fresh(backend: str) -> str:
            if backend == "sqlite":
                return f"sqlite:///{tmp / f'load-{next(counter)}.db'}"
            return server.new_database()

        yield fresh


def run_optuna(url: str, n_processes: int, n_trials: int) -> dict[str, Any]:
    """The peer: Optuna's RDB storage, same processes, same objective (its latency is
    not timed: its ask and tell are not this code's)."""
    from benchmarks.core.concurrency import run_one

    got = run_one("optuna", url, n_processes, n_trials)
    return {
        "setup": f"Optuna: {n_processes} processes x {n_trials}",
        **{k: got[k] for k in ("expected", "stored", "complete", "lost", "duplicated_numbers")},
        "left_running": None,
        "wall_s": got["wall_s"],
        "trials_per_s": got["trials_per_s"],
        "ask": percentiles_ms([]),
        "tell": percentiles_ms([]),
        "errors": got["errors"],
    }


def run(
    *, n_processes: int, n_dask_workers: int, n_trials: int, optuna: bool = True
) -> list[dict[str, Any]]:
    """Every setup on SQLite and on PostgreSQL (and Optuna's processes beside ours);
    ``n_processes=0`` or ``n_dask_workers=0`` leaves that setup out."""
    rows = []
    with tempfile.TemporaryDirectory(dir=os.getcwd()) as name, _storages(Path(name)) as fresh:
        tmp = Path(name)
        for backend in ("sqlite", "postgresql") if n_processes else ():
            row = run_processes(fresh(backend), n_processes, n_trials, tmp)
            rows.append({"backend": backend, **row})
            print(json.dumps(rows[-1]), flush=True)
            if optuna:
                rows.append(
                    {"backend": backend, **run_optuna(fresh(backend), n_processes, n_trials)}
                )
                print(json.dumps(rows[-1]), flush=True)
        for backend in ("sqlite", "postgresql") if n_dask_workers else ():
            rows.append({"backend": backend, **run_dask(fresh(backend), n_dask_workers, n_trials)})
            print(json.dumps(rows[-1]), flush=True)
    return rows
