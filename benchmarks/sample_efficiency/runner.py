"""Running every (method, problem, seed) that the results file does not hold yet.

Runs are independent, so they go to a pool of ``jobs`` processes (spawned, so
no worker inherits a half-initialised torch or BLAS from the parent). The
parent alone writes the results file, once per finished run. Each worker is
single-threaded (BLAS/OpenMP limited to one thread) so ``jobs`` is the number
of cores used, and timings are comparable between methods.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass

from benchmarks.problems.registry import make_problem
from benchmarks.sample_efficiency.methods import METHODS
from benchmarks.sample_efficiency.recording import EvaluationLog, RunRecord, run_key
from benchmarks.sample_efficiency.results import ResultsStore, describe_environment

__all__ = ["RunTask", "limit_threads", "plan_tasks", "run_benchmark", "run_one"]

_log = logging.getLogger(__name__)
_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass(frozen=True)
class RunTask:
    """One optimisation to run."""

    method: str
    problem: str
    seed: int
    budget: int

    @property
    def key(self) -> str:
        """The results-file key of this run."""
        return run_key(self.method, self.problem, self.seed)


def limit_threads() -> None:
    """Make BLAS/OpenMP (and torch, which reads the same variables) single-threaded."""
    for variable in _THREAD_VARIABLES:
        os.environ[variable] = "1"


def run_one(task: RunTask) -> RunRecord:
    """Run one optimisation of ``task.budget`` evaluations and return its record."""
    method = METHODS[task.method]
    problem = make_problem(task.problem)
    record = RunRecord(
        method=task.method,
        problem=task.problem,
        group=problem.group,
        seed=task.seed,
        optimum=problem.optimum,
        tool_version=method.tool_version(),
    )
    log = EvaluationLog(problem, record)
    start = time.perf_counter()
    method.run(problem, log, task.seed, task.budget)
    record.wall_time_s = time.perf_counter() - start
    if record.budget != task.budget:
        raise RuntimeError(
            f"{task.method} made {record.budget} evaluations on {task.problem}, not {task.budget}"
        )
    return record


def plan_tasks(
    store: ResultsStore,
    methods: Sequence[str],
    problems: Sequence[str],
    seeds: Sequence[int],
    budget: int,
    *,
    overwrite: bool = False,
) -> list[RunTask]:
    """The runs still to do, seed-major so a partial benchmark has whole seeds.

    A stored run is reused when it made at least ``budget`` evaluations (the
    report reads its first ``budget``), unless ``overwrite``.
    """
    tasks = []
    for seed in seeds:
        for problem in problems:
            for method in methods:
                stored = store.runs.get(run_key(method, problem, seed))
                if stored is not None and stored.budget >= budget and not overwrite:
                    continue
                tasks.append(RunTask(method, problem, seed, budget))
    return tasks


def _record_outcome(
    store: ResultsStore, task: RunTask, future: Future[RunRecord], say: Callable[[str], None]
) -> None:
    exc = future.exception()
    if exc is None:
        record = future.result()
        store.add_run(record)
        say(
            f"done  {task.key}: best {min(record.values):.6g}, "
            f"{record.wall_time_s:.1f} s (tool {sum(record.tool_time_s):.1f} s)"
        )
    else:
        store.errors[task.key] = "".join(traceback.format_exception(exc))
        say(f"FAIL  {task.key}: {type(exc).__name__}: {exc}")
    store.save()


def run_benchmark(
    store: ResultsStore,
    methods: Sequence[str],
    problems: Sequence[str],
    seeds: Sequence[int],
    budget: int,
    *,
    jobs: int = 1,
    overwrite: bool = False,
    say: Callable[[str], None] = _log.info,
) -> None:
    """Run what is missing from ``store`` and save after each run.

    Methods that cannot run here are recorded in ``store.skipped`` with the
    reason and left out; the others run over every problem and seed.
    """
    if jobs < 1:
        raise ValueError(f"`jobs` must be >= 1 (got {jobs!r})")
    if budget < 1:
        raise ValueError(f"`budget` must be >= 1 (got {budget!r})")
    runnable = []
    for name in methods:
        reason = METHODS[name].unavailable_reason()
        if reason is None:
            runnable.append(name)
            store.skipped.pop(name, None)
        else:
            store.skipped[name] = reason
            say(f"SKIP  {name}: {reason}")
    store.environment = describe_environment()
    store.save()
    tasks = plan_tasks(store, runnable, problems, seeds, budget, overwrite=overwrite)
    say(
        f"{len(tasks)} runs to do ({len(runnable)} methods, {len(problems)} problems, "
        f"{len(seeds)} seeds, budget {budget}), {jobs} process(es)"
    )
    limit_threads()
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = {pool.submit(run_one, task): task for task in tasks}
        try:
            for future in as_completed(futures):
                _record_outcome(store, futures[future], future, say)
        except KeyboardInterrupt:
            for future in futures:
                future.cancel()
            raise
