"""The seam between a :class:`Trial` handle and whoever serves it.

In the calling process the serving side is the study's coordinator; in a worker
process it is a proxy that forwards each call to the coordinator and waits for
the answer. The handle itself does not know which.
"""

from __future__ import annotations

from typing import Any, Protocol

from hypersense.space.base import Distribution

__all__ = ["TrialBackend"]


class TrialBackend(Protocol):
    """Operations a running trial asks of its coordinator, keyed by trial number."""

    def suggest(self, number: int, name: str, distribution: Distribution) -> Any:
        """Return the value of parameter ``name`` for trial ``number``."""
        ...

    def report(self, number: int, step: int, value: float | tuple[float, ...]) -> None:
        """Store an intermediate value of trial ``number`` at ``step`` (a tuple: one
        value per objective of a study with several)."""
        ...

    def report_series(self, number: int, series: str, step: int, value: float) -> None:
        """Store a value of trial ``number`` at ``step`` of the side series ``series``
        (e.g. the epochs of one cross-validation fold), apart from its intermediate values."""
        ...

    def should_prune_series(self, number: int, series: str) -> bool:
        """Whether the pruner advises stopping trial ``number`` from its side
        series ``series`` (see :meth:`hypersense.Trial.series`)."""
        ...

    def should_prune(self, number: int) -> bool:
        """Ask the pruner whether trial ``number`` should stop now."""
        ...

    def set_user_attr(self, number: int, key: str, value: Any) -> None:
        """Store a user attribute (any JSON-serialisable value) on trial ``number``."""
        ...

    def set_system_attr(self, number: int, key: str, value: Any) -> None:
        """Store a system attribute (hypersense's own records) on trial ``number``."""
        ...
