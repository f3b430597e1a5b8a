"""Running trials on a Dask cluster, one Dask task per trial.

The calling process stays the coordinator: a Dask task only runs the objective
(see :mod:`hypersense.execution._dask_worker`) and sends each of the trial's
calls as an event through the scheduler; ``serve`` answers them here, so
sampler, pruner and storage keep one writer. Dask gives no way to stop a
running task, so a trial that must stop (past its ``timeout_s``, or cancelled)
has its worker restarted through its nanny.
"""

from __future__ import annotations

import logging
import pickle
import threading
import time
import uuid
from collections.abc import Mapping
from concurrent.futures import Future
from typing import Any

from hypersense._optional import import_optional
from hypersense.errors import StaleTrialError
from hypersense.execution._dask_attempt import Attempt, task_failure_outcome
from hypersense.execution._dask_cluster import (
    DaskConnection,
    await_scheduler,
    cluster_capacity,
    is_scheduler_replaced,
    restart_workers_in_background,
    wait_for_room,
)
from hypersense.execution._dask_inbox import CoordinatorInbox
from hypersense.execution._dask_worker import START_TOKEN, Mailbox, run_trial_task
from hypersense.execution.base import Executor
from hypersense.execution.outcome import (
    Objective,
    TrialOutcome,
    TrialTask,
    lost_outcome,
    sendable_exception,
    timeout_outcome,
)
from hypersense.trial.backend import TrialBackend

__all__ = ["SCHEDULER_LOST", "DaskExecutor"]

_log = logging.getLogger(__name__)
_CAPACITY_REFRESH_S = 1.0
#: Why the trials running when the connection to the scheduler went failed (their
#: ``fail_reason`` is ``"worker lost: " + this + " while the trial was running"``).
SCHEDULER_LOST = "the Dask scheduler was lost (restarted, stopped or unreachable)"


class DaskExecutor(Executor):
    """Runs trials as Dask tasks on a ``distributed`` cluster.

    At most as many trials run at once as the cluster has room for (threads,
    or the workers' ``resources`` when trials ask for some), so no task waits
    in the scheduler with a stale proposal. A worker that dies or leaves fails
    its trial as lost (``fail_kind`` ``worker_lost``, retried under the
    study's ``max_retries``). If the scheduler itself goes away (stopped,
    restarted, unreachable), the running trials fail as lost with the reason
    :data:`SCHEDULER_LOST`, and the executor waits up to ``reconnect_timeout_s``
    for the client to reconnect and for a worker to join the scheduler (the
    workers of a lost scheduler shut down); then it goes on, else it raises
    :class:`~hypersense.errors.ExecutorError` and running the study again
    resumes it (retries included).

    The objective is pickled with cloudpickle in this process and unpickled
    on a worker: its module must be importable there (or registered with
    ``cloudpickle.register_pickle_by_value``, as ``hypersense run`` does for a
    config's own objective module), with everything it imports; hypersense
    must be installed on the scheduler and the workers.

    Args:
        client_or_address: A ``distributed.Client``, a scheduler address
            (``"tcp://host:8786"``), a cluster object (``SLURMCluster``, ...),
            or None to start a ``LocalCluster`` of ``n_workers`` processes with
            one thread each for the length of the executor.
        address: The scheduler address, as a keyword (for configuration
            files: ``executor: {name: dask, options: {address: ...}}``).
        n_workers: Most trials at once (default: what the cluster has room for).
        resources: Dask resources each trial needs, e.g. ``{"GPU": 1}`` (the
            workers must offer them: ``dask worker ... --resources GPU=1``).
        reconnect_timeout_s: How long to wait for a lost scheduler and a worker
            of it (also the client's connection timeout for an address).
    """

    def __init__(
        self,
        client_or_address: Any = None,
        *,
        address: str | None = None,
        n_workers: int | None = None,
        resources: Mapping[str, float] | None = None,
        reconnect_timeout_s: float = 60.0,
    ) -> None:
        if n_workers is not None and (
            not isinstance(n_workers, int) or isinstance(n_workers, bool) or n_workers < 1
        ):
            raise ValueError(f"`n_workers` must be an integer >= 1 or None (got {n_workers!r})")
        needs = dict(resources or {})
        for name, amount in needs.items():
            if not isinstance(name, str) or not isinstance(amount, (int, float)) or amount <= 0:
                raise ValueError(
                    f"`resources` must map names to positive amounts (got {resources!r})"
                )
        if not reconnect_timeout_s > 0:
            raise ValueError(f"`reconnect_timeout_s` must be > 0 (got {reconnect_timeout_s!r})")
        if address is not None and client_or_address is not None:
            raise ValueError("give either `client_or_address` or `address`, not both")
        import_optional("distributed", extra="dask", purpose="the Dask executor")
        self._target = address if address is not None else client_or_address
        self._max_workers = n_workers
        self._resources = needs
        self._reconnect_timeout_s = float(reconnect_timeout_s)
        self._connection: DaskConnection | None = None
        self._inbox = CoordinatorInbox()
        self._lost_at: float | None = None  #: when the scheduler was found lost
        self._live: dict[int, Attempt] = {}
        self._capacity = (0, -float("inf"))  # (value, when measured)
        self._restarts: list[threading.Thread] = []
        self._objective: tuple[Objective, bytes] | None = None  # the last one, pickled

    def __repr__(self) -> str:
        return (
            f"DaskExecutor({self._target!r}, n_workers={self._max_workers!r}, "
            f"resources={self._resources!r}, reconnect_timeout_s={self._reconnect_timeout_s!r})"
        )

    # ------------------------------------------------------------ connection
    def _client(self) -> Any:
        if self._connection is None:
            self._connection = DaskConnection.open(
                self._target,
                n_workers=self._max_workers,
                reconnect_timeout_s=self._reconnect_timeout_s,
            )
            self._inbox.open(self._connection.client)
        return self._connection.client

    @property
    def n_workers(self) -> int:
        self._await_scheduler()  # after a loss, once its trials were collected
        value, when = self._capacity
        if time.monotonic() - when > _CAPACITY_REFRESH_S:
            info = self._client().scheduler_info(n_workers=-1)
            if info.get("id") != self._inbox.scheduler_id and not self._live:
                self._inbox.open(self._client())  # restarted while idle: a channel on the new one
            workers = info.get("workers", {})
            value = max(1, cluster_capacity(workers, self._resources))
            if self._max_workers is not None:
                value = min(value, self._max_workers)
            self._capacity = (value, time.monotonic())
        return value

    def prepare(self, objective: Objective) -> None:
        """Connect, and wait (up to ``reconnect_timeout_s``) for a first worker that
        offers the trials' ``resources``.

        Raises:
            ExecutorError: No worker offers them (a trial would wait forever).
        """
        client = self._client()
        client.wait_for_workers(1, timeout=self._reconnect_timeout_s)
        wait_for_room(client, self._resources, timeout_s=self._reconnect_timeout_s)

    # ------------------------------------------------------------ trials
    def submit(
        self, objective: Objective, task: TrialTask, backend: TrialBackend
    ) -> Future[TrialOutcome]:
        self._await_scheduler()
        client = self._client()
        attempt = uuid.uuid4().hex[:12]
        key = f"{self._inbox.channel.prefix}-trial-{task.number}-{attempt}"
        future: Future[TrialOutcome] = Future()
        try:
            reply = Mailbox(self._inbox.channel.reply(task.number, attempt), client=client)
            reply.put(START_TOKEN, ring=False)  # before the task exists: its first run takes it
        except OSError:  # CommClosedError: the scheduler went; the trial is retried later
            _log.debug("preparing trial %d on Dask failed", task.number, exc_info=True)
            self._fail_on_lost_scheduler()
            why = f"worker lost: {SCHEDULER_LOST} before the trial started"
            future.set_result(lost_outcome(task, why, started_at=None, worker=None))
            return future
        dask_future = client.submit(
            run_trial_task,
            self._pickled(objective),
            task,
            self._inbox.channel,
            attempt,
            key=key,
            pure=False,
            resources=self._resources or None,
        )
        live = Attempt(task, attempt, key, future, dask_future, backend, reply=reply)
        self._live[task.number] = live
        return future

    def _pickled(self, objective: Objective) -> bytes:
        """The objective as bytes: the scheduler never unpickles user code, and
        cloudpickle sends modules registered by value along with it."""
        if self._objective is None or self._objective[0] is not objective:
            cloudpickle = import_optional("cloudpickle", extra="dask", purpose="the Dask executor")
            self._objective = (objective, cloudpickle.dumps(objective))
        return self._objective[1]

    def serve(self, timeout_s: float) -> None:
        if not self._live:
            time.sleep(min(timeout_s, 0.01))
            return
        if self._client().status != "running":
            self._fail_on_lost_scheduler()
            return
        self._handle_lost_workers()
        timeout_s = self._stop_late_trials(timeout_s)
        for raw in self._inbox.receive(timeout_s):
            self._handle(*pickle.loads(raw))
        self._check_dask_futures()

    def _handle(self, kind: str, number: int, attempt: str, payload: Any) -> None:
        live = self._live.get(number)
        current = live is not None and live.attempt == attempt
        if kind == "start":
            # A re-run by Dask takes no start token and says nothing: a second start
            # of one attempt cannot come, but if Dask's bookkeeping ever allowed one,
            # the trial is failed as lost rather than run twice.
            if current and live is not None and live.started_at is None:
                live.started_at, live.address = time.time(), payload["address"]
            elif current and live is not None:
                self._resolve_lost(live, f"its Dask worker {live.address} died (started twice)")
        elif kind == "call":
            method, args = payload
            if not current or live is None:
                error = StaleTrialError(f"trial {number} was already ended by the coordinator")
                self._reply(None, number, attempt, (False, error))
                return
            try:
                answer: Any = (True, getattr(live.backend, method)(*args))
            except Exception as exc:  # noqa: BLE001 - sent to the objective, which fails
                answer = (False, sendable_exception(exc))
            self._reply(live, number, attempt, answer)
        elif kind == "done" and current and live is not None:
            if isinstance(payload, TrialOutcome):
                self._resolve(live, payload)  # no round trip to fetch the task's result
            else:
                self._finish(live)

    def _reply(self, live: Attempt | None, number: int, attempt: str, message: Any) -> None:
        """Answer a task; a connection that breaks meanwhile is a lost scheduler.

        The task would wait for an answer that never comes, so every running
        trial is failed as lost (and retried) as when the scheduler goes.
        """
        name = self._inbox.channel.reply(number, attempt)
        try:
            if live is None:
                stray = Mailbox(name, client=self._client())
                stray.put(pickle.dumps(message))
                stray.close()
                return
            if live.reply is None:
                live.reply = Mailbox(name, client=self._client())
            live.reply.put(pickle.dumps(message))
        except OSError:  # CommClosedError: the scheduler restarted or is unreachable
            _log.debug("answering trial %d over Dask failed", number, exc_info=True)
            self._fail_on_lost_scheduler()

    def _finish(self, live: Attempt) -> None:
        """Resolve a trial whose task ended, from the task's result."""
        try:
            outcome = live.dask_future.result(timeout=30)
        except Exception as exc:  # noqa: BLE001 - any task failure is classified
            self._resolve(live, task_failure_outcome(live, exc))
            return
        if outcome is None:  # a re-run by Dask found the start token taken
            self._resolve_lost(live, f"its Dask worker {live.address} died (Dask re-ran its task)")
        else:
            self._resolve(live, outcome)

    def _check_dask_futures(self) -> None:
        for live in list(self._live.values()):
            status = live.dask_future.status
            if status in ("finished", "error"):
                self._finish(live)
            elif status in ("cancelled", "lost"):
                if self._is_scheduler_replaced():
                    self._fail_on_lost_scheduler()  # every running trial, this one too
                    return
                self._resolve_lost(live, "the Dask scheduler dropped its task")

    def _is_scheduler_replaced(self) -> bool:
        return is_scheduler_replaced(self._client(), self._inbox.scheduler_id)

    # ------------------------------------------------------------ faults
    def _handle_lost_workers(self) -> None:
        for event in self._inbox.worker_removals():
            keys = set(event.get("processing-tasks") or ())
            for live in list(self._live.values()):
                if live.key in keys and live.started_at is not None:
                    worker = event.get("worker", live.address)
                    self._resolve_lost(live, f"its Dask worker {worker} died or left")

    def _stop_late_trials(self, timeout_s: float) -> float:
        """Fail trials past their deadline (restarting their workers); return how long
        ``serve`` may wait for the next deadline."""
        now = time.time()
        for live in list(self._live.values()):
            limit = live.task.timeout_s
            if limit is None or live.started_at is None:
                continue
            left = live.started_at + limit - now
            if left > 0:
                timeout_s = min(timeout_s, left)
                continue
            _log.warning(
                "trial %d ran longer than %g s; restarting its Dask worker %s",
                live.task.number,
                limit,
                live.address,
            )
            outcome = timeout_outcome(live.task, started_at=live.started_at, worker=live.address)
            self._resolve(live, outcome)
            self._restart_in_background([live.address])
        return timeout_s

    def _restart_in_background(self, addresses: list[str | None]) -> None:
        thread = restart_workers_in_background(self._client(), addresses)
        if thread is not None:
            self._restarts.append(thread)

    def _fail_on_lost_scheduler(self) -> None:
        """Fail every running trial as lost; the next ``n_workers`` or ``submit``
        (after the study stored them, with their retries) waits for the scheduler."""
        for live in list(self._live.values()):
            self._resolve_lost(live, SCHEDULER_LOST)
        if self._lost_at is None:
            self._lost_at = time.monotonic()

    def _await_scheduler(self) -> None:
        """After a loss, wait for the scheduler (the client reconnects by itself) and
        for a worker with room, up to ``reconnect_timeout_s`` from the loss."""
        if self._lost_at is None:
            return
        await_scheduler(
            self._client(),
            self._resources,
            lost_at=self._lost_at,
            window_s=self._reconnect_timeout_s,
            shown=str(self._connection),
        )
        _log.warning("reconnected to the Dask scheduler %s", self._connection)
        self._lost_at = None
        self._capacity = (0, -float("inf"))
        self._inbox.open(self._client())

    # ------------------------------------------------------------ resolution
    def _resolve_lost(self, live: Attempt, why: str) -> None:
        _log.warning("trial %d: worker lost (%s)", live.task.number, why)
        outcome = lost_outcome(
            live.task,
            f"worker lost: {why} while the trial was running",
            started_at=live.started_at,
            worker=live.address,
        )
        self._resolve(live, outcome)

    def _resolve(self, live: Attempt, outcome: TrialOutcome) -> None:
        if self._live.get(live.task.number) is not live:
            return
        del self._live[live.task.number]
        if live.dask_future.status == "pending":
            live.dask_future.cancel()
        self._close_reply(live)
        live.future.set_result(outcome)

    def _close_reply(self, live: Attempt) -> None:
        if live.reply is not None:
            try:
                live.reply.close()
            except Exception:  # noqa: BLE001 - the scheduler may be gone already
                _log.debug("could not release the reply queue of trial %d", live.task.number)

    def shutdown(self, *, cancel: bool = False) -> None:
        """Cancel the trials still running (restarting their workers, as Dask cannot
        stop a running task) and close what this executor opened: the client it
        connected, the LocalCluster it started."""
        running = list(self._live.values())
        self._live.clear()
        if running and self._connection is not None:
            for live in running:
                live.dask_future.cancel()
                self._close_reply(live)
                live.future.cancel()
            if self._connection.cluster is None:  # an own LocalCluster closes below
                self._restart_in_background([live.address for live in running])
        for thread in self._restarts:
            thread.join(timeout=30)
        self._restarts.clear()
        if self._connection is not None:
            self._inbox.leave(self._connection.client)
            self._connection.close()
            self._connection = None

    def running_numbers(self) -> list[int]:
        """Numbers of the trials running now."""
        return list(self._live)
