"""Running an objective on a trial and classifying what happened."""

from __future__ import annotations

import math
import numbers
import pickle
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from hypersense._environment import environment_manifest, worker_name
from hypersense.errors import Terminated, TrialPruned, TrialTimeoutError
from hypersense.trial.backend import TrialBackend
from hypersense.trial.state import FailKind, TrialState
from hypersense.trial.trial import Trial

__all__ = [
    "Objective",
    "ObjectiveError",
    "TrialOutcome",
    "TrialTask",
    "check_objective_values",
    "interruption_reason",
    "lost_outcome",
    "run_objective",
    "sendable_exception",
    "timeout_outcome",
    "timeout_reason",
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
    timeout_s: float | None = None  #: stop the trial after this long (``trial_timeout_s``)
    #: ``(trial number, checkpoint directory)`` of this trial, then of the trials it retries
    checkpoints: tuple[tuple[int, str], ...] = ()

    def trial(self, backend: TrialBackend) -> Trial:
        """The handle the objective gets for this trial, talking to ``backend``."""
        return Trial(
            backend,
            self.number,
            seed=self.seed,
            budget=self.budget,
            tags=self.tags,
            checkpoints=self.checkpoints,
        )


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
        fail_kind: The kind of that failure (an exception, a lost worker, ...).
        error: The exception the objective raised, if any.
        caught: Whether that exception is one of the ``catch`` types (the
            study goes on) rather than one to re-raise. A KeyboardInterrupt
            here (raised by an objective in a worker) stops the study as
            Ctrl-C does.
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
    fail_kind: FailKind | None = None

    def __setstate__(self, state: dict[str, Any]) -> None:
        # Importing distributed makes every exception pickle through tblib, which
        # rebuilds a SystemExit without its code: rebuild it from its args.
        error = state.get("error")
        if type(error) is SystemExit and error.code is None and error.args:
            state = {**state, "error": SystemExit(*error.args)}
        for name, value in state.items():
            object.__setattr__(self, name, value)

    @property
    def lost(self) -> bool:
        """Whether the worker died or vanished, so the objective did not end."""
        return self.fail_kind is FailKind.WORKER_LOST


def lost_outcome(
    task: TrialTask, reason: str, *, started_at: float | None, worker: str | None
) -> TrialOutcome:
    """The outcome of a trial whose worker died or vanished while running it."""
    return TrialOutcome(
        number=task.number,
        state=TrialState.FAIL,
        fail_reason=reason,
        fail_kind=FailKind.WORKER_LOST,
        started_at=started_at,
        finished_at=time.time(),
        worker=worker,
    )


def timeout_reason(timeout_s: float) -> str:
    """The ``fail_reason`` of a trial stopped by ``trial_timeout_s``."""
    return f"timeout: the trial ran longer than trial_timeout_s={timeout_s:g} s"


def timeout_outcome(
    task: TrialTask, *, started_at: float | None, worker: str | None
) -> TrialOutcome:
    """The outcome of a trial stopped because it ran past its ``timeout_s``."""
    assert task.timeout_s is not None
    return TrialOutcome(
        number=task.number,
        state=TrialState.FAIL,
        fail_reason=timeout_reason(task.timeout_s),
        fail_kind=FailKind.TIMEOUT,
        started_at=started_at,
        finished_at=time.time(),
        worker=worker,
    )


def _short_repr(value: Any) -> str:
    """``repr(value)`` cut to a readable length; never raises."""
    if isinstance(value, int) and value.bit_length() > 256:
        return f"an integer of about 10**{int(math.log10(abs(value)))}"
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a broken __repr__ must not hide the real problem
        return f"<{type(value).__qualname__} object>"
    return text if len(text) <= 80 else f"{text[:77]}..."


def _safe_str(exc: BaseException) -> str:
    try:
        return str(exc)
    except Exception:  # noqa: BLE001 - a broken __str__ must not hide the exception
        return f"<str() of the {type(exc).__qualname__} failed>"


def _is_number(value: Any) -> bool:
    return isinstance(value, (numbers.Real, np.floating, np.integer)) and not isinstance(
        value, bool
    )


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
    if _is_number(result):
        items: Sequence[Any] = [result]
    elif isinstance(result, np.ndarray) and result.ndim == 0:
        items = [result.item()]
    elif isinstance(result, (Sequence, np.ndarray)) and not isinstance(result, (str, bytes)):
        items = list(result)
    else:
        return None, (
            f"the objective returned {_short_repr(result)}; expected a number or a list of numbers"
        )
    if len(items) != n_objectives:
        return None, (
            f"the objective returned {len(items)} value(s) but the study has "
            f"{n_objectives} direction(s)"
        )
    out = []
    for i, v in enumerate(items):
        if not _is_number(v):
            return None, f"the objective's value {i} is {_short_repr(v)}, not a number"
        try:
            f = float(v)
        except Exception as exc:  # noqa: BLE001 - huge ints, Fractions, broken __float__
            return None, (
                f"the objective's value {i} ({_short_repr(v)}) cannot be converted to a float: "
                f"{type(exc).__name__}: {_safe_str(exc)}"
            )
        if not math.isfinite(f):
            return None, f"the objective returned a non-finite value ({f}) at position {i}"
        out.append(f)
    return tuple(out), None


def sendable_exception(exc: BaseException) -> BaseException:
    """``exc`` if it survives pickling, else an ObjectiveError with its text."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001 - any pickling failure means "replace it"
        return ObjectiveError(f"{type(exc).__qualname__}: {_safe_str(exc)}")


def interruption_reason(exc: BaseException) -> str:
    """The ``fail_reason`` of trials that were running when ``exc`` stopped a study."""
    if isinstance(exc, Terminated):
        return f"interrupted ({exc.signal_name})"
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted (KeyboardInterrupt)"
    return f"interrupted: the study stopped on {type(exc).__name__}: {_safe_str(exc)}"


def _failure_reason(exc: BaseException) -> str:
    """One line saying how the objective failed."""
    if isinstance(exc, SystemExit):
        code = "" if exc.code is None else _short_repr(exc.code)
        return f"SystemExit: the objective called sys.exit({code})"
    return f"{type(exc).__name__}: {_safe_str(exc)}"


def run_objective(
    objective: Objective, trial: Trial, task: TrialTask, *, remote: bool = False
) -> TrialOutcome:
    """Call ``objective(trial)`` and classify the result, the same way in every process.

    Any exception makes the trial FAIL, with ``caught`` telling whether the
    study should go on: only the ``catch`` types let it (a ``sys.exit`` in the
    objective stops the study after its trial is stored, the worker lives on).
    KeyboardInterrupt and :class:`~hypersense.errors.Terminated` stop the
    study as interrupted: in this process (``remote=False``) they propagate,
    as Ctrl-C or SIGTERM would arrive here anyway; in a worker they come back
    as the outcome's ``error``. An unusable return value (NaN, ``10**400``)
    makes the trial FAIL with the reason, and the study goes on. A trial that
    ran longer than ``task.timeout_s`` FAILs as a timeout whatever it returned,
    as it would have where its process is stopped at the deadline.
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
    except TrialTimeoutError:
        return _timed_out(task, started)
    except (KeyboardInterrupt, Terminated) as exc:
        if not remote:
            raise
        stop = Terminated(exc.signal_number) if isinstance(exc, Terminated) else KeyboardInterrupt()
        return outcome(
            TrialState.FAIL,
            fail_reason=interruption_reason(stop),
            fail_kind=FailKind.INTERRUPTED,
            error=stop,
            caught=False,
        )
    except BaseException as exc:  # noqa: BLE001 - every objective failure is recorded
        if _is_late(task, started):
            return _timed_out(task, started)
        return outcome(
            TrialState.FAIL,
            fail_reason=_failure_reason(exc),
            fail_kind=FailKind.EXCEPTION,
            error=sendable_exception(exc) if remote else exc,
            caught=isinstance(exc, task.catch),
            traceback=traceback.format_exc(),
        )
    if _is_late(task, started):
        return _timed_out(task, started)
    try:
        values, reason = check_objective_values(result, task.n_objectives)
    except Exception as exc:  # noqa: BLE001 - e.g. a sequence whose iteration raises
        reason = f"the objective's return value could not be read: {type(exc).__name__}: "
        reason += _safe_str(exc)
        values = None
    if values is None:
        return outcome(TrialState.FAIL, fail_reason=reason, fail_kind=FailKind.INVALID_VALUE)
    return outcome(TrialState.COMPLETE, values=values)


def _is_late(task: TrialTask, started: float) -> bool:
    return task.timeout_s is not None and time.time() - started > task.timeout_s


def _timed_out(task: TrialTask, started: float) -> TrialOutcome:
    return replace(
        timeout_outcome(task, started_at=started, worker=worker_name()),
        environment=environment_manifest(),
    )
