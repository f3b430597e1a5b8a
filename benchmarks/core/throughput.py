"""Trials per second for a trivial objective, sequential, in memory and on SQLite."""

from __future__ import annotations

import os
import tempfile
import time
from typing import Any

from benchmarks.core.objectives import trivial


def hypersense_rate(storage: str | None, n_trials: int) -> float:
    import hypersense as hs

    study = hs.create_study(storage=storage, sampler=hs.samplers.RandomSampler(seed=0))
    start = time.perf_counter()
    study.optimize(trivial, n_trials=n_trials)
    elapsed = time.perf_counter() - start
    assert len(study.trials) == n_trials
    study.storage.close()
    return n_trials / elapsed


def optuna_rate(storage: str | None, n_trials: int) -> float:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(storage=storage, sampler=optuna.samplers.RandomSampler(seed=0))
    start = time.perf_counter()
    study.optimize(trivial, n_trials=n_trials)
    elapsed = time.perf_counter() - start
    assert len(study.trials) == n_trials
    return n_trials / elapsed


def run(n_trials: int = 1000, repeats: int = 3) -> list[dict[str, Any]]:
    """Median trials/s over ``repeats`` runs, per tool and storage."""
    rows = []
    with tempfile.TemporaryDirectory(dir=os.getcwd()) as tmp:
        for backend in ("memory", "sqlite"):
            for tool, fn in (("hypersense", hypersense_rate), ("optuna", optuna_rate)):
                rates = []
                for r in range(repeats):
                    url = (
                        None
                        if backend == "memory"
                        else f"sqlite:///{os.path.join(tmp, f'{tool}-{r}.db')}"
                    )
                    rates.append(fn(url, n_trials))
                rates.sort()
                rows.append(
                    {
                        "backend": backend,
                        "tool": tool,
                        "n_trials": n_trials,
                        "trials_per_s": rates[len(rates) // 2],
                        "all": rates,
                    }
                )
    return rows
