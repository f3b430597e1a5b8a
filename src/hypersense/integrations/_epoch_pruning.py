"""What the framework pruning callbacks share: check their arguments, read the
monitored value from an epoch's metrics, report it, ask the pruner, remember
the verdict.

:class:`EpochPruning` holds no framework code; the Keras and Lightning
callbacks (:mod:`hypersense.integrations.keras`,
:mod:`hypersense.integrations.lightning`) call it from their framework's hooks
and stop the training their framework's way.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Protocol

from hypersense.errors import HypersenseError, TrialPruned
from hypersense.trial.trial import Trial

__all__ = [
    "EpochPruning",
    "MonitorNotFoundError",
    "PruningTrial",
    "check_monitor",
    "check_trial",
    "monitored_value",
]


class MonitorNotFoundError(HypersenseError, KeyError):
    """The metric a pruning callback monitors is not among an epoch's metrics."""

    def __str__(self) -> str:  # KeyError would quote the message otherwise
        return str(self.args[0]) if self.args else ""


class PruningTrial(Protocol):
    """What a pruning callback asks of a trial: a :class:`~hypersense.Trial`, or
    a stand-in that forwards to one in another process."""

    @property
    def number(self) -> int: ...

    def report(self, value: float, step: int) -> None: ...

    def should_prune(self) -> bool: ...


def check_trial(trial: object, *, owner: str) -> Trial:
    """``trial`` if it is a hypersense :class:`~hypersense.Trial`, else a TypeError."""
    if not isinstance(trial, Trial):
        kind = f"{type(trial).__module__}.{type(trial).__qualname__}"
        raise TypeError(
            f"{owner} needs the hypersense Trial the objective receives as its argument "
            f"(got {kind}: {trial!r})"
        )
    return trial


def check_monitor(monitor: object, *, owner: str) -> str:
    """``monitor`` if it is a non-empty metric name, else a TypeError or ValueError."""
    if not isinstance(monitor, str):
        raise TypeError(f"{owner}'s `monitor` must be a metric name (got {monitor!r})")
    if not monitor:
        raise ValueError(f"{owner}'s `monitor` must be a non-empty metric name")
    return monitor


class EpochPruning:
    """One run's pruning bookkeeping: the monitored value of each epoch goes to
    the trial, the pruner's verdict is asked and remembered.

    Args:
        monitor: The metric's name in the framework's per-epoch metrics.
    """

    def __init__(self, monitor: str) -> None:
        self.monitor = monitor
        self.n_reported = 0
        self.pruned_epoch: int | None = None
        self.pruned_value: float | None = None

    @property
    def pruned(self) -> bool:
        """Whether the pruner stopped this run."""
        return self.pruned_epoch is not None

    def reset(self) -> None:
        """Forget earlier epochs and verdicts (a new training run starts)."""
        self.n_reported = 0
        self.pruned_epoch = None
        self.pruned_value = None

    def value(self, metrics: Mapping[str, Any], *, where: str) -> float:
        """The monitored value in ``metrics`` (see :func:`monitored_value`)."""
        return monitored_value(metrics, self.monitor, where=where)

    def report_and_ask(self, trial: PruningTrial, value: float, epoch: int) -> bool:
        """Report ``value`` at step ``epoch`` and ask the pruner; True means stop."""
        trial.report(value, epoch)
        self.n_reported += 1
        if not trial.should_prune():
            return False
        self.pruned_epoch, self.pruned_value = epoch, value
        return True

    def pruned_error(self) -> TrialPruned:
        """The exception that ends a pruned trial, saying where and why."""
        value = self.pruned_value
        shown = "nan" if value is None or math.isnan(value) else f"{value:.6g}"
        return TrialPruned(f"pruned after epoch {self.pruned_epoch} ({self.monitor} = {shown})")


def monitored_value(metrics: Mapping[str, Any], monitor: str, *, where: str) -> float:
    """The value of ``monitor`` in ``metrics``, as a float.

    Args:
        metrics: Metric names to numbers (or 0-d tensors and arrays).
        monitor: The name to look up.
        where: What ``metrics`` are, for messages ("the Keras logs of epoch 3").

    Raises:
        MonitorNotFoundError: ``metrics`` has no entry ``monitor``; the message
            lists the names it has.
        TypeError: The entry is not a single number.
    """
    if monitor not in metrics:
        raise MonitorNotFoundError(
            f"the monitored metric {monitor!r} is not in {where}; the metrics there are "
            f"{sorted(metrics)} (pass one of them as `monitor`)"
        )
    raw = metrics[monitor]
    try:
        return float(raw)
    except (TypeError, ValueError):
        raise TypeError(
            f"the monitored metric {monitor!r} must be a single number in {where} (got {raw!r})"
        ) from None
