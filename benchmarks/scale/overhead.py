"""The coordinator's CPU per trial on Dask: trivial trials through a
``DaskExecutor`` on a ``LocalCluster`` of one single-thread worker process,
beside bare Dask tasks (submit a function, fetch its result) on the same
cluster. The scheduler runs in this process, as a ``LocalCluster``'s does, so
its CPU is counted with the coordinator's."""

from __future__ import annotations

import statistics
import time
from typing import Any

import hypersense as hs
from benchmarks.core.objectives import trivial
from benchmarks.scale.cluster import local_dask_client


def _identity(x: int) -> int:
    return x


def _bare_tasks_ms(client: Any, n: int) -> tuple[float, float]:
    start, cpu_start = time.perf_counter(), time.process_time()
    for i in range(n):
        client.submit(_identity, i, pure=False).result()
    return (time.perf_counter() - start) * 1000 / n, (time.process_time() - cpu_start) * 1000 / n


def _trials_ms(client: Any, n: int) -> tuple[float, float]:
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    start, cpu_start = time.perf_counter(), time.process_time()
    study.optimize(trivial, n_trials=n, executor=hs.DaskExecutor(client))
    return (time.perf_counter() - start) * 1000 / n, (time.process_time() - cpu_start) * 1000 / n


def run(*, n_trials: int = 200, repeats: int = 3) -> dict[str, Any]:
    """Median wall and CPU milliseconds per trial and per bare task."""
    measured: dict[str, list[tuple[float, float]]] = {"bare Dask task": [], "hypersense trial": []}
    with local_dask_client(1) as client:
        _trials_ms(client, 20)  # warm-up: imports on the worker
        for _ in range(repeats):
            measured["bare Dask task"].append(_bare_tasks_ms(client, n_trials))
            measured["hypersense trial"].append(_trials_ms(client, n_trials))
    rows = [
        {
            "what": what,
            "n": n_trials,
            "wall_ms": statistics.median(w for w, _ in pairs),
            "coordinator_cpu_ms": statistics.median(c for _, c in pairs),
            "all": pairs,
        }
        for what, pairs in measured.items()
    ]
    for row in rows:
        print(row, flush=True)
    return {"rows": rows}
