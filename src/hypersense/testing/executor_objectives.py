"""The objectives and the recording backend the executor checks run trials with.

The objectives are module-level functions, so executors that pickle them
(spawn, forkserver, a cluster) can run them; :class:`RecordingBackend` stands
in for the coordinator and records every call with the thread that served it.
"""

from __future__ import annotations

import math
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import hypersense as hs
from hypersense.space.base import Distribution
from hypersense.space.numeric import FloatDistribution

__all__ = [
    "RecordingBackend",
    "calls_sys_exit",
    "held",
    "meets_the_others",
    "pruned_at_first_step",
    "quadratic",
    "raises_value_error",
    "returns_huge_int",
    "returns_nan",
    "wait_until",
]

#: A guard against hung checks, not a measurement.
BOUND_S = 60.0


def wait_until(condition: Callable[[], bool], what: str, timeout_s: float = BOUND_S) -> None:
    """Poll ``condition`` until it holds; fail with ``what`` after ``timeout_s``."""
    give_up = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > give_up:
            raise AssertionError(f"{what} did not happen within {timeout_s} s")
        time.sleep(0.02)


class RecordingBackend:
    """A TrialBackend that records every call with the thread that served it.

    ``suggest`` answers the middle of a float range; ``should_prune`` says yes
    for the trial numbers in ``prune``.
    """

    def __init__(self, *, prune: Sequence[int] = ()) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.threads: set[int] = set()
        self.attrs: dict[int, dict[str, Any]] = {}
        self._prune = set(prune)

    def _record(self, *call: Any) -> None:
        self.calls.append(call)
        self.threads.add(threading.get_ident())

    def suggest(self, number: int, name: str, distribution: Distribution) -> Any:
        self._record("suggest", number, name)
        assert isinstance(distribution, FloatDistribution)
        return (distribution.low + distribution.high) / 2

    def report(self, number: int, step: int, value: float | tuple[float, ...]) -> None:
        self._record("report", number, step, value)

    def report_series(self, number: int, series: str, step: int, value: float) -> None:
        self._record("report_series", number, series, step, value)

    def should_prune(self, number: int) -> bool:
        self._record("should_prune", number)
        return number in self._prune

    def should_prune_series(self, number: int, series: str) -> bool:
        self._record("should_prune_series", number, series)
        return number in self._prune

    def set_user_attr(self, number: int, key: str, value: Any) -> None:
        self._record("set_user_attr", number, key, value)
        self.attrs.setdefault(number, {})[key] = value

    def set_system_attr(self, number: int, key: str, value: Any) -> None:
        self._record("set_system_attr", number, key, value)


# ------------------------------------------------------------------ objectives
def quadratic(trial: hs.Trial) -> float:
    x = trial.suggest_float("x", 0.0, 1.0)
    trial.report(x, 0)
    trial.report(2 * x, 1)
    trial.set_user_attr("pid", os.getpid())
    return x * x


def pruned_at_first_step(trial: hs.Trial) -> float:
    trial.report(1.0, 0)
    if trial.should_prune():
        raise hs.TrialPruned
    return 1.0


def raises_value_error(trial: hs.Trial) -> float:
    raise ValueError("boom")


def returns_nan(trial: hs.Trial) -> float:
    return math.nan


def returns_huge_int(trial: hs.Trial) -> int:
    return 10**400


def calls_sys_exit(trial: hs.Trial) -> float:
    sys.exit(3)


def meets_the_others(directory: str, n: int, trial: hs.Trial) -> float:
    """Tell the caller our pid, then wait until ``n`` trials run at once."""
    trial.set_user_attr("pid", os.getpid())
    (Path(directory) / f"started-{trial.number}").touch()
    wait_until(lambda: len(list(Path(directory).glob("started-*"))) >= n, f"{n} trials at once")
    return float(trial.number)


def held(directory: str, trial: hs.Trial) -> float:
    """Tell the caller our pid, then run until ``directory/release`` exists."""
    trial.set_user_attr("pid", os.getpid())
    wait_until((Path(directory) / "release").exists, "the release")
    return float(trial.number)


# ------------------------------------------------------------------ the contract
