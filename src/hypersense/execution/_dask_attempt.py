"""One submission of a trial to a Dask cluster, and the outcome of a task that failed."""

from __future__ import annotations

import time
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from hypersense.execution._dask_worker import ChannelError
from hypersense.execution.outcome import (
    TrialOutcome,
    TrialTask,
    lost_outcome,
    sendable_exception,
)
from hypersense.trial.backend import TrialBackend
from hypersense.trial.state import FailKind, TrialState

__all__ = ["Attempt", "task_failure_outcome"]


@dataclass
class Attempt:
    """One submission of a trial to the cluster (a retry is another attempt)."""

    task: TrialTask
    attempt: str  #: the attempt's id, in its messages and its reply queue's name
    key: str  #: the Dask task's key
    future: Future[TrialOutcome]
    dask_future: Any
    backend: TrialBackend
    started_at: float | None = None  #: when the objective started on a worker
    address: str | None = None  #: the worker running it
    reply: Any = None  #: the coordinator's handle of the attempt's reply queue


def task_failure_outcome(live: Attempt, exc: BaseException) -> TrialOutcome:
    """The outcome of a Dask task that raised instead of running the objective."""
    if type(exc).__name__ == "KilledWorker":
        return lost_outcome(
            live.task,
            f"worker lost: Dask workers died while running the trial ({exc})",
            started_at=live.started_at,
            worker=live.address,
        )
    if isinstance(exc, ChannelError):
        return lost_outcome(
            live.task,
            f"worker lost: the Dask worker {live.address or 'of its task'} could not reach "
            f"the coordinator through the scheduler ({exc})",
            started_at=live.started_at,
            worker=live.address,
        )
    return TrialOutcome(
        number=live.task.number,
        state=TrialState.FAIL,
        fail_reason=f"the Dask task could not run the objective: {type(exc).__name__}: {exc}",
        fail_kind=FailKind.EXCEPTION,
        error=sendable_exception(exc),
        caught=False,  # e.g. the objective cannot be imported on the workers: stop
        started_at=live.started_at,
        finished_at=time.time(),
        worker=live.address,
    )
