"""The contract of :class:`hypersense.execution.Executor`, as reusable checks.

``ExecutorContract(make)`` checks executors that ``make(n_workers)`` builds:
outcomes of every kind of trial end, calls served through ``serve`` in the
caller's thread, ``n_workers`` trials at once; and, for executors that run
trials in other processes, a killed worker's trial resolves to a lost FAIL and
the worker is replaced, and ``shutdown`` leaves no worker process alive.

The objectives are module-level functions, so executors that pickle them
(spawn, forkserver, a cluster) can run them. Nothing here depends on pytest.
"""

from __future__ import annotations

import functools
import math
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import hypersense as hs
from hypersense.execution import Executor, TrialOutcome, TrialTask
from hypersense.space import Distribution, FloatDistribution
from hypersense.trial import TrialState

__all__ = ["ExecutorContract", "RecordingBackend", "is_process_alive", "wait_until"]

#: A guard against hung checks, not a measurement.
BOUND_S = 60.0


def wait_until(condition: Callable[[], bool], what: str, timeout_s: float = BOUND_S) -> None:
    """Poll ``condition`` until it holds; fail with ``what`` after ``timeout_s``."""
    give_up = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > give_up:
            raise AssertionError(f"{what} did not happen within {timeout_s} s")
        time.sleep(0.02)


def is_process_alive(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: ask the kernel (a zombie then counts as alive)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


class RecordingBackend:
    """A TrialBackend that records every call with the thread that served it.

    ``suggest`` answers the middle of a float range; ``should_prune`` says yes
    for the trial numbers in ``prune``.
    """

    def __init__(self, *, prune: Sequence[int] = ()) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.threads: set[int] = set()
        self.attrs: dict[int, dict[str, Any]] = {}
        self._prune = set(prune)

    def _record(self, *call: Any) -> None:
        self.calls.append(call)
        self.threads.add(threading.get_ident())

    def suggest(self, number: int, name: str, distribution: Distribution) -> Any:
        self._record("suggest", number, name)
        assert isinstance(distribution, FloatDistribution)
        return (distribution.low + distribution.high) / 2

    def report(self, number: int, step: int, value: float) -> None:
        self._record("report", number, step, value)

    def should_prune(self, number: int) -> bool:
        self._record("should_prune", number)
        return number in self._prune

    def set_user_attr(self, number: int, key: str, value: Any) -> None:
        self._record("set_user_attr", number, key, value)
        self.attrs.setdefault(number, {})[key] = value


# ------------------------------------------------------------------ objectives
def quadratic(trial: hs.Trial) -> float:
    x = trial.suggest_float("x", 0.0, 1.0)
    trial.report(x, 0)
    trial.report(2 * x, 1)
    trial.set_user_attr("pid", os.getpid())
    return x * x


def pruned_at_first_step(trial: hs.Trial) -> float:
    trial.report(1.0, 0)
    if trial.should_prune():
        raise hs.TrialPruned
    return 1.0


def raises_value_error(trial: hs.Trial) -> float:
    raise ValueError("boom")


def returns_nan(trial: hs.Trial) -> float:
    return math.nan


def returns_huge_int(trial: hs.Trial) -> int:
    return 10**400


def calls_sys_exit(trial: hs.Trial) -> float:
    sys.exit(3)


def meets_the_others(directory: str, n: int, trial: hs.Trial) -> float:
    """Tell the caller our pid, then wait until ``n`` trials run at once."""
    trial.set_user_attr("pid", os.getpid())
    (Path(directory) / f"started-{trial.number}").touch()
    wait_until(lambda: len(list(Path(directory).glob("started-*"))) >= n, f"{n} trials at once")
    return float(trial.number)


def held(directory: str, trial: hs.Trial) -> float:
    """Tell the caller our pid, then run until ``directory/release`` exists."""
    trial.set_user_attr("pid", os.getpid())
    wait_until((Path(directory) / "release").exists, "the release")
    return float(trial.number)


# ------------------------------------------------------------------ the contract
def _task(number: int, **fields: Any) -> TrialTask:
    return TrialTask(number=number, seed=number, n_objectives=1, **fields)


class ExecutorContract:
    """Checks that executors built by ``make(n_workers)`` keep the Executor contract.

    Args:
        make: Builds a fresh executor for ``n_workers`` workers.
        n_workers: How many workers to ask for (1 for an in-thread executor).
        in_processes: Whether trials run in other processes; enables the
            checks about killed workers and leftover processes.
    """

    def __init__(
        self, make: Callable[[int], Executor], *, n_workers: int = 2, in_processes: bool = True
    ) -> None:
        self.make = make
        self.n_workers = n_workers
        self.in_processes = in_processes

    def checks(self) -> list[Callable[[Path], None]]:
        """Every check that applies to this executor (each takes a scratch directory)."""
        common = [self.check_outcomes, self.check_calls_are_served, self.check_n_workers]
        if not self.in_processes:
            return common
        return [*common, self.check_killed_worker, self.check_shutdown, self.check_cancel]

    # -------------------------------------------------------------- helpers
    def run(
        self,
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

    @staticmethod
    def serve_until(executor: Executor, condition: Callable[[], bool], what: str) -> None:
        def served() -> bool:
            executor.serve(0.05)
            return condition()

        wait_until(served, what)

    # -------------------------------------------------------------- checks
    def check_outcomes(self, directory: Path) -> None:
        """Each way a trial ends resolves to the right TrialOutcome."""
        executor = self.make(self.n_workers)
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
            done, pruned, failed, caught, nan, huge, exited = self.run(
                executor, jobs, RecordingBackend(prune=[1])
            )
        finally:
            executor.shutdown()
        assert [o.number for o in (done, pruned, failed, caught, nan, huge, exited)] == list(
            range(7)
        )
        assert done.state is TrialState.COMPLETE and done.values == (0.25,)
        assert done.fail_reason is None and done.error is None and not done.lost
        assert done.worker is not None and done.environment is not None
        assert done.started_at is not None and done.finished_at is not None
        assert done.started_at <= done.finished_at
        assert pruned.state is TrialState.PRUNED and pruned.values is None
        assert failed.state is TrialState.FAIL and failed.fail_reason == "ValueError: boom"
        assert isinstance(failed.error, ValueError) and not failed.caught
        assert "raise ValueError" in (failed.traceback or "")
        assert caught.state is TrialState.FAIL and caught.caught
        assert nan.state is TrialState.FAIL and "non-finite value (nan)" in (nan.fail_reason or "")
        assert huge.state is TrialState.FAIL and not huge.lost
        assert "cannot be converted to a float: OverflowError" in (huge.fail_reason or "")
        assert exited.state is TrialState.FAIL and not exited.lost
        assert exited.fail_reason == "SystemExit: the objective called sys.exit(3)"
        assert isinstance(exited.error, SystemExit) and exited.error.code == 3
        assert not exited.caught

    def check_calls_are_served(self, directory: Path) -> None:
        """suggest/report/should_prune/set_user_attr reach the backend in the
        thread that calls ``serve``, in the objective's order."""
        executor = self.make(self.n_workers)
        backend = RecordingBackend()
        try:
            done, pruned = self.run(
                executor, [(quadratic, _task(0)), (pruned_at_first_step, _task(1))], backend
            )
        finally:
            executor.shutdown()
        assert done.state is TrialState.COMPLETE and pruned.state is TrialState.COMPLETE
        pid = backend.attrs[0]["pid"]
        assert (pid != os.getpid()) is self.in_processes
        assert [c for c in backend.calls if c[1] == 0] == [
            ("suggest", 0, "x"),
            ("report", 0, 0, 0.5),
            ("report", 0, 1, 1.0),
            ("set_user_attr", 0, "pid", pid),
        ]
        assert [c for c in backend.calls if c[1] == 1] == [
            ("report", 1, 0, 1.0),
            ("should_prune", 1),
        ]
        assert backend.threads == {threading.get_ident()}

    def check_n_workers(self, directory: Path) -> None:
        """``n_workers`` trials run at the same time, each in its own worker."""
        executor = self.make(self.n_workers)
        assert executor.n_workers == self.n_workers
        backend = RecordingBackend()
        objective = functools.partial(meets_the_others, str(directory), self.n_workers)
        try:
            outcomes = self.run(
                executor, [(objective, _task(i)) for i in range(self.n_workers)], backend
            )
        finally:
            executor.shutdown()
        assert [o.state for o in outcomes] == [TrialState.COMPLETE] * self.n_workers
        pids = {attrs["pid"] for attrs in backend.attrs.values()}
        assert len(pids) == (self.n_workers if self.in_processes else 1)

    def _start_held(
        self, executor: Executor, directory: Path, backend: RecordingBackend
    ) -> list[Future[TrialOutcome]]:
        """Start ``n_workers`` trials that run until released; return once all run."""
        objective = functools.partial(held, str(directory))
        executor.prepare(objective)
        futures = [executor.submit(objective, _task(i), backend) for i in range(self.n_workers)]
        self.serve_until(
            executor, lambda: len(backend.attrs) == self.n_workers, "the start of every trial"
        )
        return futures

    def check_killed_worker(self, directory: Path) -> None:
        """A worker killed mid-trial resolves its trial to a lost FAIL and is replaced."""
        executor = self.make(self.n_workers)
        backend = RecordingBackend()
        try:
            futures = self._start_held(executor, directory, backend)
            victim = backend.attrs[0]["pid"]
            os.kill(victim, signal.SIGKILL)
            self.serve_until(executor, futures[0].done, "the killed trial's end")
            lost = futures[0].result()
            assert lost.state is TrialState.FAIL and lost.lost and lost.number == 0
            assert "died" in (lost.fail_reason or "")
            (directory / "release").touch()
            self.serve_until(executor, lambda: all(f.done() for f in futures), "the others' end")
            assert [f.result().state for f in futures[1:]] == [TrialState.COMPLETE] * (
                self.n_workers - 1
            )
            (directory / "again").mkdir()
            objective = functools.partial(
                meets_the_others, str(directory / "again"), self.n_workers
            )
            again = [(objective, _task(10 + i)) for i in range(self.n_workers)]
            outcomes = self.run(executor, again, backend)
        finally:
            executor.shutdown()
        assert [o.state for o in outcomes] == [TrialState.COMPLETE] * self.n_workers
        pids = {backend.attrs[10 + i]["pid"] for i in range(self.n_workers)}
        assert len(pids) == self.n_workers and victim not in pids

    def check_shutdown(self, directory: Path) -> None:
        """``shutdown()`` leaves no worker process alive."""
        executor = self.make(self.n_workers)
        backend = RecordingBackend()
        objective = functools.partial(meets_the_others, str(directory), self.n_workers)
        try:
            self.run(executor, [(objective, _task(i)) for i in range(self.n_workers)], backend)
        finally:
            executor.shutdown()
        pids = [attrs["pid"] for attrs in backend.attrs.values()]
        assert len(set(pids)) == self.n_workers
        wait_until(lambda: not any(map(is_process_alive, pids)), "the end of every worker", 10)

    def check_cancel(self, directory: Path) -> None:
        """``shutdown(cancel=True)`` kills running trials and cancels their futures."""
        executor = self.make(self.n_workers)
        backend = RecordingBackend()
        try:
            futures = self._start_held(executor, directory, backend)
        finally:
            executor.shutdown(cancel=True)
        assert all(f.cancelled() for f in futures)
        pids = [attrs["pid"] for attrs in backend.attrs.values()]
        wait_until(lambda: not any(map(is_process_alive, pids)), "the end of every worker", 10)
