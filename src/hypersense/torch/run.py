"""The epoch loop of one training run: schedule, validation, reports, stopping."""

from __future__ import annotations

import dataclasses
import logging
import math
from typing import Any, Protocol

import numpy as np
import torch
from numpy.typing import NDArray

from hypersense.torch.data import Batches
from hypersense.torch.early_stopping import EarlyStopping
from hypersense.torch.epoch import LossFn, MetricFn, evaluate, train_one_epoch
from hypersense.torch.optimizers import build_optimizer
from hypersense.torch.precision import MixedPrecision
from hypersense.torch.recipe import TrainingRecipe
from hypersense.torch.result import StopReason, TrainingResult
from hypersense.torch.schedules import PlateauState, lr_trajectory, plateau_update
from hypersense.trial.trial import Trial

__all__ = ["EpochCheckpointer", "TrainingRun", "count_batches"]

_log = logging.getLogger(__name__)


class EpochCheckpointer(Protocol):
    """What saves a run's checkpoints (see :mod:`hypersense.torch.resume`)."""

    def is_due(self, epoch: int) -> bool:
        """Whether to save after ``epoch`` (from 0), the run going on."""
        ...

    def save(self, run: TrainingRun, epoch: int) -> None:
        """Save the run's state after ``epoch``."""
        ...


class TrainingRun:
    """The state of one run: model, optimiser, curves, best epoch, plateau schedule.

    Built with everything resolved (recipe, batches, device); :meth:`run` trains
    up to ``n_epochs`` epochs and returns the result, :meth:`result` reads the
    curves so far (for a run that raised).

    Args:
        model: The freshly built model, on ``device``.
        recipe: The training recipe.
        batches: Training mini-batches (shuffled by their own generator).
        val_batches: Validation mini-batches.
        loss_fn: The batch's mean loss.
        metric: The batch's mean validation metric, or None for the loss.
        stopper: Early stopping, fresh; its direction is the monitored value's.
        restore_best: Put the best epoch's weights back at the end.
        n_epochs: Most epochs to train (a trial's budget may make it fewer
            than ``horizon_epochs``).
        horizon_epochs: Epochs the schedule is laid out over (default
            ``n_epochs``): a run cut short by a budget follows the full run's
            schedule instead of being annealed early.
        device: Where batches go.
        trial: Trial to report to and ask whether to prune, or None.
        precision: Mixed precision of the forward passes; None: full precision.
        checkpointer: Saves the run's state after the epochs it says, or None.
    """

    def __init__(
        self,
        model: torch.nn.Module,
        recipe: TrainingRecipe,
        batches: Batches,
        val_batches: Batches,
        *,
        loss_fn: LossFn,
        metric: MetricFn | None,
        stopper: EarlyStopping,
        restore_best: bool,
        n_epochs: int,
        device: torch.device,
        trial: Trial | None,
        horizon_epochs: int | None = None,
        precision: MixedPrecision | None = None,
        checkpointer: EpochCheckpointer | None = None,
    ) -> None:
        self._model, self._recipe = model, recipe
        self._precision = precision or MixedPrecision(device, enabled=False)
        self._checkpointer = checkpointer
        self._next_epoch = 0
        self._resumed_epoch: int | None = None
        self._batches, self._val_batches = batches, val_batches
        self._loss_fn, self._metric = loss_fn, metric
        self._restore_best, self._n_epochs = restore_best, n_epochs
        self._device, self._trial = device, trial
        self._stopper = stopper
        self._optimizer = build_optimizer(recipe, model.parameters())
        self._steps_per_epoch = count_batches(batches)
        self._horizon = max(n_epochs, horizon_epochs or n_epochs)
        planned = lr_trajectory(
            recipe, n_epochs=self._horizon, steps_per_epoch=self._steps_per_epoch
        )
        self._lrs = planned.tolist()
        self._plan = _plan_points(planned)
        self._plateau = PlateauState()
        self._best_state: dict[str, torch.Tensor] | None = None
        self._train_loss: list[float] = []
        self._val_loss: list[float] = []
        self._val_metric: list[float] = []
        self._lr: list[float] = []

    def run(self) -> TrainingResult:
        """Train epoch after epoch (from :attr:`next_epoch`) until a stop condition;
        return the result."""
        reason = StopReason.MAX_EPOCHS
        for epoch in range(self._next_epoch, self._n_epochs):
            value = self._train_and_validate(epoch)
            self._next_epoch = epoch + 1
            if not (math.isfinite(value) and math.isfinite(self._train_loss[-1])):
                _log.info("training diverged at epoch %d (non-finite loss or metric)", epoch)
                reason = StopReason.DIVERGED
                break
            if self._trial is not None and self._trial.should_prune():
                reason = StopReason.PRUNED
                break
            if self._stopper.should_stop:
                _log.info("early stop after epoch %d; best epoch %s", epoch, self.best_epoch)
                reason = StopReason.PATIENCE
                break
            going_on = epoch + 1 < self._n_epochs
            if going_on and self._checkpointer is not None and self._checkpointer.is_due(epoch):
                self._checkpointer.save(self, epoch)
        last = self._next_epoch - 1
        if self._restore_best and self._best_state is not None and self.best_epoch != last:
            self._model.load_state_dict(self._best_state)
        return self.result(reason)

    @property
    def next_epoch(self) -> int:
        """The epoch :meth:`run` trains next (from 0; > 0 after a resume)."""
        return self._next_epoch

    @property
    def batches(self) -> Batches:
        """The training mini-batches (their generator is part of a checkpoint)."""
        return self._batches

    def state_dict(self) -> dict[str, Any]:
        """Everything the run needs to go on after its last epoch, except the random
        generators' states: weights, optimiser, loss scaler, best weights, early
        stopping, plateau schedule, curves, and the next epoch."""
        return {
            "next_epoch": self._next_epoch,
            "model": _on_cpu(self._model.state_dict()),
            "optimizer": _on_cpu(self._optimizer.state_dict()),
            "precision": _on_cpu(self._precision.state_dict()),
            "best_state": None if self._best_state is None else _on_cpu(self._best_state),
            "stopper": self._stopper.state_dict(),
            "plateau": dataclasses.asdict(self._plateau),
            "curves": {
                "train_loss": list(self._train_loss),
                "val_loss": list(self._val_loss),
                "val_metric": list(self._val_metric),
                "lr": list(self._lr),
            },
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Continue from a state saved by :meth:`state_dict`."""
        self._model.load_state_dict(state["model"])
        self._optimizer.load_state_dict(state["optimizer"])  # moves its state to the device
        self._precision.load_state_dict(state["precision"])
        best = state["best_state"]
        self._best_state = (
            None if best is None else {k: v.to(self._device) for k, v in best.items()}
        )
        self._stopper.load_state_dict(state["stopper"])
        self._plateau = PlateauState(**state["plateau"])
        curves = state["curves"]
        self._train_loss = [float(v) for v in curves["train_loss"]]
        self._val_loss = [float(v) for v in curves["val_loss"]]
        self._val_metric = [float(v) for v in curves["val_metric"]]
        self._lr = [float(v) for v in curves["lr"]]
        self._next_epoch = int(state["next_epoch"])
        self._resumed_epoch = self._next_epoch

    @property
    def best_epoch(self) -> int | None:
        """The epoch with the best monitored value so far."""
        return self._stopper.best_epoch

    def _train_and_validate(self, epoch: int) -> float:
        """One epoch: train, validate, record, report; return the monitored value."""
        start = epoch * self._steps_per_epoch
        scale = max(self._plateau.multiplier, self._recipe.final_lr_ratio or 0.0)
        lrs = self._lrs[start : start + self._steps_per_epoch]
        if scale != 1.0:
            lrs = [lr * scale for lr in lrs]
        recipe = self._recipe
        train_loss = train_one_epoch(
            self._model,
            self._batches,
            self._optimizer,
            loss_fn=self._loss_fn,
            lrs=lrs,
            device=self._device,
            l1=recipe.l1,
            l2=recipe.l2,
            grad_clip_norm=recipe.grad_clip_norm,
            precision=self._precision,
        )
        val_loss, val_metric = evaluate(
            self._model,
            self._val_batches,
            loss_fn=self._loss_fn,
            metric=self._metric,
            device=self._device,
            precision=self._precision,
        )
        value = val_loss if val_metric is None else val_metric
        self._train_loss.append(train_loss)
        self._val_loss.append(val_loss)
        if val_metric is not None:
            self._val_metric.append(val_metric)
        self._lr.append(float(lrs[0]))
        _log.debug("epoch %d: train loss %.6g, validation %.6g", epoch, train_loss, value)
        if self._trial is not None:
            self._trial.report(value, epoch)
        if self._stopper.update(epoch, value) and self._restore_best:
            self._best_state = {k: v.detach().clone() for k, v in self._model.state_dict().items()}
        if recipe.schedule == "plateau":
            self._plateau = plateau_update(
                self._plateau,
                value,
                minimize=self._stopper.minimize,
                factor=recipe.plateau_factor,
                patience=recipe.plateau_patience,
                threshold=recipe.plateau_threshold,
            )
        return value

    def result(self, reason: StopReason) -> TrainingResult:
        """The result of the epochs trained so far, ended for ``reason``."""
        best = self._stopper.best_value
        return TrainingResult(
            model=self._model,
            recipe=self._recipe,
            best_epoch=self._stopper.best_epoch,
            best_value=math.nan if best is None else best,
            train_loss=tuple(self._train_loss),
            val_loss=tuple(self._val_loss),
            val_metric=tuple(self._val_metric) if self._metric is not None else None,
            lr=tuple(self._lr),
            n_params=sum(p.numel() for p in self._model.parameters()),
            stop_reason=reason,
            horizon_epochs=self._horizon,
            lr_plan=self._plan,
            steps_per_epoch=self._steps_per_epoch,
            resumed_epoch=self._resumed_epoch,
        )


def _plan_points(planned: NDArray[np.float64], most: int = 200) -> tuple[tuple[int, float], ...]:
    """``(step, rate)`` at up to ``most`` evenly spread steps of ``planned``, the
    first and the last included."""
    steps = np.unique(np.linspace(0, len(planned) - 1, min(most, len(planned))).round())
    return tuple((int(s), float(planned[int(s)])) for s in steps)


def _on_cpu(state: Any) -> Any:
    """``state`` with every tensor copied to the CPU (a checkpoint loads on any device)."""
    if isinstance(state, torch.Tensor):
        return state.detach().cpu()
    if isinstance(state, dict):
        return {key: _on_cpu(value) for key, value in state.items()}
    if isinstance(state, (list, tuple)):
        return type(state)(_on_cpu(value) for value in state)
    return state


def count_batches(batches: Batches) -> int:
    """The number of batches per pass of ``batches`` (>= 1)."""
    try:
        n = len(batches)
    except TypeError:
        raise TypeError(
            "the training data must have a length (batches per epoch) to lay out the "
            "learning-rate schedule; give a map-style Dataset or a sized DataLoader"
        ) from None
    if n < 1:
        raise ValueError("the training data holds no batch")
    return n
