"""Stopping a trial in this thread at its next call once its time is up."""

from __future__ import annotations

import time
from typing import Any

from hypersense.errors import TrialTimeoutError
from hypersense.execution.outcome import timeout_reason
from hypersense.space.base import Distribution
from hypersense.trial.backend import TrialBackend

__all__ = ["DeadlineBackend"]


class DeadlineBackend:
    """A TrialBackend that raises TrialTimeoutError in the objective once the trial's
    deadline has passed, and forwards every call before it.

    Code running in the caller's thread cannot be pre-empted safely; this stops
    an objective that keeps calling ``suggest``/``report``/``should_prune``
    (an epoch loop). One that never calls is stopped only when it returns (its
    result is then discarded as late, see ``run_objective``).
    """

    def __init__(self, backend: TrialBackend, timeout_s: float) -> None:
        self._backend = backend
        self._timeout_s = timeout_s
        self._deadline = time.monotonic() + timeout_s

    def _check(self) -> None:
        if time.monotonic() > self._deadline:
            raise TrialTimeoutError(timeout_reason(self._timeout_s))

    def suggest(self, number: int, name: str, distribution: Distribution) -> Any:
        self._check()
        return self._backend.suggest(number, name, distribution)

    def report(self, number: int, step: int, value: float | tuple[float, ...]) -> None:
        self._check()
        self._backend.report(number, step, value)

    def report_series(self, number: int, series: str, step: int, value: float) -> None:
        self._check()
        self._backend.report_series(number, series, step, value)

    def should_prune(self, number: int) -> bool:
        self._check()
        return self._backend.should_prune(number)

    def should_prune_series(self, number: int, series: str) -> bool:
        self._check()
        return self._backend.should_prune_series(number, series)

    def set_user_attr(self, number: int, key: str, value: Any) -> None:
        self._backend.set_user_attr(number, key, value)

    def set_system_attr(self, number: int, key: str, value: Any) -> None:
        self._backend.set_system_attr(number, key, value)
