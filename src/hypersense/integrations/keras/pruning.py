"""Pruning a Keras training from inside ``model.fit``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hypersense.integrations._epoch_pruning import (
    EpochPruning,
    MonitorNotFoundError,
    check_monitor,
    check_trial,
)
from hypersense.integrations.keras._backend import import_keras
from hypersense.trial.trial import Trial

keras = import_keras()
_Callback: Any = keras.callbacks.Callback

__all__ = ["KerasPruningCallback"]

_VALIDATION_PREFIX = "val_"


class KerasPruningCallback(_Callback):  # type: ignore[misc]
    """Report a metric to the trial after every epoch; stop a run its pruner gives up on.

    After each epoch, ``logs[monitor]`` is reported with ``trial.report(value,
    epoch)`` and the pruner is asked. A pruned run stops the Keras way
    (``model.stop_training = True``: the epoch's other callbacks run, the
    loop ends, every callback's ``on_train_end`` is called in turn), and this
    callback's ``on_train_end`` then raises :class:`~hypersense.TrialPruned`,
    so ``model.fit`` raises it and the trial ends PRUNED with no code in the
    objective. Callbacks listed after this one miss their ``on_train_end``
    when it raises: put it last.

    A validation metric (``val_...``) is skipped on an epoch whose logs hold
    no validation metric at all (``validation_freq`` > 1); a run that never
    validates, or a monitor that is not among the logged metrics, raises
    :class:`~hypersense.integrations.keras.MonitorNotFoundError` listing the
    names Keras logged.

    Args:
        trial: The trial the objective received.
        monitor: A metric in Keras's epoch logs: ``"val_loss"``,
            ``"val_accuracy"``, ``"loss"`` ...
        interval: Report and ask the pruner every this many epochs (epochs
            ``interval - 1``, ``2 * interval - 1``, ..., as Optuna's callback).

    Attributes:
        pruned: Whether the pruner stopped the last run.
        pruned_epoch: The epoch after which it stopped (None if it did not).
    """

    def __init__(self, trial: Trial, monitor: str = "val_loss", interval: int = 1) -> None:
        super().__init__()
        self._trial = check_trial(trial, owner="KerasPruningCallback")
        self._pruning = EpochPruning(check_monitor(monitor, owner="KerasPruningCallback"))
        if not isinstance(interval, int) or isinstance(interval, bool) or interval < 1:
            raise ValueError(
                f"KerasPruningCallback's `interval` must be an integer >= 1 (got {interval!r})"
            )
        self._interval = interval
        self._n_epochs = 0

    def __repr__(self) -> str:
        return (
            f"KerasPruningCallback(trial={self._trial!r}, monitor={self.monitor!r}, "
            f"interval={self._interval})"
        )

    @property
    def monitor(self) -> str:
        """The metric reported to the trial."""
        return self._pruning.monitor

    @property
    def pruned(self) -> bool:
        return self._pruning.pruned

    @property
    def pruned_epoch(self) -> int | None:
        return self._pruning.pruned_epoch

    def on_train_begin(self, logs: Mapping[str, Any] | None = None) -> None:
        self._pruning.reset()
        self._n_epochs = 0

    def on_epoch_end(self, epoch: int, logs: Mapping[str, Any] | None = None) -> None:
        logs = logs or {}
        self._n_epochs += 1
        if (epoch + 1) % self._interval != 0:
            return
        if self.monitor not in logs and self._validation_skipped(logs):
            return
        value = self._pruning.value(logs, where=f"the Keras logs of epoch {epoch}")
        if self._pruning.report_and_ask(self._trial, value, epoch):
            self.model.stop_training = True

    def on_train_end(self, logs: Mapping[str, Any] | None = None) -> None:
        if self._pruning.pruned:
            raise self._pruning.pruned_error()
        if self._n_epochs >= self._interval and self._pruning.n_reported == 0:
            raise MonitorNotFoundError(
                f"KerasPruningCallback monitors {self.monitor!r}, but none of the "
                f"{self._n_epochs} epoch(s) validated; pass `validation_data` or "
                "`validation_split` to fit, or monitor a training metric"
            )

    def _validation_skipped(self, logs: Mapping[str, Any]) -> bool:
        """Whether Keras did not validate this epoch while a validation metric is
        monitored (then the epoch has nothing to report)."""
        return self.monitor.startswith(_VALIDATION_PREFIX) and not any(
            name.startswith(_VALIDATION_PREFIX) for name in logs
        )
