"""Fine-tuning a pretrained :class:`~hypersense.tasks.torch_models.SmallCNN` with two
learning rates: the classic transfer-learning recipe.

The body's lowest ``n_frozen_layers`` blocks are frozen (no gradient, kept in
eval mode), the rest of the body trains at ``body_lr`` and the head at
``head_lr`` (Adam, one parameter group each), and the head may be
re-initialised first. :func:`hypersense.torch.fit` sets one learning rate for
every parameter group, so this module runs its own epoch loop on the same
building blocks (mini-batches, validation pass, seeding, thread limit) and
reports to a trial as ``fit`` does: the validation accuracy at step = epoch,
asking the pruner after each epoch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from hypersense._optional import import_optional
from hypersense.errors import TrialPruned
from hypersense.trial.trial import Trial

import_optional("torch", extra="torch", purpose="a PyTorch built-in task")

import torch  # noqa: E402

from hypersense.tasks.torch_models import SmallCNN  # noqa: E402
from hypersense.tasks.torch_task import accuracy, cross_entropy  # noqa: E402
from hypersense.torch.data import TensorBatches  # noqa: E402
from hypersense.torch.epoch import evaluate, split_batch, weighted_mean  # noqa: E402
from hypersense.torch.result import TrainingAttr  # noqa: E402
from hypersense.torch.runtime import torch_threads  # noqa: E402
from hypersense.torch.seeding import derive_seeds, seeded_global_rngs  # noqa: E402

__all__ = ["FineTuneRecipe", "FineTuneResult", "finetune", "freeze_lowest_blocks"]


@dataclass(frozen=True)
class FineTuneRecipe:
    """How a pretrained network is fine-tuned.

    Attributes:
        n_frozen_layers: Body blocks frozen from the bottom, in [0, 3]; 3
            trains the head alone (a linear probe).
        head_lr: Adam's learning rate of the head, > 0.
        body_lr: Adam's learning rate of the unfrozen body blocks, > 0
            (unused when every block is frozen).
        reinit_head: Draw fresh head weights instead of keeping the pretrained ones.
        batch_size: Examples per mini-batch, >= 1.
    """

    n_frozen_layers: int
    head_lr: float
    body_lr: float
    reinit_head: bool
    batch_size: int


@dataclass(frozen=True)
class FineTuneResult:
    """The fine-tuned model (best epoch's weights) and its curves.

    Attributes:
        model: The network, holding the weights of the best validation epoch.
        best_value: The best validation accuracy.
        best_epoch: The epoch (from 0) that reached it.
        train_loss: Mean training loss of each epoch.
        val_loss: Mean validation loss after each epoch.
        val_accuracy: Validation accuracy after each epoch.
    """

    model: SmallCNN
    best_value: float
    best_epoch: int
    train_loss: tuple[float, ...]
    val_loss: tuple[float, ...]
    val_accuracy: tuple[float, ...]


def freeze_lowest_blocks(model: SmallCNN, n_frozen: int) -> None:
    """Stop gradients into the lowest ``n_frozen`` body blocks of ``model``."""
    if not 0 <= n_frozen <= len(model.blocks):
        raise ValueError(
            f"`n_frozen_layers` must be in [0, {len(model.blocks)}] (got {n_frozen!r})"
        )
    for index, block in enumerate(model.blocks):
        for parameter in block.parameters():
            parameter.requires_grad_(index >= n_frozen)


def _optimizer(model: SmallCNN, recipe: FineTuneRecipe) -> torch.optim.Optimizer:
    body = [p for b in model.blocks for p in b.parameters() if p.requires_grad]
    groups = [{"params": list(model.head.parameters()), "lr": recipe.head_lr}]
    if body:
        groups.append({"params": body, "lr": recipe.body_lr})
    return torch.optim.Adam(groups)


def _train_epoch(
    model: SmallCNN, batches: TensorBatches, optimizer: torch.optim.Optimizer, n_frozen: int
) -> float:
    """One pass over ``batches``; frozen blocks stay in eval mode (no dropout or
    batch-norm updates). Returns the epoch's mean training loss."""
    model.train()
    for block in model.blocks[:n_frozen]:
        block.eval()
    losses: list[torch.Tensor] = []
    sizes: list[int] = []
    device = next(model.parameters()).device
    for batch in batches:
        inputs, target = split_batch(batch, device)
        optimizer.zero_grad(set_to_none=True)
        loss = cross_entropy(model(*inputs), target)
        torch.autograd.backward(loss)
        optimizer.step()
        losses.append(loss.detach())
        sizes.append(len(target))
    return weighted_mean(losses, sizes)


def _n_epochs(max_epochs: int, trial: Trial | None) -> int:
    budget = None if trial is None else trial.budget
    if budget is None or not math.isfinite(budget):
        return max_epochs
    return max(1, min(max_epochs, math.floor(budget)))


def finetune(
    model: SmallCNN,
    recipe: FineTuneRecipe,
    *,
    train: tuple[torch.Tensor, torch.Tensor],
    val: tuple[torch.Tensor, torch.Tensor],
    max_epochs: int,
    seed: int,
    trial: Trial | None = None,
    n_threads: int | None = None,
) -> FineTuneResult:
    """Fine-tune ``model`` (pretrained weights loaded) in place; validate each epoch.

    Args:
        model: The pretrained network; its head is re-initialised here if the
            recipe says so.
        recipe: Frozen blocks, the two learning rates, head re-initialisation,
            batch size.
        train: ``(images (n, 64), labels (n,))`` to fine-tune on.
        val: ``(images, labels)`` to validate on after each epoch.
        max_epochs: Most epochs (a multi-fidelity pruner's budget lowers it).
        seed: Seed of the new head's weights and of the mini-batch order.
        trial: Reported to (accuracy at step = epoch) and asked whether to prune.
        n_threads: PyTorch CPU threads (None: its default).

    Raises:
        hypersense.TrialPruned: The trial's pruner stopped training (the
            curves so far are stored on the trial first).
    """
    init_seed, order_seed = derive_seeds(seed, 2)
    with seeded_global_rngs(init_seed), torch_threads(n_threads):
        if recipe.reinit_head:
            model.head.reset_parameters()
        freeze_lowest_blocks(model, recipe.n_frozen_layers)
        optimizer = _optimizer(model, recipe)
        order = torch.Generator().manual_seed(order_seed)
        batches = TensorBatches(train, batch_size=recipe.batch_size, shuffle=True, generator=order)
        val_batches = TensorBatches(val, batch_size=max(1, len(val[1])), shuffle=False)
        curves: tuple[list[float], list[float], list[float]] = ([], [], [])
        best: tuple[float, int, dict[str, torch.Tensor]] | None = None
        for epoch in range(_n_epochs(max_epochs, trial)):
            curves[0].append(_train_epoch(model, batches, optimizer, recipe.n_frozen_layers))
            val_loss, value = evaluate(
                model,
                val_batches,
                loss_fn=cross_entropy,
                metric=accuracy,
                device=next(model.parameters()).device,
            )
            assert value is not None
            curves[1].append(val_loss)
            curves[2].append(value)
            if best is None or value > best[0]:
                best = (value, epoch, {k: v.clone() for k, v in model.state_dict().items()})
            if trial is not None:
                trial.report(value, epoch)
                if trial.should_prune():
                    _store_curves(trial, curves, best[1])
                    raise TrialPruned(f"pruned after epoch {epoch}")
    assert best is not None  # at least one epoch ran
    model.load_state_dict(best[2])
    if trial is not None:
        _store_curves(trial, curves, best[1])
    return FineTuneResult(
        model=model,
        best_value=best[0],
        best_epoch=best[1],
        train_loss=tuple(curves[0]),
        val_loss=tuple(curves[1]),
        val_accuracy=tuple(curves[2]),
    )


def _store_curves(
    trial: Trial, curves: tuple[list[float], list[float], list[float]], best_epoch: int
) -> None:
    trial.set_user_attr(TrainingAttr.TRAIN_LOSS, curves[0])
    trial.set_user_attr(TrainingAttr.VAL_LOSS, curves[1])
    trial.set_user_attr(TrainingAttr.VAL_METRIC, curves[2])
    trial.set_user_attr(TrainingAttr.BEST_EPOCH, best_epoch)
