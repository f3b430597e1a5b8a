"""Validation of the options every designed experiment takes.

Each public experiment function checks its keyword arguments here, at the
boundary, so a bad value fails before any trial runs and the error names the
argument and the value.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from hypersense.execution.executor_choice import resolve_n_jobs
from hypersense.pruners.base import Pruner

__all__ = [
    "RunOptions",
    "check_catch",
    "check_confidence",
    "check_int",
    "check_n_jobs",
    "check_optional_seed",
    "check_probability",
    "check_pruner",
    "check_run_options",
    "check_window",
]


@dataclass(frozen=True)
class RunOptions:
    """How an experiment runs its trials, checked once.

    Attributes:
        n_jobs: Worker processes, as ``Study.optimize`` takes them.
        seed: Seed of the design and of the companion's trial seeds.
        pruner: Pruner of the design trials (None: never prune).
        catch: Exception types that fail a trial but let the design go on.
    """

    n_jobs: int
    seed: int | None
    pruner: Pruner | None
    catch: tuple[type[Exception], ...]

    def keywords(self) -> dict[str, Any]:
        """The options as keyword arguments of another experiment function."""
        return {
            "n_jobs": self.n_jobs,
            "seed": self.seed,
            "pruner": self.pruner,
            "catch": self.catch,
        }


def check_run_options(*, n_jobs: Any, seed: Any, pruner: Any, catch: Any) -> RunOptions:
    """Validate the options every experiment shares; errors name the argument."""
    return RunOptions(
        n_jobs=check_n_jobs(n_jobs),
        seed=check_optional_seed(seed),
        pruner=check_pruner(pruner),
        catch=check_catch(catch),
    )


def check_int(name: str, value: Any, *, minimum: int) -> int:
    """``value`` as an int ``>= minimum``; ValueError naming ``name`` otherwise."""
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"`{name}` must be an integer >= {minimum} (got {value!r})")
    return int(value)


def check_confidence(value: Any, name: str = "confidence") -> float:
    """A confidence level strictly between 0 and 1 (e.g. 0.95)."""
    return check_probability(name, value)


def check_probability(name: str, value: Any) -> float:
    """A number strictly between 0 and 1; ValueError naming ``name`` otherwise."""
    if (
        not isinstance(value, numbers.Real)
        or isinstance(value, bool)
        or not math.isfinite(float(value))
        or not 0.0 < float(value) < 1.0
    ):
        raise ValueError(f"`{name}` must be a number strictly between 0 and 1 (got {value!r})")
    return float(value)


def check_optional_seed(value: Any) -> int | None:
    """None or a non-negative integer seed."""
    if value is None:
        return None
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 0:
        raise ValueError(f"`seed` must be a non-negative integer or None (got {value!r})")
    return int(value)


def check_n_jobs(value: Any) -> int:
    """A positive worker count or -1 (one per CPU), as ``Study.optimize`` takes."""
    resolve_n_jobs(value)
    return int(value)


def check_pruner(value: Any) -> Pruner | None:
    """None (never prune) or a Pruner."""
    if value is not None and not isinstance(value, Pruner):
        raise TypeError(f"`pruner` must be a Pruner or None (got {type(value).__name__})")
    return value


def check_catch(value: Any) -> tuple[type[Exception], ...]:
    """Exception classes that fail a design trial without stopping the experiment."""
    items: Iterable[Any] = (value,) if isinstance(value, type) else value
    out = tuple(items)
    for item in out:
        if not (isinstance(item, type) and issubclass(item, Exception)):
            raise TypeError(f"`catch` must hold exception classes (got {item!r})")
    return out


def check_window(value: Any) -> float | None:
    """None or a sweep width in the unit encoding, in (0, 1]."""
    if value is None:
        return None
    if (
        not isinstance(value, numbers.Real)
        or isinstance(value, bool)
        or not math.isfinite(float(value))
        or not 0.0 < float(value) <= 1.0
    ):
        raise ValueError(f"`window` must be a number in (0, 1] or None (got {value!r})")
    return float(value)
