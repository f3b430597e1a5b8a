"""The conformance suite of executors: what every :class:`~hypersense.execution.Executor` keeps.

``factory(n_workers)`` must build a fresh executor; options say how many
workers to ask for and whether trials run in other processes::

    from hypersense.testing import check_executor
    check_executor(lambda n: MyExecutor(n), n_workers=2, in_processes=True)

The checks drive the executor as ``optimize`` does: outcomes of every kind of
trial end (a value, pruned, an exception, NaN, an overflowing value,
``sys.exit``), calls served through ``serve`` in the caller's thread,
``n_workers`` trials at once; and, for executors that run trials in other
processes, a killed worker's trial resolves to a lost FAIL and the worker is
replaced, ``shutdown`` leaves no worker process alive, and
``shutdown(cancel=True)`` cancels running trials.

The objectives (:mod:`.executor_objectives`) are module-level functions, so
executors that pickle them (spawn, forkserver, a cluster) can run them.
"""

from __future__ import annotations

import functools
import os
import signal
import tempfile
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import hypersense as hs
from hypersense.execution.base import Executor
from hypersense.execution.outcome import TrialOutcome, TrialTask
from hypersense.study.owner import is_process_alive
from hypersense.testing.base import Check, CheckReport, CheckSkipped, expect, run_checks
from hypersense.testing.executor_objectives import (
    RecordingBackend,
    calls_sys_exit,
    held,
    meets_the_others,
    pruned_at_first_step,
    quadratic,
    raises_value_error,
    returns_huge_int,
    returns_nan,
    wait_until,
)
from hypersense.trial.state import TrialState

__all__ = [
    "EXECUTOR_CHECKS",
    "ExecutorFactory",
    "RecordingBackend",
    "check_calls_are_served",
    "check_cancel",
    "check_executor",
    "check_killed_worker",
    "check_n_workers",
    "check_outcomes",
    "check_shutdown",
    "is_process_alive",
    "wait_until",
]

#: Builds a fresh executor for ``n_workers`` workers.
ExecutorFactory = Callable[[int], Executor]


# ------------------------------------------------------------------ the contract
def _task(number: int, **fields: Any) -> TrialTask:
    return TrialTask(number=number, seed=number, n_objectives=1, **fields)


# ------------------------------------------------------------------ helpers
def _run(
    executor: Executor,
    jobs: Sequence[tuple[Callable[[hs.Trial], Any], TrialTask]],
    backend: RecordingBackend,
) -> list[TrialOutcome]:
    """Run ``jobs`` as ``optimize`` does (at most ``n_workers`` at once)."""
    executor.prepare(jobs[0][0])
    waiting = list(jobs)
    futures: list[Future[TrialOutcome]] = []

    def progress() -> bool:
        while waiting and sum(not f.done() for f in futures) < executor.n_workers:
            futures.append(executor.submit(*waiting.pop(0), backend))
        executor.serve(0.05)
        return not waiting and all(f.done() for f in futures)

    wait_until(progress, "the end of every trial")
    return [f.result() for f in futures]


def _serve_until(executor: Executor, condition: Callable[[], bool], what: str) -> None:
    def served() -> bool:
        executor.serve(0.05)
        return condition()

    wait_until(served, what)


def _start_held(
    executor: Executor, n_workers: int, directory: Path, backend: RecordingBackend
) -> list[Future[TrialOutcome]]:
    """Start ``n_workers`` trials that run until released; return once all run."""
    objective = functools.partial(held, str(directory))
    executor.prepare(objective)
    futures = [executor.submit(objective, _task(i), backend) for i in range(n_workers)]
    _serve_until(executor, lambda: len(backend.attrs) == n_workers, "the start of every trial")
    return futures


def _needs_processes(in_processes: bool, what: str) -> None:
    if not in_processes:
        raise CheckSkipped(f"trials run in this process (in_processes=False): {what}")


# ------------------------------------------------------------------ the checks
def check_outcomes(
    factory: ExecutorFactory, *, n_workers: int = 2, in_processes: bool = True
) -> None:
    """Each way a trial ends resolves to the right TrialOutcome."""
    executor = factory(n_workers)
    try:
        jobs = [
            (quadratic, _task(0)),
            (pruned_at_first_step, _task(1)),
            (raises_value_error, _task(2)),
            (raises_value_error, _task(3, catch=(ValueError,))),
            (returns_nan, _task(4)),
            (returns_huge_int, _task(5)),
            (calls_sys_exit, _task(6)),
        ]
        done, pruned, failed, caught, nan, huge, exited = _run(
            executor, jobs, RecordingBackend(prune=[1])
        )
    finally:
        executor.shutdown()
    numbers = [o.number for o in (done, pruned, failed, caught, nan, huge, exited)]
    expect(numbers == list(range(7)), f"outcomes carry their trial numbers (got {numbers})")
    expect(done.state is TrialState.COMPLETE and done.values == (0.25,), f"COMPLETE: {done}")
    expect(done.fail_reason is None and done.error is None and not done.lost, "a clean end")
    expect(done.worker is not None and done.environment is not None, "worker and environment")
    expect(
        done.started_at is not None
        and done.finished_at is not None
        and done.started_at <= done.finished_at,
        "start and end times",
    )
    expect(pruned.state is TrialState.PRUNED and pruned.values is None, f"PRUNED: {pruned}")
    expect(
        failed.state is TrialState.FAIL and failed.fail_reason == "ValueError: boom",
        f"an exception fails the trial with its text: {failed}",
    )
    expect(isinstance(failed.error, ValueError) and not failed.caught, "the error, not caught")
    expect("raise ValueError" in (failed.traceback or ""), "the traceback is kept")
    expect(caught.state is TrialState.FAIL and caught.caught, "an exception in `catch`")
    expect(
        nan.state is TrialState.FAIL and "non-finite value (nan)" in (nan.fail_reason or ""),
        f"NaN fails the trial: {nan}",
    )
    expect(
        huge.state is TrialState.FAIL
        and not huge.lost
        and "cannot be converted to a float: OverflowError" in (huge.fail_reason or ""),
        f"10**400 fails the trial, its worker lives: {huge}",
    )
    expect(
        exited.state is TrialState.FAIL
        and not exited.lost
        and exited.fail_reason == "SystemExit: the objective called sys.exit(3)",
        f"sys.exit fails the trial, its worker lives: {exited}",
    )
    expect(
        isinstance(exited.error, SystemExit) and exited.error.code == 3 and not exited.caught,
        "the SystemExit is handed back to be re-raised",
    )


def check_calls_are_served(
    factory: ExecutorFactory, *, n_workers: int = 2, in_processes: bool = True
) -> None:
    """suggest/report/should_prune/set_user_attr reach the backend in the thread that
    calls ``serve``, in the objective's order."""
    executor = factory(n_workers)
    backend = RecordingBackend()
    try:
        done, pruned = _run(
            executor, [(quadratic, _task(0)), (pruned_at_first_step, _task(1))], backend
        )
    finally:
        executor.shutdown()
    expect(
        done.state is TrialState.COMPLETE and pruned.state is TrialState.COMPLETE,
        "both trials complete",
    )
    pid = backend.attrs[0]["pid"]
    expect((pid != os.getpid()) is in_processes, f"the objective ran in pid {pid}")
    expect(
        [c for c in backend.calls if c[1] == 0]
        == [
            ("suggest", 0, "x"),
            ("report", 0, 0, 0.5),
            ("report", 0, 1, 1.0),
            ("set_user_attr", 0, "pid", pid),
        ],
        f"trial 0's calls in order (got {backend.calls})",
    )
    expect(
        [c for c in backend.calls if c[1] == 1] == [("report", 1, 0, 1.0), ("should_prune", 1)],
        "trial 1's calls in order",
    )
    expect(backend.threads == {threading.get_ident()}, "served in the thread calling serve")


def check_n_workers(
    factory: ExecutorFactory, *, n_workers: int = 2, in_processes: bool = True
) -> None:
    """``n_workers`` trials run at the same time, each in its own worker."""
    executor = factory(n_workers)
    expect(executor.n_workers == n_workers, f"n_workers is {executor.n_workers}")
    backend = RecordingBackend()
    with tempfile.TemporaryDirectory() as directory:
        objective = functools.partial(meets_the_others, directory, n_workers)
        try:
            outcomes = _run(executor, [(objective, _task(i)) for i in range(n_workers)], backend)
        finally:
            executor.shutdown()
    expect([o.state for o in outcomes] == [TrialState.COMPLETE] * n_workers, "all complete")
    pids = {attrs["pid"] for attrs in backend.attrs.values()}
    expect(len(pids) == (n_workers if in_processes else 1), f"one process per worker ({pids})")


def check_killed_worker(
    factory: ExecutorFactory, *, n_workers: int = 2, in_processes: bool = True
) -> None:
    """A worker killed mid-trial resolves its trial to a lost FAIL and is replaced."""
    _needs_processes(in_processes, "no worker to kill")
    executor = factory(n_workers)
    backend = RecordingBackend()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        try:
            futures = _start_held(executor, n_workers, directory, backend)
            victim = backend.attrs[0]["pid"]
            os.kill(victim, signal.SIGKILL)
            _serve_until(executor, futures[0].done, "the killed trial's end")
            lost = futures[0].result()
            expect(
                lost.state is TrialState.FAIL and lost.lost and lost.number == 0,
                f"a lost FAIL: {lost}",
            )
            expect("died" in (lost.fail_reason or ""), "its reason says the worker died")
            (directory / "release").touch()
            _serve_until(executor, lambda: all(f.done() for f in futures), "the others' end")
            states = [f.result().state for f in futures[1:]]
            expect(states == [TrialState.COMPLETE] * (n_workers - 1), "the others complete")
            (directory / "again").mkdir()
            objective = functools.partial(meets_the_others, str(directory / "again"), n_workers)
            again = [(objective, _task(10 + i)) for i in range(n_workers)]
            outcomes = _run(executor, again, backend)
        finally:
            executor.shutdown()
    expect([o.state for o in outcomes] == [TrialState.COMPLETE] * n_workers, "the next ones run")
    pids = {backend.attrs[10 + i]["pid"] for i in range(n_workers)}
    expect(len(pids) == n_workers and victim not in pids, "the killed worker was replaced")


def check_shutdown(
    factory: ExecutorFactory, *, n_workers: int = 2, in_processes: bool = True
) -> None:
    """``shutdown()`` leaves no worker process alive."""
    _needs_processes(in_processes, "no worker process to end")
    executor = factory(n_workers)
    backend = RecordingBackend()
    with tempfile.TemporaryDirectory() as directory:
        objective = functools.partial(meets_the_others, directory, n_workers)
        try:
            _run(executor, [(objective, _task(i)) for i in range(n_workers)], backend)
        finally:
            executor.shutdown()
    pids = [attrs["pid"] for attrs in backend.attrs.values()]
    expect(len(set(pids)) == n_workers, f"{n_workers} workers ran ({pids})")
    wait_until(lambda: not any(map(is_process_alive, pids)), "the end of every worker", 10)


def check_cancel(
    factory: ExecutorFactory, *, n_workers: int = 2, in_processes: bool = True
) -> None:
    """``shutdown(cancel=True)`` kills running trials and cancels their futures."""
    _needs_processes(in_processes, "a running trial cannot be cancelled from its own thread")
    executor = factory(n_workers)
    backend = RecordingBackend()
    with tempfile.TemporaryDirectory() as directory:
        try:
            futures = _start_held(executor, n_workers, Path(directory), backend)
        finally:
            executor.shutdown(cancel=True)
    expect(all(f.cancelled() for f in futures), "every running trial's future is cancelled")
    pids = [attrs["pid"] for attrs in backend.attrs.values()]
    wait_until(lambda: not any(map(is_process_alive, pids)), "the end of every worker", 10)


EXECUTOR_CHECKS: tuple[Check[ExecutorFactory], ...] = tuple(
    Check(f)
    for f in (
        check_outcomes,
        check_calls_are_served,
        check_n_workers,
        check_killed_worker,
        check_shutdown,
        check_cancel,
    )
)


def check_executor(
    factory: ExecutorFactory, *, n_workers: int = 2, in_processes: bool = True
) -> CheckReport:
    """Run every executor check; AssertionError naming each failed check."""
    probe = factory(n_workers)
    subject = type(probe).__name__
    probe.shutdown()
    return run_checks(
        EXECUTOR_CHECKS,
        factory,
        subject=subject,
        n_workers=n_workers,
        in_processes=in_processes,
    )
