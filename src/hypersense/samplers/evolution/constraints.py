"""Constraint values of finished trials, as the genetic samplers see them.

A user's ``constraints_func(trial) -> Sequence[float]`` says how far a trial is
from feasibility (values <= 0 are satisfied). Samplers cannot write to the
storage, so they evaluate it themselves on finished trials and keep the
results in memory; the function must be a pure function of the trial
(typically reading ``trial.user_attrs``).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hypersense.pareto import constraint_violations
from hypersense.trial.frozen import FrozenTrial

__all__ = ["ConstraintsFunc", "ViolationCache", "check_constraints_func"]

#: ``constraints_func(trial)``: one value per constraint, <= 0 when satisfied.
ConstraintsFunc = Callable[[FrozenTrial], Sequence[float]]


def check_constraints_func(value: Any) -> ConstraintsFunc | None:
    """Validate the ``constraints_func`` option: None or a callable."""
    if value is not None and not callable(value):
        raise TypeError(
            f"`constraints_func` must be a callable taking a FrozenTrial or None "
            f"(got {value!r} of type {type(value).__name__})"
        )
    func: ConstraintsFunc | None = value
    return func


def _checked_values(raw: Any, number: int) -> tuple[float, ...]:
    if isinstance(raw, (str, bytes)) or not isinstance(raw, Sequence | np.ndarray):
        raise TypeError(
            f"`constraints_func` must return a sequence of numbers; for trial {number} "
            f"it returned {raw!r}"
        )
    values = []
    for v in raw:
        if not isinstance(v, numbers.Real) or isinstance(v, bool) or math.isnan(float(v)):
            raise ValueError(
                f"`constraints_func` returned a value that is not a number for trial "
                f"{number}: {list(raw)!r}"
            )
        values.append(float(v))
    return tuple(values)


class ViolationCache:
    """Total violations of finished trials, each computed once.

    Results are keyed by trial number and storage id, so a sampler reused on
    another study does not confuse trials that share a number.

    Args:
        constraints_func: The user's function, or None (then every trial is feasible).
    """

    def __init__(self, constraints_func: ConstraintsFunc | None) -> None:
        self._func = constraints_func
        self._values: dict[tuple[int, int], float] = {}

    def violations(self, trials: Sequence[FrozenTrial]) -> NDArray[np.float64] | None:
        """Shape ``(len(trials),)`` total violations, or None without constraints."""
        if self._func is None:
            return None
        out = np.empty(len(trials))
        for i, trial in enumerate(trials):
            key = (trial.number, trial.trial_id)
            if key not in self._values:
                raw = self._func(trial)
                row = np.array([_checked_values(raw, trial.number)], dtype=float)
                self._values[key] = float(constraint_violations(row)[0])
            out[i] = self._values[key]
        return out
