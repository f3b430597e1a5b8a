"""Pruning a Lightning training from inside ``trainer.fit``.

:class:`LightningPruningCallback` reports a logged metric to the trial at the
end of every validation epoch and stops a run the trial's pruner gives up on
the Lightning way (``trainer.should_stop = True``: the epoch ends, the loops
wind down, checkpoints and loggers see a normal end of training). The trial
then ends PRUNED:

- **one process** (CPU, one GPU, ``devices=1``): ``trainer.fit`` raises
  :class:`~hypersense.TrialPruned` from the callback's ``on_fit_end``, so the
  objective needs no code of its own;
- **several devices on one node, ``strategy="ddp_spawn"``**: each rank runs in
  a process Lightning spawns, the trial stays in the objective's process.
  Only rank 0 reaches the trial, through a relay served from the objective's
  process (:mod:`hypersense.integrations._trial_relay`); its decision is
  broadcast to every rank, so all ranks stop after the same epoch. An
  exception cannot cross from a rank to the objective as itself, so after
  ``trainer.fit`` the objective calls :meth:`LightningPruningCallback.check_pruned`,
  which raises TrialPruned when the run was pruned. As for any spawned
  process, a script must start the study under ``if __name__ == "__main__":``.

Refused, with an error naming ``ddp_spawn``: ranks started by re-running the
script (``strategy="ddp"``, Lightning's default for several devices, and
``torchrun``), where every rank would run the objective and draw a trial of
its own; ranks forked from the objective's process (``ddp_fork``,
``ddp_notebook``); several nodes. ``ddp_spawn`` also needs the objective to
run in the study's own process (``n_jobs=1``): worker processes are daemons,
which may not start processes.

Needs Lightning 2 (``pip install "hypersense[lightning]"``; the ``lightning``
package, whose trainer is ``lightning.pytorch.Trainer``).
"""

from __future__ import annotations

import os
import weakref
from typing import Any

from hypersense._optional import import_optional
from hypersense.errors import HypersenseError
from hypersense.integrations._epoch_pruning import (
    EpochPruning,
    MonitorNotFoundError,
    PruningTrial,
    check_monitor,
    check_trial,
)
from hypersense.integrations._trial_relay import RelayAddress, RelayedTrial, TrialRelay
from hypersense.trial.trial import Trial

_PURPOSE = "Lightning's pruning callbacks (hypersense.integrations.lightning)"
import_optional("lightning", extra="lightning", purpose=_PURPOSE)  # the pip package's name
pl = import_optional("lightning.pytorch", extra="lightning", purpose=_PURPOSE)

_Callback: Any = pl.Callback

__all__ = [
    "LightningPruningCallback",
    "MonitorNotFoundError",
    "PyTorchLightningPruningCallback",
    "UnsupportedStrategyError",
]


_FIT = "fit"  # Lightning's TrainerFn.FITTING and the stage of trainer.fit


class UnsupportedStrategyError(HypersenseError, ValueError):
    """The trainer runs its ranks in a way the pruning callback cannot serve."""


class LightningPruningCallback(_Callback):  # type: ignore[misc]
    """Report a logged metric at each validation epoch's end; stop runs the pruner gives up on.

    Args:
        trial: The trial the objective received.
        monitor: A metric the LightningModule logs in validation
            (``self.log("val_loss", ...)``); with several ranks, log it with
            ``sync_dist=True`` to prune on the mean over ranks.

    The step reported is ``trainer.current_epoch``. The sanity check's
    validation is not reported. With several validations per epoch
    (``val_check_interval`` < 1) the first of each epoch counts.
    """

    def __init__(self, trial: Trial, monitor: str) -> None:
        super().__init__()
        self._trial: Trial | None = check_trial(trial, owner="LightningPruningCallback")
        self._pruning = EpochPruning(check_monitor(monitor, owner="LightningPruningCallback"))
        self._owner_pid = os.getpid()
        self._relay: TrialRelay | None = None  # in the trial's process, once ranks are spawned
        self._relay_address: RelayAddress | None = None  # in a spawned rank
        self._relayed: RelayedTrial | None = None  # rank 0's connection to the relay

    def __repr__(self) -> str:
        return f"LightningPruningCallback(trial={self._trial!r}, monitor={self.monitor!r})"

    @property
    def monitor(self) -> str:
        """The metric reported to the trial."""
        return self._pruning.monitor

    @property
    def pruned(self) -> bool:
        """Whether the pruner stopped the last run (in a spawned run: as the relay heard)."""
        return self._pruning.pruned or (self._relay is not None and self._relay.pruned)

    def check_pruned(self) -> None:
        """Raise :class:`~hypersense.TrialPruned` if the pruner stopped the last run.

        Call it after ``trainer.fit`` with ``strategy="ddp_spawn"``; in one
        process ``fit`` has raised already, and this does nothing.
        """
        relay = self._relay
        if relay is not None and relay.pruned and not self._pruning.pruned:
            value, epoch = relay.last_report or (float("nan"), -1)
            self._pruning.pruned_epoch, self._pruning.pruned_value = epoch, value
        if self._pruning.pruned:
            raise self._pruning.pruned_error()

    # ------------------------------------------------------------ pickling
    def __getstate__(self) -> dict[str, Any]:
        """The callback for a spawned rank: the trial stays here, behind a relay."""
        if self._trial is None:  # a rank's copy pickled again
            return dict(self.__dict__, _relayed=None)
        if self._relay is None or self._relay.is_done:
            self._relay = TrialRelay(self._trial)
            self._pruning.reset()
            # A relay nobody connects to (a copy never started) stops with this callback.
            weakref.finalize(self, self._relay.close)
        state = dict(self.__dict__)
        state.update(_trial=None, _relay=None, _relay_address=self._relay.address, _relayed=None)
        return state

    # --------------------------------------------------------------- hooks
    def setup(self, trainer: Any, pl_module: Any, stage: str) -> None:
        if stage != _FIT:
            return  # validate/test/predict runs are not the trial's training
        self._check_strategy(trainer)
        self._pruning.reset()
        if self._relay_address is not None and trainer.is_global_zero:
            self._relayed = RelayedTrial(self._relay_address)

    def on_validation_end(self, trainer: Any, pl_module: Any) -> None:
        if trainer.sanity_checking or trainer.state.fn != _FIT:
            return
        epoch = int(trainer.current_epoch)
        # Every rank looks the metric up, so a wrong name fails on all of them
        # rather than leaving the others waiting in the broadcast.
        value = self._pruning.value(
            trainer.callback_metrics, where=f"the metrics logged by epoch {epoch}"
        )
        decision: tuple[bool, str | None] = (False, None)
        failure: Exception | None = None
        if trainer.is_global_zero:
            try:
                decision = (
                    self._pruning.report_and_ask(self._reporting_trial(), value, epoch),
                    None,
                )
            except Exception as exc:  # noqa: BLE001 - re-raised below, after the other ranks know
                failure, decision = exc, (False, f"{type(exc).__name__}: {exc}")
        if trainer.world_size > 1:
            decision = trainer.strategy.broadcast(decision, src=0)
        stop, error = decision
        if failure is not None:
            raise failure
        if error is not None:
            raise RuntimeError(f"rank 0 could not reach the trial: {error}")
        if stop:
            self._pruning.pruned_epoch, self._pruning.pruned_value = epoch, value
            trainer.should_stop = True

    def on_fit_end(self, trainer: Any, pl_module: Any) -> None:
        self._disconnect()
        if self._trial is not None and self._pruning.pruned:
            raise self._pruning.pruned_error()  # the trial is in this process

    def on_exception(self, trainer: Any, pl_module: Any, exception: BaseException) -> None:
        self._disconnect()

    def teardown(self, trainer: Any, pl_module: Any, stage: str) -> None:
        self._disconnect()

    # ------------------------------------------------------------- helpers
    def _reporting_trial(self) -> PruningTrial:
        if self._trial is not None:
            return self._trial
        assert self._relayed is not None  # setup connected rank 0 of a spawned run
        return self._relayed

    def _disconnect(self) -> None:
        if self._relayed is not None:
            self._relayed.close()
            self._relayed = None

    def _check_strategy(self, trainer: Any) -> None:
        """Refuse ranks that cannot reach the trial (see the module's docs)."""
        if int(trainer.num_nodes) > 1:
            raise UnsupportedStrategyError(
                f"LightningPruningCallback runs on one node (got num_nodes={trainer.num_nodes}): "
                "the ranks of other nodes cannot reach the trial"
            )
        if self._relay_address is not None or trainer.world_size == 1:
            return  # a spawned rank (ddp_spawn), or one process
        how = (
            "forked from the objective's process (ddp_fork, ddp_notebook)"
            if os.getpid() != self._owner_pid
            else "started by re-running the script (strategy='ddp', torchrun), so every rank "
            "runs the objective with a trial of its own"
        )
        raise UnsupportedStrategyError(
            f"LightningPruningCallback cannot prune a run of {trainer.world_size} ranks "
            f"{how}; use Trainer(strategy='ddp_spawn', ...) and call callback.check_pruned() "
            "after trainer.fit"
        )


#: The name Optuna's integration gives the same callback.
PyTorchLightningPruningCallback = LightningPruningCallback
