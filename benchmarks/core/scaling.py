"""Throughput of n_jobs=1 vs 2 on a CPU-bound pure-Python objective (~0.2 s per trial)."""

from __future__ import annotations

import time
from typing import Any

from benchmarks.core import objectives


def _hypersense(n_jobs: int, n_trials: int) -> float:
    import hypersense as hs

    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    start = time.perf_counter()
    study.optimize(objectives.cpu_bound, n_trials=n_trials, n_jobs=n_jobs)
    return n_trials / (time.perf_counter() - start)


def _optuna(n_jobs: int, n_trials: int) -> float:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    start = time.perf_counter()
    study.optimize(objectives.cpu_bound, n_trials=n_trials, n_jobs=n_jobs)
    return n_trials / (time.perf_counter() - start)


def run(n_trials: int = 30) -> list[dict[str, Any]]:
    """Trials/s at 1 and 2 jobs and their ratio, per tool."""
    loops = objectives.calibrate(0.2)
    rows = []
    for tool, fn in (("hypersense", _hypersense), ("optuna", _optuna)):
        one = fn(1, n_trials)
        two = fn(2, n_trials)
        rows.append(
            {
                "tool": tool,
                "n_trials": n_trials,
                "loops": loops,
                "trials_per_s_1": one,
                "trials_per_s_2": two,
                "speedup": two / one,
            }
        )
    return rows
