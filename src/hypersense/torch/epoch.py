"""One pass of training and one pass of validation over mini-batches.

Both passes keep each batch's loss on the model's device and read them back
together once per pass, so a batch costs no host-device synchronisation and no
arithmetic beyond the training step itself (a hand-written ``loss.item()`` per
batch would wait for the device every batch).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import Any

import torch

from hypersense.torch.data import Batches
from hypersense.torch.precision import MixedPrecision
from hypersense.torch.regularization import parameter_penalty

__all__ = ["LossFn", "MetricFn", "evaluate", "train_one_epoch", "weighted_mean"]

#: ``loss(outputs, targets)`` -> the batch's mean loss (a scalar tensor).
LossFn = Callable[[Any, torch.Tensor], torch.Tensor]
#: ``metric(outputs, targets)`` -> the batch's mean metric (scalar tensor or float).
MetricFn = Callable[[Any, torch.Tensor], "torch.Tensor | float"]


def split_batch(batch: Any, device: torch.device) -> tuple[list[torch.Tensor], torch.Tensor]:
    """Move a ``(inputs..., target)`` batch to ``device``; return inputs and target."""
    if not isinstance(batch, (tuple, list)) or len(batch) < 2:
        raise TypeError(
            "each batch must be a tuple (inputs..., target) of at least two tensors "
            f"(got {type(batch).__name__})"
        )
    # Comparing devices costs a fraction of a no-op ``.to()`` call.
    moved = [t if t.device == device else t.to(device, non_blocking=True) for t in batch]
    return moved[:-1], moved[-1]


def train_one_epoch(
    model: torch.nn.Module,
    batches: Batches,
    optimizer: torch.optim.Optimizer,
    *,
    loss_fn: LossFn,
    lrs: Sequence[float],
    device: torch.device,
    l1: float = 0.0,
    l2: float = 0.0,
    grad_clip_norm: float | None = None,
    precision: MixedPrecision | None = None,
) -> float:
    """Train ``model`` on every batch once; return the epoch's mean training loss.

    Args:
        model: The model, already on ``device``.
        batches: Mini-batches ``(inputs..., target)``.
        optimizer: The optimiser of the model's parameters.
        loss_fn: The batch's mean loss from outputs and targets.
        lrs: The learning rate of each step of this epoch; a loader yielding
            more batches than announced keeps the last rate.
        device: Where batches go.
        l1: Coefficient of the L1 penalty added to the loss.
        l2: Coefficient of the L2 penalty added to the loss.
        grad_clip_norm: Largest joint gradient norm, or None.
        precision: Mixed precision (autocast, loss scaling); None: full precision.

    Returns:
        The mean of the data loss over the epoch's examples (penalties excluded).
    """
    model.train()
    precision = precision or MixedPrecision(device, enabled=False)
    params = [p for p in model.parameters() if p.requires_grad]
    groups = optimizer.param_groups
    last = len(lrs) - 1
    losses: list[torch.Tensor] = []
    sizes: list[int] = []
    previous_lr = None
    for step, batch in enumerate(batches):
        lr = lrs[step if step < last else last]
        if lr != previous_lr:  # constant stretches of a schedule cost nothing
            for group in groups:
                group["lr"] = lr
            previous_lr = lr
        inputs, target = split_batch(batch, device)
        optimizer.zero_grad(set_to_none=True)
        with precision.autocast():
            loss = loss_fn(model(*inputs), target)
        penalty = parameter_penalty(params, l1=l1, l2=l2)  # on the full-precision weights
        precision.step(
            loss if penalty is None else loss + penalty, optimizer, params, grad_clip_norm
        )
        losses.append(loss.detach())
        sizes.append(len(target))
    if not losses:
        raise ValueError("the training data yielded no batch")
    return weighted_mean(losses, sizes)


def weighted_mean(values: Sequence[torch.Tensor], sizes: Sequence[int]) -> float:
    """The mean of per-batch means ``values`` weighted by batch ``sizes``.

    The batch values are read back in one transfer and summed in float64.
    """
    stacked = torch.stack([v.reshape(()) for v in values]).cpu().double()
    weights = torch.tensor(sizes, dtype=torch.float64)
    return float(torch.dot(stacked, weights)) / float(weights.sum())


def evaluate(
    model: torch.nn.Module,
    batches: Batches,
    *,
    loss_fn: LossFn,
    metric: MetricFn | None,
    device: torch.device,
    precision: MixedPrecision | None = None,
) -> tuple[float, float | None]:
    """The mean loss (and metric) of ``model`` over every validation example.

    Batch means are weighted by batch size, so the metric must be a mean over
    examples (accuracy, a loss); a metric that is not (AUC, F1) would come out
    as an average of batch values. With ``precision``, the forward passes
    run under its autocast, as in training.

    Returns:
        ``(mean loss, mean metric or None)``.
    """
    model.eval()
    losses: list[torch.Tensor] = []
    metrics: list[torch.Tensor] = []
    sizes: list[int] = []
    autocast = precision.autocast() if precision is not None else contextlib.nullcontext()
    with torch.no_grad(), autocast:
        for batch in batches:
            inputs, target = split_batch(batch, device)
            outputs = model(*inputs)
            losses.append(loss_fn(outputs, target))
            if metric is not None:
                metrics.append(torch.as_tensor(metric(outputs, target)))
            sizes.append(len(target))
    if not losses:
        raise ValueError("the validation data yielded no batch")
    mean_metric = weighted_mean(metrics, sizes) if metric is not None else None
    return weighted_mean(losses, sizes), mean_metric
