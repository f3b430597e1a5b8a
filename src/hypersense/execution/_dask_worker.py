"""What a Dask task of the DaskExecutor runs on a worker: one trial.

The task talks to the coordinator through the scheduler, on two kinds of
Dask channels:

* towards the coordinator, every message of the study's trials is a
  structured event of the executor's ``calls`` topic (``Worker.log_event``):
  it travels on the worker's batched stream, in order, without a round trip,
  and the scheduler forwards it to the coordinator's client, which subscribed
  to the topic before submitting any task;
* towards the task, each attempt of a trial has its own ``reply`` queue,
  with a Dask Event of the same name rung after every put: waiting on an
  Event with a timeout is quiet, whereas a queue read that times out is
  logged as an error by the scheduler.

Messages are pickled tuples ``(kind, number, attempt, payload)``:

* ``start`` (worker address and pid): the task claimed the attempt's
  one-off start token, which the coordinator put on the reply queue before
  submitting the task, so the objective runs. Dask re-runs a task whose
  worker died; the re-run finds no token and returns None without running
  the objective (that trial was already failed as lost), so an objective
  never runs twice for one trial — and a normal start costs no round trip;
* ``call`` (method, args): a ``suggest``/``report``/... of the trial, answered
  ``(ok, value or exception)``;
* ``done`` (the outcome): the objective ended. The outcome is also the
  task's result, which the coordinator fetches only if this message did
  not reach it first.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import pickle
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from hypersense.execution._relay import RelayBackend
from hypersense.execution.outcome import Objective, TrialOutcome, TrialTask, run_objective

__all__ = [
    "START_TOKEN",
    "ChannelError",
    "DaskChannel",
    "Mailbox",
    "QueueBackend",
    "run_trial_task",
]

#: What the coordinator puts on an attempt's reply queue for its first run to take.
START_TOKEN = b"start"
#: How often a task waiting for the coordinator checks that it is still wanted.
_POLL_S = 1.0


@dataclass(frozen=True)
class DaskChannel:
    """The names of the queues of one executor's connection (picklable)."""

    prefix: str

    @property
    def calls(self) -> str:
        """The event topic every task writes to and the coordinator subscribes to."""
        return f"{self.prefix}-calls"

    def reply(self, number: int, attempt: str) -> str:
        """The queue the coordinator answers one attempt of trial ``number`` on."""
        return f"{self.prefix}-reply-{number}-{attempt}"


class ChannelError(ConnectionError):
    """The task cannot reach the coordinator: its worker is closing, or the
    scheduler went. The coordinator stores the trial as lost (and retries it),
    never as the objective's own failure."""


@contextlib.contextmanager
def _channel_errors(number: int, client: Any, worker: Any) -> Iterator[None]:
    """An error of a Dask call made while ``client`` or ``worker`` is closed or
    closing, as ChannelError: which exception Dask raises then varies
    (CommClosedError, "ConnectionPool is closed", a None scheduler handle), so the
    error is told apart by the state it left, not by its type."""
    try:
        yield
    except Exception as exc:
        if _is_up(client, worker):
            raise
        raise ChannelError(f"trial {number}: no way to the coordinator ({exc!r})") from exc


def _is_up(client: Any, worker: Any) -> bool:
    """Whether the task's client and worker are both running."""
    return bool(client.status == "running" and getattr(worker.status, "name", "") == "running")


class CoordinatorGoneError(RuntimeError):
    """The coordinator stopped waiting for this task (it died, or cancelled the trial)."""


class Mailbox:
    """A Dask queue with a bell (a Dask Event of the same name) rung after each put."""

    def __init__(self, name: str, client: Any = None) -> None:
        distributed: Any = importlib.import_module("distributed")
        self.name = name
        self._queue: Any = distributed.Queue(name, client=client)
        self._bell: Any = distributed.Event(name, client=client)

    def put(self, message: bytes, *, ring: bool = True) -> None:
        """Add a message and ring the bell (unless nobody waits for it)."""
        self._queue.put(message)
        if ring:
            self._bell.set()

    def take_now(self) -> list[bytes]:
        """The messages waiting now, without waiting for the bell."""
        return list(self._queue.get(batch=True))

    def take(self, timeout_s: float) -> list[bytes]:
        """The messages waiting, after at most ``timeout_s`` for the bell."""
        if not self._bell.wait(timeout=timeout_s):
            return []
        self._bell.clear()  # before reading: a put after this rings again
        return list(self._queue.get(batch=True))

    def close(self) -> None:
        """Release this client's hold of the queue."""
        self._queue.close()


class QueueBackend(RelayBackend):
    """A TrialBackend that sends each call to the coordinator and waits for its answer."""

    def __init__(self, channel: DaskChannel, number: int, attempt: str) -> None:
        from distributed import get_client, get_worker

        self._worker: Any = get_worker()
        self._client: Any = get_client()
        self._topic = channel.calls
        self._number = number
        self._attempt = attempt
        with self._channel_errors():
            self._replies = Mailbox(channel.reply(number, attempt), client=self._client)

    def _channel_errors(self) -> contextlib.AbstractContextManager[None]:
        return _channel_errors(self._number, self._client, self._worker)

    @property
    def worker_address(self) -> str:
        """The address of the Dask worker running the task."""
        return str(self._worker.address)

    def claim_start(self) -> bool:
        """Take the attempt's start token; False when it is gone (a re-run)."""
        with self._channel_errors():
            return START_TOKEN in self._replies.take_now()

    def send(self, kind: str, payload: Any) -> None:
        """Send one message to the coordinator (an event of the calls topic)."""
        message = pickle.dumps((kind, self._number, self._attempt, payload))
        with self._channel_errors():
            self._worker.log_event(self._topic, message)

    def receive(self) -> Any:
        """The coordinator's next answer; CoordinatorGoneError once this task is cancelled."""
        while True:
            with self._channel_errors():
                answers = self._replies.take(_POLL_S)
            if answers:
                return pickle.loads(answers[0])  # one question is open at a time
            if not _is_wanted():
                raise CoordinatorGoneError(
                    f"trial {self._number}: the coordinator is gone or cancelled the trial"
                )

    def close(self) -> None:
        """Release the reply queue (if the connection still allows it)."""
        with contextlib.suppress(OSError, RuntimeError):
            self._replies.close()

    def _call(self, method: str, *args: Any) -> Any:
        self.send("call", (method, args))
        ok, payload = self.receive()
        if not ok:
            raise payload
        return payload


def _is_wanted() -> bool:
    """Whether the scheduler still wants the task this thread runs."""
    from distributed import get_worker

    try:
        worker = get_worker()
        key = worker.get_current_task()
    except (ValueError, KeyError):
        return True  # not in a worker's task (tests call the backend directly)
    task = worker.state.tasks.get(key)
    return task is not None and task.state not in ("cancelled", "released", "forgotten")


def run_trial_task(
    pickled_objective: bytes, task: TrialTask, channel: DaskChannel, attempt: str
) -> TrialOutcome | None:
    """Run one trial on this Dask worker; None when this is a re-run by Dask.

    Raises:
        ChannelError: The channel to the coordinator broke (the worker is
            closing, the scheduler went) before or while the objective ran.
    """
    objective: Objective = pickle.loads(pickled_objective)

    backend = QueueBackend(channel, task.number, attempt)
    try:
        if not backend.claim_start():
            return None
        backend.send("start", {"address": backend.worker_address, "pid": os.getpid()})
        trial = task.trial(backend)
        outcome = run_objective(objective, trial, task, remote=True)
        if isinstance(outcome.error, ChannelError):
            raise outcome.error
        with contextlib.suppress(ChannelError):  # the coordinator fetches the result then
            backend.send("done", outcome)
        return outcome
    finally:
        backend.close()
