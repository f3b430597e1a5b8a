"""Throughput of 1 and 2 workers on a CPU-bound pure-Python objective (~0.2 s per
trial): local worker processes (``ProcessExecutor``) and Dask worker processes
(``DaskExecutor`` on a ``LocalCluster``), repetitions interleaved (1, 2, 1, 2, ...)
so that a change of the machine's load or speed hits both counts alike; the
speed-up is taken pair by pair (2 workers / the 1 worker measured just before).

The coordinator's CPU time per trial (this process; for Dask it includes the
``LocalCluster``'s scheduler, which runs here) is recorded: on a 2-core machine
it comes out of the two workers' cores."""

from __future__ import annotations

import os
import statistics
import time
from dataclasses import dataclass
from typing import Any

import hypersense as hs
from benchmarks.core import objectives
from benchmarks.scale.cluster import local_dask_client
from hypersense.execution import ProcessExecutor


@dataclass(frozen=True)
class CpuBound:
    """``objectives.cpu_bound`` with the loop count calibrated here, also in worker
    processes that start with the module's default (spawned Dask workers do)."""

    loops: int

    def __call__(self, trial: hs.Trial) -> float:
        objectives.CPU_LOOPS = self.loops
        return objectives.cpu_bound(trial)


def _rate(objective: CpuBound, executor: Any, n_trials: int) -> tuple[float, float]:
    """Trials/s of one study, and the coordinator's CPU seconds per trial."""
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    start, cpu_start = time.perf_counter(), time.process_time()
    study.optimize(objective, n_trials=n_trials, executor=executor)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    complete = sum(t.state is hs.TrialState.COMPLETE for t in study.trials)
    if complete != n_trials:
        raise RuntimeError(f"{n_trials - complete} of {n_trials} trials did not complete")
    return n_trials / elapsed, cpu / n_trials


def _local(objective: CpuBound, n_workers: int, n_trials: int) -> tuple[float, float]:
    return _rate(objective, ProcessExecutor(n_workers), n_trials)


def _dask(objective: CpuBound, n_workers: int, n_trials: int) -> tuple[float, float]:
    with local_dask_client(n_workers) as client:
        return _rate(objective, hs.DaskExecutor(client), n_trials)


def run(*, n_trials: int = 120, repeats: int = 5) -> dict[str, Any]:
    """Per executor: the median of the paired speed-ups (2 workers / 1), their range,
    the median trials/s of 1 and 2 workers, and the coordinator's CPU per trial."""
    objective = CpuBound(objectives.calibrate(0.2))
    rows = []
    for name, measure in (("local processes", _local), ("Dask workers", _dask)):
        rates: dict[int, list[float]] = {1: [], 2: []}
        cpu_ms: dict[int, list[float]] = {1: [], 2: []}
        loads = [os.getloadavg()[0]]
        for _ in range(repeats):
            for n_workers in (1, 2):
                rate, cpu_s = measure(objective, n_workers, n_trials)
                rates[n_workers].append(rate)
                cpu_ms[n_workers].append(cpu_s * 1000)
                loads.append(os.getloadavg()[0])
        speedups = [two / one for one, two in zip(rates[1], rates[2], strict=True)]
        rows.append(
            {
                "executor": name,
                "n_trials": n_trials,
                "trials_per_s_1": statistics.median(rates[1]),
                "trials_per_s_2": statistics.median(rates[2]),
                "speedup": statistics.median(speedups),
                "speedups": speedups,
                "coordinator_cpu_ms_per_trial_1": statistics.median(cpu_ms[1]),
                "coordinator_cpu_ms_per_trial_2": statistics.median(cpu_ms[2]),
                "all_1": rates[1],
                "all_2": rates[2],
                "load_average_1min": loads,
            }
        )
        print(rows[-1], flush=True)
    return {"loops": objective.loops, "cpus": os.cpu_count(), "rows": rows}


def _loop(loops: int) -> int:
    total = 0
    for i in range(loops):
        total += i % 7
    return total


def ceiling(*, n_tasks: int = 12, repeats: int = 8) -> dict[str, Any]:
    """The machine's own 2-process speed-up on the same loop, without hypersense: one
    process runs ``n_tasks // 2`` loops, then a pool of 2 spawned processes runs
    ``n_tasks`` (started before the clock), pair by pair."""
    import multiprocessing

    loops = objectives.calibrate(0.2)
    speedups = []
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        pool.map(_loop, [1000, 1000])  # the processes are up before the clock starts
        for _ in range(repeats):
            start = time.perf_counter()
            for _ in range(n_tasks // 2):
                _loop(loops)
            one = (n_tasks // 2) / (time.perf_counter() - start)
            start = time.perf_counter()
            pool.map(_loop, [loops] * n_tasks, chunksize=1)
            two = n_tasks / (time.perf_counter() - start)
            speedups.append(two / one)
    print({"speedups": speedups}, flush=True)
    return {"loops": loops, "speedup": statistics.median(speedups), "speedups": speedups}
