"""The epoch loop of one training run: schedule, validation, reports, stopping."""

from __future__ import annotations

import logging
import math

import numpy as np
import torch
from numpy.typing import NDArray

from hypersense.torch.data import Batches
from hypersense.torch.early_stopping import EarlyStopping
from hypersense.torch.epoch import LossFn, MetricFn, evaluate, train_one_epoch
from hypersense.torch.optimizers import build_optimizer
from hypersense.torch.recipe import TrainingRecipe
from hypersense.torch.result import StopReason, TrainingResult
from hypersense.torch.schedules import PlateauState, lr_trajectory, plateau_update
from hypersense.trial.trial import Trial

__all__ = ["TrainingRun"]

_log = logging.getLogger(__name__)


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
    ) -> None:
        self._model, self._recipe = model, recipe
        self._batches, self._val_batches = batches, val_batches
        self._loss_fn, self._metric = loss_fn, metric
        self._restore_best, self._n_epochs = restore_best, n_epochs
        self._device, self._trial = device, trial
        self._stopper = stopper
        self._optimizer = build_optimizer(recipe, model.parameters())
        self._steps_per_epoch = _n_batches(batches)
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
        """Train epoch after epoch until a stop condition; return the result."""
        reason = StopReason.MAX_EPOCHS
        for epoch in range(self._n_epochs):
            value = self._train_and_validate(epoch)
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
        best = self.best_epoch
        if self._restore_best and self._best_state is not None and best != epoch:
            self._model.load_state_dict(self._best_state)
        return self.result(reason)

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
        )
        val_loss, val_metric = evaluate(
            self._model,
            self._val_batches,
            loss_fn=self._loss_fn,
            metric=self._metric,
            device=self._device,
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
        )


def _plan_points(planned: NDArray[np.float64], most: int = 200) -> tuple[tuple[int, float], ...]:
    """``(step, rate)`` at up to ``most`` evenly spread steps of ``planned``, the
    first and the last included."""
    steps = np.unique(np.linspace(0, len(planned) - 1, min(most, len(planned))).round())
    return tuple((int(s), float(planned[int(s)])) for s in steps)


def _n_batches(batches: Batches) -> int:
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
