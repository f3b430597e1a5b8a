"""Running an objective on a trial and classifying what happened."""

from __future__ import annotations

import math
import numbers
import pickle
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hypersense._environment import environment_manifest, worker_name
from hypersense.errors import TrialPruned
from hypersense.trial.state import TrialState
from hypersense.trial.trial import Trial

__all__ = [
    "Objective",
    "ObjectiveError",
    "TrialOutcome",
    "TrialTask",
    "check_objective_values",
    "run_objective",
]

#: An objective: takes a Trial, returns one float or a sequence of floats.
Objective = Callable[[Trial], Any]


@dataclass(frozen=True)
class TrialTask:
    """What a worker needs to run one trial besides the objective itself."""

    number: int
    seed: int
    n_objectives: int
    catch: tuple[type[BaseException], ...] = ()
    budget: float | None = None
    tags: Mapping[str, str] = field(default_factory=dict)


class ObjectiveError(RuntimeError):
    """Stands in for an exception from a worker that could not be sent back."""


@dataclass(frozen=True)
class TrialOutcome:
    """How one run of the objective ended.

    Attributes:
        number: The trial's number.
        state: COMPLETE, PRUNED or FAIL.
        values: The validated objective values when COMPLETE.
        fail_reason: One line saying why a FAIL trial failed.
        error: The exception the objective raised, if any.
        caught: Whether that exception is one of the ``catch`` types (the
            study goes on) rather than one to re-raise.
        traceback: The formatted traceback of ``error``.
        worker: ``host:pid`` of the process that ran the objective.
        environment: That process's environment manifest.
    """

    number: int
    state: TrialState
    values: tuple[float, ...] | None = None
    fail_reason: str | None = None
    error: BaseException | None = None
    caught: bool = True
    traceback: str | None = None
    worker: str | None = None
    environment: Mapping[str, Any] | None = None
    started_at: float | None = None
    finished_at: float | None = None
    lost: bool = False  #: the worker died or vanished; the objective did not end


def check_objective_values(
    result: Any, n_objectives: int
) -> tuple[tuple[float, ...] | None, str | None]:
    """The objective's return value as floats, or a reason why it is unusable."""
    if type(result) is float and n_objectives == 1:  # the common case, checked fast
        return (
            ((result,), None)
            if math.isfinite(result)
            else (None, f"the objective returned a non-finite value ({result}) at position 0")
        )
    if isinstance(result, (numbers.Real, np.floating, np.integer)) and not isinstance(result, bool):
        items: Sequence[Any] = [result]
    elif isinstance(result, np.ndarray) and result.ndim == 0:
        items = [result.item()]
    elif isinstance(result, (Sequence, np.ndarray)) and not isinstance(result, (str, bytes)):
        items = list(result)
    else:
        return None, f"the objective returned {result!r}; expected a number or a list of numbers"
    if len(items) != n_objectives:
        return None, (
            f"the objective returned {len(items)} value(s) but the study has "
            f"{n_objectives} direction(s)"
        )
    out = []
    for i, v in enumerate(items):
        if isinstance(v, bool) or not isinstance(v, (numbers.Real, np.floating, np.integer)):
            return None, f"the objective's value {i} is {v!r}, not a number"
        f = float(v)
        if not math.isfinite(f):
            return None, f"the objective returned a non-finite value ({f}) at position {i}"
        out.append(f)
    return tuple(out), None


def _sendable(exc: BaseException) -> BaseException:
    """``exc`` if it survives pickling, else an ObjectiveError with its text."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001 - any pickling failure means "replace it"
        return ObjectiveError(f"{type(exc).__qualname__}: {exc}")


def run_objective(
    objective: Objective, trial: Trial, task: TrialTask, *, remote: bool = False
) -> TrialOutcome:
    """Call ``objective(trial)`` and classify the result.

    KeyboardInterrupt and SystemExit pass through; every other exception makes
    the trial FAIL, with ``caught`` telling whether the study should go on.
    """
    started = time.time()

    def outcome(state: TrialState, **fields: Any) -> TrialOutcome:
        return TrialOutcome(
            number=task.number,
            state=state,
            worker=worker_name(),
            environment=environment_manifest(),
            started_at=started,
            finished_at=time.time(),
            **fields,
        )

    try:
        result = objective(trial)
    except TrialPruned:
        return outcome(TrialState.PRUNED)
    except Exception as exc:  # noqa: BLE001 - every objective failure is recorded
        return outcome(
            TrialState.FAIL,
            fail_reason=f"{type(exc).__name__}: {exc}",
            error=_sendable(exc) if remote else exc,
            caught=isinstance(exc, task.catch),
            traceback=traceback.format_exc(),
        )
    values, reason = check_objective_values(result, task.n_objectives)
    if values is None:
        return outcome(TrialState.FAIL, fail_reason=reason)
    return outcome(TrialState.COMPLETE, values=values)
