"""The worker side of a remote trial: every call of the objective's ``Trial``
forwarded to the coordinator, whose answer (or exception) comes back.

Worker processes (a pipe) and Dask tasks (Dask queues) differ only in how one
call travels, which a subclass supplies as ``_call``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from hypersense.space.base import Distribution

__all__ = ["RelayBackend"]


class RelayBackend(ABC):
    """A TrialBackend that forwards each call and waits for the coordinator's reply."""

    @abstractmethod
    def _call(self, method: str, *args: Any) -> Any:
        """Run ``method(*args)`` on the coordinator's backend; return its result or
        raise the exception it raised."""

    def suggest(self, number: int, name: str, distribution: Distribution) -> Any:
        return self._call("suggest", number, name, distribution)

    def report(self, number: int, step: int, value: float | tuple[float, ...]) -> None:
        self._call("report", number, step, value)

    def report_series(self, number: int, series: str, step: int, value: float) -> None:
        self._call("report_series", number, series, step, value)

    def should_prune(self, number: int) -> bool:
        return bool(self._call("should_prune", number))

    def should_prune_series(self, number: int, series: str) -> bool:
        return bool(self._call("should_prune_series", number, series))

    def set_user_attr(self, number: int, key: str, value: Any) -> None:
        self._call("set_user_attr", number, key, value)

    def set_system_attr(self, number: int, key: str, value: Any) -> None:
        self._call("set_system_attr", number, key, value)
