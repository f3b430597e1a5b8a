"""Throughput of 1 and 2 workers on a CPU-bound pure-Python objective (~0.2 s per
trial): local worker processes (``ProcessExecutor``) and Dask worker processes
(``DaskExecutor`` on a ``LocalCluster``), repetitions interleaved (1, 2, 1, 2, ...)
so that a change of the machine's load hits both counts alike."""

from __future__ import annotations

import os
import statistics
import time
from dataclasses import dataclass
from typing import Any

import hypersense as hs
from benchmarks.core import objectives
from hypersense.execution import ProcessExecutor


@dataclass(frozen=True)
class CpuBound:
    """``objectives.cpu_bound`` with the loop count calibrated here, also in worker
    processes that start with the module's default (spawned Dask workers do)."""

    loops: int

    def __call__(self, trial: hs.Trial) -> float:
        objectives.CPU_LOOPS = self.loops
        return objectives.cpu_bound(trial)


def _rate(objective: CpuBound, executor: Any, n_trials: int) -> float:
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    start = time.perf_counter()
    study.optimize(objective, n_trials=n_trials, executor=executor)
    elapsed = time.perf_counter() - start
    complete = sum(t.state is hs.TrialState.COMPLETE for t in study.trials)
    if complete != n_trials:
        raise RuntimeError(f"{n_trials - complete} of {n_trials} trials did not complete")
    return n_trials / elapsed


def _local(objective: CpuBound, n_workers: int, n_trials: int) -> float:
    return _rate(objective, ProcessExecutor(n_workers), n_trials)


def _dask(objective: CpuBound, n_workers: int, n_trials: int) -> float:
    import distributed

    with (
        distributed.LocalCluster(
            n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster, set_as_default=False) as client,
    ):
        client.wait_for_workers(n_workers, timeout=120)
        return _rate(objective, hs.DaskExecutor(client), n_trials)


def run(*, n_trials: int = 40, repeats: int = 3) -> dict[str, Any]:
    """Median trials/s of 1 and 2 workers per executor, and the speed-up."""
    objective = CpuBound(objectives.calibrate(0.2))
    rows = []
    for name, measure in (("local processes", _local), ("Dask workers", _dask)):
        rates: dict[int, list[float]] = {1: [], 2: []}
        loads = [os.getloadavg()[0]]
        for _ in range(repeats):
            for n_workers in (1, 2):
                rates[n_workers].append(measure(objective, n_workers, n_trials))
                loads.append(os.getloadavg()[0])
        one, two = statistics.median(rates[1]), statistics.median(rates[2])
        rows.append(
            {
                "executor": name,
                "n_trials": n_trials,
                "trials_per_s_1": one,
                "trials_per_s_2": two,
                "speedup": two / one,
                "all_1": rates[1],
                "all_2": rates[2],
                "load_average_1min": loads,
            }
        )
        print(rows[-1], flush=True)
    return {"loops": objective.loops, "cpus": os.cpu_count(), "rows": rows}
