"""What a Dask task of the DaskExecutor runs on a worker: one trial.

The task talks to the coordinator through Dask queues held by the scheduler:
every message of the study's trials goes to one ``calls`` queue, and each
attempt of a trial gets its own ``reply`` queue. Each queue has a Dask Event
of the same name rung after every put: waiting on an Event with a timeout is
quiet, whereas a queue read that times out is logged as an error by the
scheduler. Messages are pickled tuples ``(kind, number, attempt, payload)``:

* ``start`` (worker address and pid): the coordinator answers ``go`` to the
  first start of a live attempt and ``abort`` otherwise (Dask re-ran a task
  whose worker died; that trial was already failed as lost), so an objective
  never runs twice for one trial;
* ``call`` (method, args): a ``suggest``/``report``/... of the trial, answered
  ``(ok, value or exception)``;
* ``done``: the objective ended; its outcome is the task's result.
"""

from __future__ import annotations

import importlib
import os
import pickle
from dataclasses import dataclass
from typing import Any

from hypersense.execution._relay import RelayBackend
from hypersense.execution.outcome import Objective, TrialOutcome, TrialTask, run_objective

__all__ = ["DaskChannel", "Mailbox", "QueueBackend", "run_trial_task"]

#: How often a task waiting for the coordinator checks that it is still wanted.
_POLL_S = 1.0


@dataclass(frozen=True)
class DaskChannel:
    """The names of the queues of one executor's connection (picklable)."""

    prefix: str

    @property
    def calls(self) -> str:
        """The queue every task writes to and the coordinator reads."""
        return f"{self.prefix}-calls"

    def reply(self, number: int, attempt: str) -> str:
        """The queue the coordinator answers one attempt of trial ``number`` on."""
        return f"{self.prefix}-reply-{number}-{attempt}"


class CoordinatorGoneError(RuntimeError):
    """The coordinator stopped waiting for this task (it died, or cancelled the trial)."""


class Mailbox:
    """A Dask queue with a bell (a Dask Event of the same name) rung after each put."""

    def __init__(self, name: str, client: Any = None) -> None:
        distributed: Any = importlib.import_module("distributed")
        self.name = name
        self._queue: Any = distributed.Queue(name, client=client)
        self._bell: Any = distributed.Event(name, client=client)

    def put(self, message: bytes) -> None:
        """Add a message and ring the bell."""
        self._queue.put(message)
        self._bell.set()

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
        self._number = number
        self._attempt = attempt
        self._calls = Mailbox(channel.calls)
        self._replies = Mailbox(channel.reply(number, attempt))

    def send(self, kind: str, payload: Any) -> None:
        """Put one message on the coordinator's queue."""
        self._calls.put(pickle.dumps((kind, self._number, self._attempt, payload)))

    def receive(self) -> Any:
        """The coordinator's next answer; CoordinatorGoneError once this task is cancelled."""
        while True:
            answers = self._replies.take(_POLL_S)
            if answers:
                return pickle.loads(answers[0])  # one question is open at a time
            if not _is_wanted():
                raise CoordinatorGoneError(
                    f"trial {self._number}: the coordinator is gone or cancelled the trial"
                )

    def close(self) -> None:
        """Release the reply queue."""
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
    """Run one trial on this Dask worker; None when the coordinator says abort."""
    from distributed import get_worker

    objective: Objective = pickle.loads(pickled_objective)

    backend = QueueBackend(channel, task.number, attempt)
    try:
        backend.send("start", {"address": get_worker().address, "pid": os.getpid()})
        if backend.receive() != "go":
            return None
        trial = task.trial(backend)
        outcome = run_objective(objective, trial, task, remote=True)
        backend.send("done", None)
        return outcome
    finally:
        backend.close()
