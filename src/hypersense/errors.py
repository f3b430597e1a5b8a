"""Exceptions raised by hypersense.

Every error derives from :class:`HypersenseError`; specific errors also inherit
the builtin a caller would naturally catch (``ValueError``, ``KeyError``,
``RuntimeError``), so ``except ValueError`` keeps working for bad input. The
one exception is :class:`Terminated`, a request to stop rather than an error.
"""

from __future__ import annotations

import signal

__all__ = [
    "CheckpointError",
    "ConfigError",
    "DuplicatedStudyError",
    "ExecutorError",
    "HypersenseError",
    "InvalidDistributionError",
    "MissingDependencyError",
    "ParameterConflictError",
    "PluginError",
    "SamplerExhaustedError",
    "StaleTrialError",
    "StorageError",
    "StudyNotFoundError",
    "Terminated",
    "TrialPruned",
    "TrialTimeoutError",
]


class HypersenseError(Exception):
    """Root of every error hypersense raises on purpose."""


class InvalidDistributionError(HypersenseError, ValueError):
    """A search-space distribution was given inconsistent bounds, step or choices.

    The message reads "<problem> for parameter '<name>' (got <values>)"; the
    parameter name is filled in by whoever knows it (``Trial.suggest_*``, a
    config loader) through :meth:`for_parameter`.
    """

    def __init__(self, problem: str, got: str, parameter: str | None = None) -> None:
        self.problem = problem
        self.got = got
        self.parameter = parameter
        where = f" for parameter {parameter!r}" if parameter else ""
        super().__init__(f"{problem}{where} (got {got})")

    def for_parameter(self, name: str) -> InvalidDistributionError:
        """Return the same error, naming the parameter ``name``."""
        return InvalidDistributionError(self.problem, self.got, name)

    def __reduce__(self) -> tuple[object, ...]:
        return (InvalidDistributionError, (self.problem, self.got, self.parameter))


class ParameterConflictError(HypersenseError, ValueError):
    """A parameter was suggested again with a different distribution."""


class DuplicatedStudyError(HypersenseError, ValueError):
    """A study with this name already exists in the storage."""


class StudyNotFoundError(HypersenseError, KeyError):
    """No study with this name exists in the storage."""

    def __str__(self) -> str:  # KeyError would quote the message otherwise
        return str(self.args[0]) if self.args else ""


class SamplerExhaustedError(HypersenseError, RuntimeError):
    """The sampler has nothing left to propose (e.g. every grid point is taken)."""


class StorageError(HypersenseError, RuntimeError):
    """The storage could not carry out an operation (after retries)."""


class StaleTrialError(HypersenseError, RuntimeError):
    """A write to a trial that is no longer running was rejected.

    Raised when a worker reports on a trial that another worker already marked
    failed (its heartbeat went stale) or that has already finished. The stored
    trial is left untouched.
    """


class CheckpointError(HypersenseError, RuntimeError):
    """A trial's checkpoint cannot be saved (e.g. the study has no checkpoint directory)."""


class ConfigError(HypersenseError, ValueError):
    """A configuration file or field is invalid; the message names file and field."""


class ExecutorError(HypersenseError, RuntimeError):
    """An executor can no longer run trials (e.g. its Dask scheduler did not come back).

    ``optimize`` fails the trials still running as interrupted and re-raises it;
    running the study again resumes it.
    """


class MissingDependencyError(HypersenseError, ImportError):
    """An optional dependency is not installed; the message names the extra."""


class PluginError(HypersenseError, ImportError):
    """A plugin another package registers through an entry point could not be
    loaded; the message names the distribution, the entry point and its group."""


class TrialPruned(HypersenseError):  # noqa: N818 - the name users know from Optuna
    """Raised by an objective to stop its trial early after ``should_prune()``.

    The trial is then stored as PRUNED with its last reported value.
    """


class TrialTimeoutError(HypersenseError, TimeoutError):
    """A trial ran longer than ``trial_timeout_s``.

    Raised inside the objective at its next ``suggest``/``report``/
    ``should_prune`` call once its time is up (where the objective's process is
    not simply stopped); the trial is stored FAIL with kind ``timeout``.
    """


class Terminated(SystemExit):
    """Raised in the main thread when the process gets SIGTERM during ``optimize``.

    ``Study.optimize`` then stops as after Ctrl-C: running trials are stored
    FAIL with ``interrupted`` (and re-queued when retries are allowed),
    finished ones are kept, the workers are stopped, and this is re-raised.

    It is a :class:`SystemExit`, not an ``Exception``, so code that catches
    ``Exception`` (an objective's retry loop, a callback) cannot swallow a
    request to stop, and left uncaught it ends the interpreter quietly with
    status 143 (128 + SIGTERM), as the shell reports a terminated process. It
    is not a ``KeyboardInterrupt``: nobody pressed a key, and Python would end
    with the status of SIGINT. Catch both with
    ``except (KeyboardInterrupt, hypersense.Terminated)``.

    Attributes:
        signal_number: The signal received (``signal.SIGTERM``).
    """

    def __init__(self, signal_number: int = signal.SIGTERM) -> None:
        super().__init__(128 + int(signal_number))
        self.signal_number = int(signal_number)

    @property
    def signal_name(self) -> str:
        """The signal's name, e.g. ``"SIGTERM"``."""
        try:
            return signal.Signals(self.signal_number).name
        except ValueError:
            return f"signal {self.signal_number}"

    def __str__(self) -> str:
        return f"terminated by {self.signal_name}"

    def __reduce__(self) -> tuple[object, ...]:
        return (Terminated, (self.signal_number,))
