"""The contract every executor keeps: where trials run.

The calling process is the coordinator: it owns the sampler, the pruner and the
storage. An executor only runs the objective somewhere (this thread, a worker
process, a Dask worker) and carries each ``suggest_*``/``report``/
``should_prune`` call of the running trial back to the coordinator.

Lifecycle, driven by ``Study.optimize``:

0. ``prepare(objective)`` once, e.g. to start worker processes early.
1. ``submit(objective, task, backend)`` starts one trial and returns a
   ``concurrent.futures.Future`` of its :class:`TrialOutcome`. ``backend`` is
   the coordinator's :class:`~hypersense.trial.backend.TrialBackend`.
2. The coordinator calls ``serve(timeout_s)`` in its own thread, repeatedly:
   the executor answers the pending trial calls through ``backend`` (so the
   sampler and the storage are only ever touched by the coordinator's thread)
   and resolves futures of trials that ended. A trial whose worker died
   resolves to a FAIL outcome.
3. ``shutdown(cancel=...)`` stops the workers; with ``cancel`` it does not wait
   for running trials (their futures are cancelled).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from concurrent.futures import Future
from types import TracebackType

from hypersense.execution.outcome import Objective, TrialOutcome, TrialTask
from hypersense.trial.backend import TrialBackend

__all__ = ["Executor"]


class Executor(ABC):
    """Runs trials of one ``optimize`` call, possibly several at once."""

    @property
    @abstractmethod
    def n_workers(self) -> int:
        """How many trials can run at the same time."""

    def prepare(self, objective: Objective) -> None:  # noqa: B027 - optional hook
        """Called once before the first ``submit``, before the coordinator starts
        any thread (so worker processes can be forked safely)."""

    @abstractmethod
    def submit(
        self, objective: Objective, task: TrialTask, backend: TrialBackend
    ) -> Future[TrialOutcome]:
        """Start one trial; its outcome arrives through the returned future."""

    @abstractmethod
    def serve(self, timeout_s: float) -> None:
        """Answer pending trial calls and resolve finished trials, waiting at most
        ``timeout_s`` for something to happen."""

    @abstractmethod
    def shutdown(self, *, cancel: bool = False) -> None:
        """Stop the workers (without waiting for running trials if ``cancel``)."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.shutdown(cancel=exc_type is not None)
