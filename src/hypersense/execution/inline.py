"""Running trials one after another in the calling thread."""

from __future__ import annotations

from concurrent.futures import Future

from hypersense.execution.base import Executor
from hypersense.execution.deadline import DeadlineBackend
from hypersense.execution.outcome import Objective, TrialOutcome, TrialTask, run_objective
from hypersense.trial.backend import TrialBackend

__all__ = ["InlineExecutor"]


class InlineExecutor(Executor):
    """Runs each trial to its end inside ``submit``; no process, no thread.

    The default for ``n_jobs=1``: objectives need not be picklable, and a
    debugger or profiler sees them directly. A trial's ``timeout_s`` cannot
    pre-empt code in this thread: the objective gets TrialTimeoutError at its
    next ``suggest``/``report``/``should_prune`` after the deadline, and a
    result returned late fails the trial as a timeout all the same.
    """

    @property
    def n_workers(self) -> int:
        return 1

    def submit(
        self, objective: Objective, task: TrialTask, backend: TrialBackend
    ) -> Future[TrialOutcome]:
        if task.timeout_s is not None:
            backend = DeadlineBackend(backend, task.timeout_s)
        trial = task.trial(backend)
        return _CompletedFuture(run_objective(objective, trial, task))

    def serve(self, timeout_s: float) -> None:
        return None

    def shutdown(self, *, cancel: bool = False) -> None:
        return None

    def __repr__(self) -> str:
        return "InlineExecutor()"


class _CompletedFuture(Future[TrialOutcome]):
    """A future born resolved: no lock or condition needed, as nothing waits on it."""

    def __init__(self, outcome: TrialOutcome) -> None:
        super().__init__()
        self._outcome = outcome
        self._state = "FINISHED"

    def done(self) -> bool:
        return True

    def result(self, timeout: float | None = None) -> TrialOutcome:
        return self._outcome
