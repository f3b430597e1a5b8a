"""Runs every method on every seed of every task, optionally in worker processes."""

from __future__ import annotations

import dataclasses
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context

from benchmarks.multifidelity.methods import METHODS
from benchmarks.multifidelity.problems import Problem, SyntheticCurves
from benchmarks.multifidelity.records import RunRecord

__all__ = ["SYNTHETIC", "TASK_NAMES", "problem", "run_all", "run_job"]

SYNTHETIC = "synthetic"
TASK_NAMES = (SYNTHETIC, "digits-mlp", "digits-cnn", "tabular")
#: Rough cost of an epoch, to start the longest jobs first.
_COST = {"digits-cnn": 4.0, "digits-mlp": 1.0, "tabular": 0.4, SYNTHETIC: 0.01}
_PROBLEMS: dict[tuple[str, int], Problem] = {}  # one per task and process


def problem(task: str, n_epochs: int) -> Problem:
    """The task's problem, built once per process (the real ones load data)."""
    key = (task, n_epochs)
    if key not in _PROBLEMS:
        if task == SYNTHETIC:
            _PROBLEMS[key] = SyntheticCurves(n_epochs)
        else:
            from benchmarks.multifidelity.real_tasks import TorchTaskProblem

            _PROBLEMS[key] = TorchTaskProblem(task, n_epochs)
    return _PROBLEMS[key]


def run_job(task: str, method: str, seed: int, n_configs: int, n_epochs: int) -> RunRecord:
    """One method on one seed of one task."""
    run = METHODS[method](problem(task, n_epochs), seed, n_configs)
    return dataclasses.replace(run, method=method)


def run_all(
    tasks: Sequence[str], seeds: int, n_configs: int, n_epochs: int, n_jobs: int
) -> dict[str, dict[str, list[RunRecord]]]:
    """Every method on every seed of every task, in ``n_jobs`` processes (1: here)."""
    jobs = [(t, m, s) for t in tasks for s in range(seeds) for m in METHODS]
    jobs.sort(key=lambda j: -_COST.get(j[0], 1.0))  # stable: the longest tasks start first
    done: dict[tuple[str, str, int], RunRecord] = {}
    start = time.perf_counter()

    def note(job: tuple[str, str, int], run: RunRecord) -> None:
        done[job] = run
        print(
            f"[{time.perf_counter() - start:7.0f} s] {len(done)}/{len(jobs)} {job[0]} seed "
            f"{job[2]} {job[1]}: {run.epochs} epochs, {run.wall_s:.1f} s",
            file=sys.stderr,
            flush=True,
        )

    if n_jobs == 1:
        for job in jobs:
            note(job, run_job(*job, n_configs, n_epochs))
    else:
        with ProcessPoolExecutor(n_jobs, mp_context=get_context("spawn")) as pool:
            futures = {pool.submit(run_job, *job, n_configs, n_epochs): job for job in jobs}
            for future in as_completed(futures):
                note(futures[future], future.result())
    return {t: {m: [done[(t, m, s)] for s in range(seeds)] for m in METHODS} for t in tasks}
