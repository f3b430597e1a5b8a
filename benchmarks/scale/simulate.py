"""Many workers on a virtual clock, driving the real coordinator.

No cluster runs: ``n_workers`` simulated workers draw trial durations from a
lognormal distribution, and one coordinator serves them in event order, as the
``optimize`` loop does, through the real path: ``study.ask()`` (storage row, sampler,
the study's bookkeeping), three ``suggest_*`` calls, and ``study.tell()``, against
in-memory or SQLite storage, with ``n_workers`` trials RUNNING at once.

The coordinator is one thread, so it is a single server: the CPU time its
bookkeeping of a trial really took (``time.process_time``: this
process, every thread, so numpy's threads count too) is charged to the virtual
clock, and a worker whose trial ended waits while the coordinator is busy with
others. Two numbers come out: the coordinator's capacity (trials per second of
bookkeeping it can serve, 1 / mean CPU time per trial) and the workers' simulated
utilisation (time spent running trials over the time they could have, up to the
moment the last trial started).
"""

from __future__ import annotations

import heapq
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

import hypersense as hs

#: Trial durations: lognormal with this median (seconds) and sigma (of the log).
PROFILES = {
    "training (median 60 s)": (60.0, 1.0),
    "short (median 1 s)": (1.0, 1.0),
}


def _sampler(name: str) -> hs.samplers.Sampler:
    if name == "random":
        return hs.samplers.RandomSampler(seed=0)
    return hs.samplers.TPESampler(seed=0)


@dataclass
class Coordinator:
    """The study's bookkeeping of one trial, timed (CPU and wall)."""

    study: hs.Study
    cpu_s: list[float]
    wall_s: list[float]

    def start(self) -> hs.Trial:
        cpu, wall = time.process_time(), time.perf_counter()
        trial = self.study.ask()
        trial.suggest_float("lr", 1e-5, 1e-1, log=True)
        trial.suggest_int("layers", 1, 8)
        trial.suggest_float("dropout", 0.0, 0.5)
        self._charge(cpu, wall)
        return trial

    def finish(self, trial: hs.Trial, value: float) -> float:
        """Tell ``value``; the CPU seconds it took."""
        cpu, wall = time.process_time(), time.perf_counter()
        self.study.tell(trial, value)
        return self._charge(cpu, wall)

    def _charge(self, cpu: float, wall: float) -> float:
        spent = time.process_time() - cpu
        self.cpu_s.append(spent)
        self.wall_s.append(time.perf_counter() - wall)
        return spent


def simulate(
    study: hs.Study, n_workers: int, n_trials: int, profile: tuple[float, float], seed: int = 0
) -> dict[str, Any]:
    """Run ``n_trials`` trials on ``n_workers`` simulated workers (see the module doc)."""
    rng = np.random.default_rng(seed)
    median_s, sigma = profile
    coordinator = Coordinator(study, [], [])
    per_trial_cpu: list[float] = []
    intervals: list[tuple[float, float]] = []  # (begin, end) of every trial, virtual s
    running: list[tuple[float, int, hs.Trial, float]] = []  # (end, worker, trial, ask cost)

    def start(worker: int, now: float) -> float:
        before = time.process_time()
        trial = coordinator.start()
        cost = time.process_time() - before
        begin = now + cost
        end = begin + float(median_s * np.exp(sigma * rng.standard_normal()))
        heapq.heappush(running, (end, worker, trial, cost))
        intervals.append((begin, end))
        return begin

    free_at = 0.0  # virtual time when the coordinator is free again
    for worker in range(n_workers):  # every worker asks at time 0, served in turn
        free_at = start(worker, free_at)
    while running:
        end, worker, trial, ask_cost = heapq.heappop(running)
        now = max(end, free_at) + coordinator.finish(trial, float(rng.random()))
        per_trial_cpu.append(ask_cost + coordinator.cpu_s[-1])
        free_at = start(worker, now) if len(intervals) < n_trials else now
    # Up to the last start: past it, idle workers are the run's tail, not the coordinator.
    horizon = max(b for b, _ in intervals)
    busy_s = sum(min(e, horizon) - b for b, e in intervals)
    cpu = np.asarray(per_trial_cpu)
    return {
        "workers": n_workers,
        "trials": len(per_trial_cpu),
        "median_trial_s": median_s,
        "sigma": sigma,
        "cpu_ms_mean": 1000 * float(cpu.mean()),
        "cpu_ms_p50": 1000 * float(np.percentile(cpu, 50)),
        "cpu_ms_p99": 1000 * float(np.percentile(cpu, 99)),
        "wall_ms_mean": 1000 * float(np.sum(coordinator.wall_s)) / len(per_trial_cpu),
        "capacity_trials_per_s": 1.0 / float(cpu.mean()),
        "demand_trials_per_s": n_workers / (median_s * float(np.exp(sigma**2 / 2))),
        "utilisation": busy_s / (n_workers * horizon),
        "virtual_s": horizon,
    }


def run(*, n_trials: int, tpe_trials: int, workers: list[int]) -> dict[str, Any]:
    """Every storage x sampler x worker count x duration profile (TPE, whose cost
    grows with the history, on fewer trials)."""
    rows = []
    with tempfile.TemporaryDirectory(dir=os.getcwd()) as tmp:
        for storage in ("memory", "sqlite"):
            for sampler in ("random", "tpe"):
                for n_workers in workers:
                    for profile_name, profile in PROFILES.items():
                        url = (
                            None
                            if storage == "memory"
                            else f"sqlite:///{Path(tmp) / f'{len(rows)}.db'}"
                        )
                        study = hs.create_study(storage=url, sampler=_sampler(sampler))
                        wall = time.perf_counter()
                        trials = n_trials if sampler == "random" else tpe_trials
                        row = simulate(study, n_workers, trials, profile)
                        study.close()
                        rows.append(
                            {
                                "storage": storage,
                                "sampler": sampler,
                                "profile": profile_name,
                                **row,
                                "real_s": time.perf_counter() - wall,
                            }
                        )
                        print(rows[-1], flush=True)
    return {"profiles": {k: list(v) for k, v in PROFILES.items()}, "rows": rows}
