"""Learning-rate schedules as pure formulas of the optimiser step or the epoch.

Each schedule is a function on numpy arrays, so a whole trajectory is computed
once before training and tests check it against the formula directly. Steps and
epochs count from 0; ``total_steps`` is ``n_epochs * steps_per_epoch``.

- ``constant``: ``lr``.
- ``step``: ``lr * gamma ** floor(epoch / step_size_epochs)``.
- ``exponential``: ``lr * gamma ** epoch``.
- ``cosine``: ``min + (lr - min) * (1 + cos(pi * s / S)) / 2`` per step ``s``
  of ``S`` (Loshchilov & Hutter, 2017, without restarts).
- ``warmup_cosine``: ``lr * (s + 1) / W`` for the first ``W`` steps, then the
  cosine above over the remaining ``S - W`` steps. The warm-up starts at
  ``lr / W``, not 0, so no step is spent with a zero rate.
- ``one_cycle``: from ``lr / div_factor`` up to ``lr`` along a half cosine, the
  peak at step ``pct_start * S - 1``, then down to ``lr / div_factor /
  final_div_factor`` at step ``S - 1`` (Smith & Topin, 2018; the phase ends
  are those of ``torch.optim.lr_scheduler.OneCycleLR``; momentum is not cycled).
- ``plateau``: ``lr`` times a multiplier that :func:`plateau_update` lowers by
  ``factor`` once the validation metric has not improved for more than
  ``patience`` epochs (as ``ReduceLROnPlateau`` in relative-threshold mode).

A recipe's ``warmup_fraction`` puts the linear warm-up of ``warmup_cosine`` in
front of any shape but ``one_cycle``: the shape then runs on its own clock,
which starts when the warm-up ends (its epochs count from there). A recipe's
``final_lr_ratio`` sets where every shape ends: ``step`` and ``exponential``
take the decay factor that reaches ``lr * final_lr_ratio`` in their last
epoch, ``cosine`` ends at it, ``one_cycle`` falls to it, and ``plateau`` is
floored at it (by the training loop).

``n_epochs`` is the run's horizon: the most epochs it may train (``max_epochs``),
not a multi-fidelity budget that stops it early, so a run cut short follows
the same schedule as a full one for as long as it trains.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from hypersense.torch.recipe import TrainingRecipe

__all__ = [
    "PlateauState",
    "cosine_floor_lr",
    "cosine_lr",
    "epoch_decay",
    "exponential_lr",
    "lr_trajectory",
    "one_cycle_lr",
    "plateau_multipliers",
    "plateau_update",
    "step_decay_lr",
    "step_size_epochs",
    "warmup_cosine_lr",
    "warmup_share",
    "warmup_steps",
]


def _round_half_up(x: float) -> int:
    return math.floor(x + 0.5)


def step_size_epochs(step_fraction: float, n_epochs: int) -> int:
    """Epochs between two decays of a ``step`` schedule: ``step_fraction`` of the
    run, rounded to the nearest epoch, at least 1."""
    return max(1, _round_half_up(step_fraction * n_epochs))


def warmup_steps(warmup_fraction: float, total_steps: int) -> int:
    """Optimiser steps of a warm-up: ``warmup_fraction`` of ``total_steps``, rounded."""
    return _round_half_up(warmup_fraction * total_steps)


def step_decay_lr(
    base_lr: float, epochs: ArrayLike, *, step_size_epochs: int, gamma: float
) -> NDArray[np.float64]:
    """``base_lr * gamma ** floor(epoch / step_size_epochs)``; shape of ``epochs``."""
    e = np.asarray(epochs)
    out: NDArray[np.float64] = base_lr * np.power(gamma, e // step_size_epochs, dtype=float)
    return out


def exponential_lr(base_lr: float, epochs: ArrayLike, *, gamma: float) -> NDArray[np.float64]:
    """``base_lr * gamma ** epoch``; shape of ``epochs``."""
    out: NDArray[np.float64] = base_lr * np.power(gamma, np.asarray(epochs), dtype=float)
    return out


def _cosine_anneal(start: float, end: float, progress: NDArray[np.float64]) -> NDArray[np.float64]:
    """From ``start`` at progress 0 to ``end`` at progress 1 along a half cosine."""
    out: NDArray[np.float64] = end + (start - end) * (1.0 + np.cos(np.pi * progress)) / 2.0
    return out


def cosine_lr(
    base_lr: float, steps: ArrayLike, *, total_steps: int, min_lr: float = 0.0
) -> NDArray[np.float64]:
    """Cosine decay from ``base_lr`` at step 0 towards ``min_lr`` at ``total_steps``.

    Args:
        base_lr: The rate at step 0.
        steps: Optimiser steps (any shape), counted from 0.
        total_steps: Steps of the whole run, >= 1.
        min_lr: The rate the curve reaches at ``total_steps``.

    Returns:
        The rate at each step, shape of ``steps``.
    """
    s = np.asarray(steps, dtype=float)
    return _cosine_anneal(base_lr, min_lr, s / total_steps)


def warmup_cosine_lr(
    base_lr: float,
    steps: ArrayLike,
    *,
    warmup_steps: int,
    total_steps: int,
    min_lr: float = 0.0,
) -> NDArray[np.float64]:
    """A linear warm-up over ``warmup_steps`` steps, then cosine decay to ``min_lr``.

    Args:
        base_lr: The rate at the end of the warm-up.
        steps: Optimiser steps (any shape), counted from 0.
        warmup_steps: Steps of the warm-up, in [0, total_steps].
        total_steps: Steps of the whole run, >= 1.
        min_lr: The rate the cosine reaches at ``total_steps``.

    Returns:
        The rate at each step, shape of ``steps``.
    """
    s = np.asarray(steps, dtype=float)
    warm = base_lr * (s + 1.0) / max(warmup_steps, 1)
    decay_steps = max(total_steps - warmup_steps, 1)
    cosine = _cosine_anneal(base_lr, min_lr, (s - warmup_steps) / decay_steps)
    out: NDArray[np.float64] = np.where(s < warmup_steps, warm, cosine)
    return out


def one_cycle_lr(
    max_lr: float,
    steps: ArrayLike,
    *,
    total_steps: int,
    pct_start: float,
    div_factor: float,
    final_div_factor: float,
) -> NDArray[np.float64]:
    """The one-cycle policy: a cosine rise to ``max_lr``, then a cosine fall far below.

    Args:
        max_lr: The peak rate.
        steps: Optimiser steps (any shape), counted from 0 to ``total_steps - 1``.
        total_steps: Steps of the whole run, >= 1.
        pct_start: Share of the run spent rising, in (0, 1).
        div_factor: The first rate is ``max_lr / div_factor``.
        final_div_factor: The last rate is the first one divided by this.

    Returns:
        The rate at each step, shape of ``steps``.
    """
    s = np.asarray(steps, dtype=float)
    initial = max_lr / div_factor
    final = initial / final_div_factor
    peak = pct_start * total_steps - 1.0  # the step at which the rate is max_lr
    rising = s <= peak if peak > 0 else np.zeros(s.shape, dtype=bool)
    up = _cosine_anneal(initial, max_lr, s / peak if peak > 0 else s)
    down = _cosine_anneal(max_lr, final, (s - peak) / (total_steps - 1.0 - peak))
    out: NDArray[np.float64] = np.where(rising, up, down)
    return out


@dataclass(frozen=True)
class PlateauState:
    """Where a reduce-on-plateau schedule stands after some epochs.

    Attributes:
        best: The best validation value so far (None before the first finite one).
        n_bad_epochs: Epochs since the last improvement (reset by a reduction).
        multiplier: The factor applied to the base rate from the next epoch on.
    """

    best: float | None = None
    n_bad_epochs: int = 0
    multiplier: float = 1.0


def plateau_update(
    state: PlateauState,
    value: float,
    *,
    minimize: bool,
    factor: float,
    patience: int,
    threshold: float,
) -> PlateauState:
    """The plateau state after one more epoch whose validation value is ``value``.

    An improvement beats the best value by more than ``threshold * |best|``
    (a NaN never improves). Once more than ``patience`` epochs in a row have
    not improved, the multiplier is scaled by ``factor`` and the count restarts.
    """
    if state.best is None:
        improved = math.isfinite(value)
    elif minimize:
        improved = value < state.best - threshold * abs(state.best)
    else:
        improved = value > state.best + threshold * abs(state.best)
    if improved:
        return PlateauState(best=value, n_bad_epochs=0, multiplier=state.multiplier)
    n_bad = state.n_bad_epochs + 1
    if n_bad > patience:
        return PlateauState(best=state.best, n_bad_epochs=0, multiplier=state.multiplier * factor)
    return PlateauState(best=state.best, n_bad_epochs=n_bad, multiplier=state.multiplier)


def plateau_multipliers(
    values: ArrayLike, *, minimize: bool, factor: float, patience: int, threshold: float
) -> NDArray[np.float64]:
    """Multipliers of the base rate for each epoch, given per-epoch validation values.

    Args:
        values: Shape ``(n,)``, the validation value after each epoch.
        minimize: Whether smaller values are better.
        factor: Reduction factor, in (0, 1).
        patience: Epochs without improvement tolerated.
        threshold: Smallest relative change that counts as an improvement.

    Returns:
        Shape ``(n + 1,)``: entry ``e`` is the multiplier in force during epoch
        ``e`` (1 for epoch 0; entry ``n`` is the one after the last value).
    """
    state = PlateauState()
    out = [state.multiplier]
    for v in np.asarray(values, dtype=float).ravel():
        state = plateau_update(
            state,
            float(v),
            minimize=minimize,
            factor=factor,
            patience=patience,
            threshold=threshold,
        )
        out.append(state.multiplier)
    return np.array(out, dtype=float)


def warmup_share(recipe: TrainingRecipe) -> float:
    """The share of the run spent warming up: the recipe's ``warmup_fraction``,
    else 0.1 for ``warmup_cosine`` and 0 for the other schedules (``one_cycle``
    always 0: it rises over ``pct_start`` instead)."""
    if recipe.schedule == "one_cycle":
        return 0.0
    if recipe.warmup_fraction is not None:
        return recipe.warmup_fraction
    return 0.1 if recipe.schedule == "warmup_cosine" else 0.0


def lr_trajectory(
    recipe: TrainingRecipe, *, n_epochs: int, steps_per_epoch: int
) -> NDArray[np.float64]:
    """The rate of every optimiser step of a run under ``recipe``'s schedule.

    The ``plateau`` schedule depends on validation values not known in advance:
    its trajectory is the constant base rate (after any warm-up), which the
    training loop scales by the current :class:`PlateauState` multiplier.

    Args:
        recipe: Gives ``lr``, ``schedule`` and the schedule's settings.
        n_epochs: Epochs of the run's horizon, >= 1.
        steps_per_epoch: Optimiser steps per epoch, >= 1.

    Returns:
        Shape ``(n_epochs * steps_per_epoch,)``.
    """
    total = n_epochs * steps_per_epoch
    steps = np.arange(total)
    lr, kind, ratio = recipe.lr, recipe.schedule, recipe.final_lr_ratio
    if kind == "one_cycle":
        final_div = recipe.final_div_factor if ratio is None else 1.0 / (ratio * recipe.div_factor)
        return one_cycle_lr(
            lr,
            steps,
            total_steps=total,
            pct_start=recipe.pct_start,
            div_factor=recipe.div_factor,
            final_div_factor=final_div,
        )
    warm = warmup_steps(warmup_share(recipe), total)
    if kind in ("cosine", "warmup_cosine"):
        min_lr = cosine_floor_lr(recipe)
        return warmup_cosine_lr(lr, steps, warmup_steps=warm, total_steps=total, min_lr=min_lr)
    clock = np.maximum(steps - warm, 0)  # the shape's own step, from the end of the warm-up
    shape = _epoch_shape(recipe, clock // steps_per_epoch, total - warm, steps_per_epoch, n_epochs)
    ramp = lr * (steps + 1.0) / max(warm, 1)
    out: NDArray[np.float64] = np.where(steps < warm, ramp, shape)
    return out


def cosine_floor_lr(recipe: TrainingRecipe) -> float:
    """The rate a ``cosine`` or ``warmup_cosine`` schedule ends at: ``lr`` times
    ``final_lr_ratio``, else times ``min_lr_ratio``."""
    ratio = recipe.min_lr_ratio if recipe.final_lr_ratio is None else recipe.final_lr_ratio
    return recipe.lr * ratio


def epoch_decay(recipe: TrainingRecipe, *, n_epochs: int, last_epoch: int) -> tuple[int, float]:
    """How a ``step`` or ``exponential`` schedule decays: every how many epochs, by what factor.

    The factor is the recipe's own (``step_gamma``, ``exp_gamma``) unless
    ``final_lr_ratio`` is set; then it is the one that reaches ``lr *
    final_lr_ratio`` in ``last_epoch``.

    Args:
        recipe: A recipe whose ``schedule`` is ``step`` or ``exponential``.
        n_epochs: Epochs of the run's horizon (a ``step`` size is a share of it).
        last_epoch: The schedule's last epoch on its own clock (``n_epochs - 1``
            without a warm-up).

    Returns:
        ``(epochs_per_decay, factor)``: the rate is ``lr * factor ** (epoch //
        epochs_per_decay)``.
    """
    ratio = recipe.final_lr_ratio
    if recipe.schedule == "step":
        size = step_size_epochs(recipe.step_fraction, n_epochs)
        drops = last_epoch // size
        gamma = recipe.step_gamma if ratio is None or drops == 0 else ratio ** (1.0 / drops)
        return size, gamma
    if recipe.schedule == "exponential":
        if ratio is not None and last_epoch > 0:
            return 1, ratio ** (1.0 / last_epoch)
        return 1, recipe.exp_gamma
    raise ValueError(
        f"only the step and exponential schedules decay per epoch (got {recipe.schedule!r})"
    )


def _epoch_shape(
    recipe: TrainingRecipe,
    epochs: NDArray[np.int64],
    decay_steps: int,
    steps_per_epoch: int,
    n_epochs: int,
) -> NDArray[np.float64]:
    """The per-epoch shapes (step, exponential; constant and plateau's base)
    at the shape's own epochs; ``decay_steps`` is the length of its clock."""
    if recipe.schedule not in ("step", "exponential"):
        return np.full(epochs.shape, recipe.lr, dtype=float)  # constant, and plateau's base
    last_epoch = max(math.ceil(decay_steps / steps_per_epoch) - 1, 0)
    size, gamma = epoch_decay(recipe, n_epochs=n_epochs, last_epoch=last_epoch)
    if recipe.schedule == "step":
        return step_decay_lr(recipe.lr, epochs, step_size_epochs=size, gamma=gamma)
    return exponential_lr(recipe.lr, epochs, gamma=gamma)
