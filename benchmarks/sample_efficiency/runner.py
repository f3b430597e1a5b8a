"""Running every (method, problem, seed) that the results file does not hold yet.

Runs are independent, so they go to a pool of ``jobs`` processes (spawned, so
no worker inherits a half-initialised torch or BLAS from the parent). The
parent alone writes the results file, once per finished run. Ctrl-C and
SIGTERM terminate the workers at once (scikit-learn's MLP swallows
KeyboardInterrupt and would otherwise train on) and keep every run finished so
far. Each worker is single-threaded (BLAS/OpenMP limited to one thread) so ``jobs`` is the number
of cores used, and timings are comparable between methods.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from benchmarks.problems.registry import make_problem
from benchmarks.sample_efficiency.methods import METHODS
from benchmarks.sample_efficiency.recording import EvaluationLog, RunRecord, run_key
from benchmarks.sample_efficiency.results import ResultsStore, describe_environment
from hypersense.study._termination import SigtermGuard

__all__ = ["RunOutcome", "RunTask", "limit_threads", "plan_tasks", "run_benchmark", "run_one"]

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


@dataclass(frozen=True)
class RunOutcome:
    """What a worker sends back: the record, or the traceback of the failure."""

    task: RunTask
    record: RunRecord | None
    error: str | None


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


def _run_safely(task: RunTask) -> RunOutcome:
    """:func:`run_one` in a worker, with any exception returned as its traceback."""
    try:
        return RunOutcome(task, run_one(task), None)
    except Exception:
        return RunOutcome(task, None, traceback.format_exc())


def _store_outcome(store: ResultsStore, outcome: RunOutcome, say: Callable[[str], None]) -> None:
    key = outcome.task.key
    if outcome.record is not None:
        record = outcome.record
        store.add_run(record)
        say(
            f"done  {key}: best {min(record.values):.6g}, "
            f"{record.wall_time_s:.1f} s (tool {sum(record.tool_time_s):.1f} s)"
        )
    else:
        store.errors[key] = outcome.error or "unknown error"
        say(f"FAIL  {key}: {store.errors[key].strip().splitlines()[-1]}")
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
    pool = multiprocessing.get_context("spawn").Pool(processes=jobs)
    try:
        with SigtermGuard():  # SIGTERM: Terminated, raised here; the pool stops its workers
            for outcome in pool.imap_unordered(_run_safely, tasks):
                _store_outcome(store, outcome, say)
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
