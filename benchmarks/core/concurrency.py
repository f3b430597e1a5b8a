"""Several processes writing one study at once: throughput, lost and duplicated trials."""

from __future__ import annotations

import multiprocessing
import os
import tempfile
import time
import traceback
from collections.abc import Callable
from typing import Any

from benchmarks.core.objectives import trivial


def _hypersense_worker(url: str, n_trials: int, seed: int, errors: Any) -> None:
    try:
        import hypersense as hs

        study = hs.load_study("bench", url, sampler=hs.samplers.RandomSampler(seed=seed))
        study.optimize(trivial, n_trials=n_trials)
    except Exception:
        errors.put(traceback.format_exc(limit=1))


def _optuna_worker(url: str, n_trials: int, seed: int, errors: Any) -> None:
    try:
        import optuna

        optuna.logging.set_verbosity(optuna.logging.ERROR)
        study = optuna.load_study(
            study_name="bench", storage=url, sampler=optuna.samplers.RandomSampler(seed=seed)
        )
        study.optimize(trivial, n_trials=n_trials)
    except Exception:
        errors.put(traceback.format_exc(limit=1))


def _hypersense_result(url: str) -> tuple[list[int], int]:
    import hypersense as hs

    trials = hs.load_study("bench", url).trials
    return [t.number for t in trials], sum(t.state is hs.TrialState.COMPLETE for t in trials)


def _optuna_result(url: str) -> tuple[list[int], int]:
    import optuna

    trials = optuna.load_study(study_name="bench", storage=url).trials
    done = sum(t.state == optuna.trial.TrialState.COMPLETE for t in trials)
    return [t.number for t in trials], done


def time_spawned(target: Callable[..., Any], args_list: list[tuple[Any, ...]]) -> float:
    """Start one spawned process per argument tuple, all at once, and wait for every
    one; the wall seconds from the first start to the last end."""
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=target, args=args) for args in args_list]
    start = time.perf_counter()
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    return time.perf_counter() - start


def run_one(tool: str, url: str, n_workers: int, n_trials: int) -> dict[str, Any]:
    """Run ``n_workers`` processes of ``n_trials`` each on one study at ``url``."""
    if tool == "hypersense":
        import hypersense as hs

        hs.create_study("bench", url).storage.close()
        target, result = _hypersense_worker, _hypersense_result
    else:
        import optuna

        optuna.create_study(study_name="bench", storage=url)
        target, result = _optuna_worker, _optuna_result
    errors = multiprocessing.get_context("spawn").Queue()
    elapsed = time_spawned(target, [(url, n_trials, i, errors) for i in range(n_workers)])
    messages = []
    while not errors.empty():
        messages.append(errors.get().strip().splitlines()[-1])
    numbers, complete = result(url)
    expected = n_workers * n_trials
    return {
        "tool": tool,
        "workers": n_workers,
        "trials_each": n_trials,
        "expected": expected,
        "stored": len(numbers),
        "complete": complete,
        "lost": expected - complete,
        "duplicated_numbers": len(numbers) - len(set(numbers)),
        "gaps": (max(numbers) + 1 - len(set(numbers))) if numbers else 0,
        "failed_workers": len(messages),
        "errors": messages[:3],
        "wall_s": elapsed,
        "trials_per_s": complete / elapsed,
    }


def run(n_workers: int = 4, n_trials: int = 250) -> list[dict[str, Any]]:
    """SQLite and PostgreSQL, hypersense and Optuna."""
    from tests.postgres_server import running_postgres

    rows = []
    with tempfile.TemporaryDirectory(dir=os.getcwd()) as tmp:
        for tool in ("hypersense", "optuna"):
            url = f"sqlite:///{os.path.join(tmp, tool + '.db')}"
            rows.append({"backend": "sqlite", **run_one(tool, url, n_workers, n_trials)})
    with running_postgres() as server:
        for tool in ("hypersense", "optuna"):
            url = server.new_database()
            if tool == "optuna":
                url = url.replace("postgresql+psycopg://", "postgresql+psycopg://")
            rows.append({"backend": "postgresql", **run_one(tool, url, n_workers, n_trials)})
    return rows
