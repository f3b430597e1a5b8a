"""The life states of a trial."""

from __future__ import annotations

import enum

__all__ = ["TrialState"]


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
