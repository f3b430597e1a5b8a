"""Running trials in worker processes on this machine."""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import pickle
import sys
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

from hypersense.execution._parent_watch import ParentWatch
from hypersense.execution._process_worker import worker_main
from hypersense.execution.base import Executor
from hypersense.execution.outcome import Objective, TrialOutcome, TrialTask, sendable_exception
from hypersense.trial.backend import TrialBackend
from hypersense.trial.state import TrialState

__all__ = ["ProcessExecutor"]

_log = logging.getLogger(__name__)
_START_METHODS = ("fork", "spawn", "forkserver")
_SEND_ATTEMPTS = 3  # workers tried in a row for one trial before giving up


def _default_start_method() -> str:
    # fork lets closures and notebook-defined objectives run unpickled; macOS and
    # Windows lack a safe fork, so they spawn (objectives must then be importable).
    return "fork" if sys.platform.startswith("linux") else "spawn"


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    objective: Objective
    task: TrialTask | None = None
    future: Future[TrialOutcome] | None = None
    backend: TrialBackend | None = None
    started_at: float = 0.0


class ProcessExecutor(Executor):
    """Runs up to ``n_workers`` trials at once, each in a worker process.

    Processes, not threads: a pure-Python objective scales with the cores. The
    workers only run the objective; the coordinator answers each of their
    calls, so the storage may even be in-memory. A worker that dies (killed,
    out of memory, segfault) fails its trial and is replaced. Workers end by
    themselves as soon as this process is gone, however it died (see
    ``hypersense.execution._parent_watch``).

    Args:
        n_workers: Worker processes (>= 1).
        start_method: ``"fork"`` (default on Linux; any objective works),
            ``"spawn"`` or ``"forkserver"`` (the objective must be picklable).
    """

    def __init__(self, n_workers: int, *, start_method: str | None = None) -> None:
        if not isinstance(n_workers, int) or n_workers < 1:
            raise ValueError(f"`n_workers` must be an integer >= 1 (got {n_workers!r})")
        method = start_method or _default_start_method()
        if method not in _START_METHODS:
            raise ValueError(
                f"`start_method` must be one of {list(_START_METHODS)} (got {start_method!r})"
            )
        self._n_workers = n_workers
        self._start_method = start_method
        self._ctx = multiprocessing.get_context(method)
        self._method = method
        self._workers: list[_Worker] = []
        # (read end, write end) of the pipe whose EOF tells workers we are gone.
        self._lifeline: tuple[Connection, Connection] | None = None

    def __repr__(self) -> str:
        return f"ProcessExecutor({self._n_workers!r}, start_method={self._start_method!r})"

    @property
    def n_workers(self) -> int:
        return self._n_workers

    def _check_picklable(self, objective: Objective) -> None:
        if self._method == "fork":
            return
        try:
            pickle.dumps(objective)
        except Exception as exc:
            raise TypeError(
                f"with start_method={self._method!r} the objective must be picklable "
                f"(defined at module level, not a lambda or closure): {exc}"
            ) from exc

    def _start_worker(self, objective: Objective) -> _Worker:
        self._check_picklable(objective)
        if self._lifeline is None:
            self._lifeline = self._ctx.Pipe(duplex=False)
        lifeline, lifeline_writer = self._lifeline
        parent, child = self._ctx.Pipe(duplex=True)
        watch = ParentWatch(
            lifeline=lifeline,
            coordinator_pid=os.getpid(),
            parent_is_coordinator=self._method != "forkserver",
            kill_on_parent_death=threading.current_thread() is threading.main_thread(),
        )
        # A forked worker gets copies of every descriptor we hold; those of our
        # pipe ends would keep its pipes (and its lifeline) open after our death.
        inherited = (
            [parent, lifeline_writer, *(w.conn for w in self._workers)]
            if self._method == "fork"
            else []
        )
        process = self._ctx.Process(  # type: ignore[attr-defined]
            target=worker_main,
            args=(child, objective, watch, inherited),
            daemon=True,
            name=f"hypersense-worker-{len(self._workers)}",
        )
        process.start()
        child.close()
        worker = _Worker(process=process, conn=parent, objective=objective)
        self._workers.append(worker)
        return worker

    def prepare(self, objective: Objective) -> None:
        """Start all workers now (before the coordinator starts any thread)."""
        while len(self._workers) < self._n_workers:
            self._start_worker(objective)

    def submit(
        self, objective: Objective, task: TrialTask, backend: TrialBackend
    ) -> Future[TrialOutcome]:
        for _ in range(_SEND_ATTEMPTS):
            worker = next((w for w in self._workers if w.task is None), None)
            if worker is None:
                if len(self._workers) >= self._n_workers:
                    raise RuntimeError("all workers are busy; wait for a trial to finish")
                worker = self._start_worker(objective)
            if not worker.process.is_alive():
                # Reaps a worker killed while idle; a send alone does not always fail
                # on a dead worker's socket (the kernel may not have released it yet).
                self._drop_idle(worker)
                continue
            blob = None
            if objective is not worker.objective:
                self._check_picklable(objective)
                blob = pickle.dumps(objective)
            try:
                worker.conn.send(("run", task, blob))
            except (BrokenPipeError, OSError):
                self._drop_idle(worker)  # it died between two trials; another takes this one
                continue
            worker.objective = objective
            future: Future[TrialOutcome] = Future()  # left pending, so shutdown can cancel it
            worker.task, worker.future, worker.backend = task, future, backend
            worker.started_at = time.time()
            return future
        raise RuntimeError(
            f"{_SEND_ATTEMPTS} worker processes in a row died before they could take trial "
            f"{task.number}"
        )

    def _drop_idle(self, worker: _Worker) -> None:
        """Forget a worker that died while it had no trial (nothing to fail)."""
        worker.process.join(timeout=1.0)
        _log.warning(
            "worker process %s died (exit code %s) between two trials; a new one replaces it",
            worker.process.pid,
            worker.process.exitcode,
        )
        worker.conn.close()
        self._workers.remove(worker)

    def serve(self, timeout_s: float) -> None:
        busy = [w for w in self._workers if w.task is not None]
        if not busy:
            time.sleep(min(timeout_s, 0.01))
            return
        by_handle: dict[Any, _Worker] = {}
        for w in busy:
            by_handle[w.conn] = w
            by_handle[w.process.sentinel] = w
        for handle in wait(list(by_handle), timeout=timeout_s):
            worker = by_handle[handle]
            if worker.task is None:
                continue  # already handled through its other handle
            if handle is worker.conn:
                self._receive(worker)
            elif not worker.conn.poll():
                self._fail_dead(worker)

    def _receive(self, worker: _Worker) -> None:
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):
            self._fail_dead(worker)
            return
        if message[0] == "done":
            self._resolve(worker, message[1])
            return
        _, method, args = message
        try:
            reply = (True, getattr(worker.backend, method)(*args))
        except Exception as exc:  # noqa: BLE001 - sent to the objective, which fails
            reply = (False, sendable_exception(exc))
        try:
            worker.conn.send(reply)
        except (BrokenPipeError, OSError):
            self._fail_dead(worker)

    def _resolve(self, worker: _Worker, outcome: TrialOutcome) -> None:
        future = worker.future
        worker.task = worker.future = worker.backend = None
        assert future is not None
        future.set_result(outcome)

    def _fail_dead(self, worker: _Worker) -> None:
        task = worker.task
        assert task is not None
        worker.process.join(timeout=1.0)
        code = worker.process.exitcode
        _log.warning(
            "worker process %s died (exit code %s) while running trial %d",
            worker.process.pid,
            code,
            task.number,
        )
        self._resolve(
            worker,
            TrialOutcome(
                number=task.number,
                state=TrialState.FAIL,
                fail_reason=f"the worker process died (exit code {code}) while running the trial",
                started_at=worker.started_at,
                finished_at=time.time(),
                worker=f"pid:{worker.process.pid}",
                lost=True,
            ),
        )
        worker.conn.close()
        self._workers.remove(worker)

    def shutdown(self, *, cancel: bool = False) -> None:
        for w in list(self._workers):
            if w.task is not None and cancel:
                w.process.kill()
                if w.future is not None:
                    w.future.cancel()
            else:
                with contextlib.suppress(BrokenPipeError, OSError):
                    w.conn.send(("stop",))
        deadline = time.monotonic() + 5.0
        for w in self._workers:
            w.process.join(timeout=max(0.0, deadline - time.monotonic()))
            if w.process.is_alive():
                w.process.kill()
                w.process.join(timeout=1.0)
            w.conn.close()
        self._workers.clear()
        if self._lifeline is not None:
            for end in self._lifeline:
                end.close()
            self._lifeline = None

    def running_numbers(self) -> list[int]:
        """Numbers of the trials the workers are running now."""
        return [w.task.number for w in self._workers if w.task is not None]
