"""What a training run returns, and the trial attributes it writes."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

import torch

from hypersense.torch.recipe import TrainingRecipe
from hypersense.torch.weights import weight_histograms

__all__ = ["StopReason", "TrainingAttr", "TrainingResult"]


class StopReason(enum.Enum):
    """Why training ended."""

    MAX_EPOCHS = "max_epochs"  #: every epoch of the run was trained
    PATIENCE = "patience"  #: validation stopped improving (early stopping)
    DIVERGED = "diverged"  #: the training loss or the validation value was NaN/inf
    PRUNED = "pruned"  #: the trial's pruner asked to stop
    FAILED = "failed"  #: training raised (only in the attributes stored on the trial)

    def __repr__(self) -> str:
        return f"StopReason.{self.name}"


class TrainingAttr:
    """Keys of the user attributes the training helper stores on a trial.

    Curves are lists of floats, one entry per trained epoch (epoch 0 first).
    """

    TRAIN_LOSS = "train_loss"  #: mean training loss of each epoch (penalties excluded)
    VAL_LOSS = "val_loss"  #: mean validation loss after each epoch
    VAL_METRIC = "val_metric"  #: the validation metric after each epoch (with a metric)
    LR = "lr"  #: the learning rate of each epoch's first optimiser step
    N_PARAMS = "n_params"  #: number of the model's parameters (int)
    BEST_EPOCH = "best_epoch"  #: the epoch whose weights the model keeps (int or None)
    STOP_REASON = "stop_reason"  #: a StopReason value (str)
    RECIPE = "recipe"  #: the full training recipe (dict), fixed fields included
    #: epochs the schedule was laid out over (``max_epochs``, also when a
    #: budget stopped the run earlier), int
    HORIZON_EPOCHS = "horizon_epochs"
    #: the planned rate over the horizon: ``{"steps": [...], "lrs": [...],
    #: "steps_per_epoch": int}`` at up to 200 optimiser steps (plateau: its base)
    LR_PLAN = "lr_plan"
    #: per-layer histograms of the final model's weights,
    #: ``{layer: {"edges": [...], "counts": [...]}}`` (the report's weight figure)
    WEIGHT_HISTOGRAMS = "weight_histograms"
    #: the epoch a run resumed from a checkpoint started at (int; absent when
    #: it trained from epoch 0), see ``fit(..., checkpoint_every=...)``
    RESUMED_EPOCH = "resumed_epoch"


@dataclass(frozen=True)
class TrainingResult:
    """The outcome of one training run.

    Attributes:
        model: The trained model, holding the best epoch's weights when they
            were restored (the default), else the last epoch's.
        recipe: The training recipe used.
        best_epoch: The epoch (from 0) with the best validation value; None
            when no epoch had a finite one.
        best_value: The best validation value (the metric, or the loss without
            one); NaN when no epoch had a finite one.
        train_loss: Mean training loss of each epoch, penalties excluded.
        val_loss: Mean validation loss after each epoch.
        val_metric: The validation metric after each epoch; None without a metric.
        lr: The learning rate of each epoch's first optimiser step.
        n_params: Number of the model's parameters.
        stop_reason: Why training ended.
        horizon_epochs: Epochs the schedule was laid out over (None: unknown).
        lr_plan: ``(step, rate)`` pairs of the planned schedule over the
            horizon, at up to 200 steps (first and last included).
        steps_per_epoch: Optimiser steps per epoch (None: unknown).
        resumed_epoch: The first epoch this run trained itself when it resumed
            from a checkpoint (the curves before it come from the checkpoint);
            None when it trained from epoch 0.
    """

    model: torch.nn.Module = field(repr=False)
    recipe: TrainingRecipe
    best_epoch: int | None
    best_value: float
    train_loss: tuple[float, ...]
    val_loss: tuple[float, ...]
    val_metric: tuple[float, ...] | None
    lr: tuple[float, ...]
    n_params: int
    stop_reason: StopReason
    horizon_epochs: int | None = None
    lr_plan: tuple[tuple[int, float], ...] = ()
    steps_per_epoch: int | None = None
    resumed_epoch: int | None = None

    @property
    def n_epochs(self) -> int:
        """How many epochs were trained."""
        return len(self.train_loss)

    @property
    def monitored(self) -> tuple[float, ...]:
        """The per-epoch values early stopping and the pruner saw."""
        return self.val_loss if self.val_metric is None else self.val_metric

    @property
    def stopped_early(self) -> bool:
        """Whether training ended before ``max_epochs`` (patience or divergence)."""
        return self.stop_reason in (StopReason.PATIENCE, StopReason.DIVERGED)

    @property
    def pruned(self) -> bool:
        """Whether the trial's pruner stopped training."""
        return self.stop_reason is StopReason.PRUNED

    def to_attrs(self) -> dict[str, Any]:
        """The JSON-ready trial attributes of this run (keys of :class:`TrainingAttr`);
        the weight histograms are those of :attr:`model` as it is returned."""
        attrs: dict[str, Any] = {
            TrainingAttr.TRAIN_LOSS: list(self.train_loss),
            TrainingAttr.VAL_LOSS: list(self.val_loss),
            TrainingAttr.LR: list(self.lr),
            TrainingAttr.N_PARAMS: self.n_params,
            TrainingAttr.BEST_EPOCH: self.best_epoch,
            TrainingAttr.STOP_REASON: self.stop_reason.value,
            TrainingAttr.RECIPE: self.recipe.to_dict(),
        }
        if self.val_metric is not None:
            attrs[TrainingAttr.VAL_METRIC] = list(self.val_metric)
        if self.horizon_epochs is not None:
            attrs[TrainingAttr.HORIZON_EPOCHS] = self.horizon_epochs
        if self.lr_plan:
            attrs[TrainingAttr.LR_PLAN] = {
                "steps": [step for step, _ in self.lr_plan],
                "lrs": [lr for _, lr in self.lr_plan],
                "steps_per_epoch": self.steps_per_epoch,
            }
        if self.resumed_epoch is not None:
            attrs[TrainingAttr.RESUMED_EPOCH] = self.resumed_epoch
        attrs[TrainingAttr.WEIGHT_HISTOGRAMS] = weight_histograms(self.model)
        return attrs
