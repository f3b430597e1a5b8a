"""Latency of the coordinator's two writes of a trial: its start (``ask``) and its end
(``tell``), timed on the study that ``optimize`` drives."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import hypersense as hs


def time_ask_and_tell(study: hs.Study) -> dict[str, list[float]]:
    """Time every ``start_trial`` (ask) and ``finish_trial`` (tell) of ``study``'s
    coordinator from now on; returns the lists the seconds are appended to.

    ``optimize``, ``ask`` and ``tell`` all go through these two calls, so this times
    the real path (sampler, storage, the study's bookkeeping) without changing it.
    """
    coordinator = study._coordinator  # a benchmark probe, not an API
    seconds: dict[str, list[float]] = {"ask": [], "tell": []}
    for name, method in (("ask", "start_trial"), ("tell", "finish_trial")):
        setattr(coordinator, method, _timed(getattr(coordinator, method), seconds[name]))
    return seconds


def _timed(call: Callable[..., Any], into: list[float]) -> Callable[..., Any]:
    @functools.wraps(call)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return call(*args, **kwargs)
        finally:
            into.append(time.perf_counter() - start)

    return wrapper


def percentiles_ms(seconds: Sequence[float]) -> dict[str, float | None]:
    """p50 and p99 of ``seconds``, in milliseconds (None when empty)."""
    if not seconds:
        return {"p50_ms": None, "p99_ms": None}
    p50, p99 = np.percentile(np.asarray(seconds) * 1000.0, [50, 99])
    return {"p50_ms": float(p50), "p99_ms": float(p99)}
