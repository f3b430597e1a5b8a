"""Which points of a large study a figure keeps: the ones that matter, the
newest, and an even spread of the rest.

A study of ten thousand trials draws slowly and says no more with every point
drawn. The figures of the live dashboard (and any caller that asks) keep a
budget of points: those the figure is about (the records of a history, the
best trials, the Pareto front), the newest ones (so the point a running study
just added is always there) and an even spread of the others, so the cloud
keeps its shape. Summaries (the best so far, counts, the front) are computed
from every trial before thinning, and the figure's note says what was left out.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from hypersense.report.data.curves import thin_indices

__all__ = ["NEWEST_SHARE", "check_limit", "kept_indices"]

#: Share of the budget kept for the newest points.
NEWEST_SHARE = 0.1


def check_limit(name: str, value: object, minimum: int = 10) -> None:
    """ValueError naming ``name`` unless ``value`` is None or an integer >= ``minimum``."""
    if value is not None and (
        isinstance(value, bool) or not isinstance(value, int) or value < minimum
    ):
        raise ValueError(f"`{name}` must be None or an integer >= {minimum} (got {value!r})")


def kept_indices(
    n: int, limit: int | None, required: NDArray[np.int64] | list[int]
) -> NDArray[np.int64]:
    """Sorted indices of ``range(n)`` to keep: all when ``n <= limit`` (or no
    limit), else ``required`` ones, the newest tenth of ``limit`` and an even
    spread of the others up to ``limit`` in all (more only when ``required``
    alone is larger); shape ``(k,)``."""
    if limit is None or n <= limit:
        return np.arange(n, dtype=np.int64)
    keep = np.zeros(n, dtype=bool)
    keep[np.asarray(required, dtype=np.int64)] = True
    keep[n - max(1, int(limit * NEWEST_SHARE)) :] = True
    room = limit - int(keep.sum())
    if room > 0:
        rest = np.flatnonzero(~keep)
        keep[rest[thin_indices(rest.size, room)]] = True
    return np.flatnonzero(keep).astype(np.int64)
