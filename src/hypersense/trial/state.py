"""The life states of a trial."""

from __future__ import annotations

import enum

__all__ = ["FailKind", "TrialState"]


class TrialState(enum.Enum):
    """Where a trial is in its life.

    WAITING (enqueued, not started) -> RUNNING -> one of COMPLETE, PRUNED, FAIL.
    A finished state never changes again.
    """

    RUNNING = "RUNNING"
    WAITING = "WAITING"
    COMPLETE = "COMPLETE"
    PRUNED = "PRUNED"
    FAIL = "FAIL"

    @property
    def is_finished(self) -> bool:
        """Whether the trial is over (COMPLETE, PRUNED or FAIL)."""
        return self in _FINISHED

    def __repr__(self) -> str:
        return f"TrialState.{self.name}"


_FINISHED = frozenset({TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL})


class FailKind(enum.Enum):
    """Why a FAIL trial failed, as a kind to filter on (``FrozenTrial.fail_kind``).

    The trial's ``fail_reason`` says the same in words, with the details.
    """

    EXCEPTION = "exception"  #: the objective raised an exception (or called sys.exit)
    INVALID_VALUE = "invalid_value"  #: it returned NaN, inf, not a number, or too few values
    WORKER_LOST = "worker_lost"  #: the process or Dask worker running it died or vanished
    TIMEOUT = "timeout"  #: it ran longer than ``trial_timeout_s`` and was stopped
    INTERRUPTED = "interrupted"  #: Ctrl-C, SIGTERM, the study stopping, or its coordinator died
    NOT_RUN = "not_run"  #: it ended before its objective was called

    def __repr__(self) -> str:
        return f"FailKind.{self.name}"
