"""A training recipe's learning-rate schedule as a Keras ``LearningRateSchedule``.

The schedules are those of :mod:`hypersense.torch.schedules`, step for step:
Keras calls a schedule with the optimiser's iteration count, which starts at
0 for the first update, as the steps of ``lr_trajectory`` do.

- Without a warm-up, ``step`` and ``exponential`` decay once per epoch (or
  once per ``step_size`` epochs): Keras's own ``ExponentialDecay`` with
  ``staircase=True`` and ``decay_steps`` a whole number of epochs' steps;
  ``cosine`` is Keras's own ``CosineDecay`` with ``alpha`` the floor's share.
- Every other recipe (a warm-up, ``warmup_cosine``, ``one_cycle``,
  ``constant``, ``plateau``) is a :class:`RecipeSchedule`: the rates of
  ``lr_trajectory``, looked up by step. Its ``multiplier`` is what
  :class:`PlateauCallback` lowers when the monitored metric stalls.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from hypersense._options import check_int
from hypersense.integrations._epoch_pruning import check_monitor, monitored_value
from hypersense.integrations.keras._backend import import_keras
from hypersense.torch.recipe import TrainingRecipe
from hypersense.torch.schedules import (
    PlateauState,
    cosine_floor_lr,
    epoch_decay,
    lr_trajectory,
    plateau_update,
    warmup_share,
    warmup_steps,
)

keras = import_keras()
_Callback: Any = keras.callbacks.Callback
_LearningRateSchedule: Any = keras.optimizers.schedules.LearningRateSchedule

__all__ = ["PlateauCallback", "RecipeSchedule", "as_recipe", "lr_schedule"]


def as_recipe(recipe: TrainingRecipe | Mapping[str, Any]) -> TrainingRecipe:
    """``recipe``, or the recipe of a dict of its fields."""
    return recipe if isinstance(recipe, TrainingRecipe) else TrainingRecipe.from_dict(recipe)


@keras.saving.register_keras_serializable(package="hypersense")
class RecipeSchedule(_LearningRateSchedule):  # type: ignore[misc]
    """The rate of each optimiser step of a recipe, times a multiplier.

    The rates are :func:`~hypersense.torch.schedules.lr_trajectory`'s over
    ``n_epochs * steps_per_epoch`` steps; later steps keep the last rate. The
    config holds the recipe, not the rates, so a saved model stays small.

    Args:
        recipe: The training recipe (or its dict).
        n_epochs: Epochs the schedule is laid out over (the run's horizon).
        steps_per_epoch: Optimiser steps per epoch (batches per epoch).
        multiplier: Factor on every rate (:class:`PlateauCallback` lowers it).
    """

    def __init__(
        self,
        recipe: TrainingRecipe | Mapping[str, Any],
        *,
        n_epochs: int,
        steps_per_epoch: int,
        multiplier: float = 1.0,
    ) -> None:
        super().__init__()
        self.recipe = as_recipe(recipe)
        self.n_epochs = check_int("n_epochs", n_epochs, minimum=1)
        self.steps_per_epoch = check_int("steps_per_epoch", steps_per_epoch, minimum=1)
        if not 0.0 < multiplier <= 1.0:
            raise ValueError(f"`multiplier` must be in (0, 1] (got {multiplier!r})")
        self.multiplier = float(multiplier)
        self.rates = lr_trajectory(
            self.recipe, n_epochs=self.n_epochs, steps_per_epoch=self.steps_per_epoch
        ).astype(np.float32)
        self._table: Any = None  # the rates as a backend tensor, made on first use

    def __call__(self, step: Any) -> Any:
        if self._table is None:
            # Made on first call, where Keras puts the optimiser's variables.
            self._table = keras.ops.convert_to_tensor(self.rates)
        last = self.rates.shape[0] - 1
        index = keras.ops.clip(keras.ops.cast(step, "int32"), 0, last)
        # Read on every call: on the torch backend Keras runs eagerly, so a
        # multiplier PlateauCallback lowers applies from the next step.
        return keras.ops.take(self._table, index) * self.multiplier

    def get_config(self) -> dict[str, Any]:
        return {
            "recipe": self.recipe.to_dict(),
            "n_epochs": self.n_epochs,
            "steps_per_epoch": self.steps_per_epoch,
            "multiplier": self.multiplier,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> RecipeSchedule:
        config = dict(config)
        return cls(config.pop("recipe"), **config)

    def __repr__(self) -> str:
        return (
            f"RecipeSchedule(schedule={self.recipe.schedule!r}, lr={self.recipe.lr!r}, "
            f"n_epochs={self.n_epochs}, steps_per_epoch={self.steps_per_epoch}, "
            f"multiplier={self.multiplier!r})"
        )


def lr_schedule(
    recipe: TrainingRecipe | Mapping[str, Any], *, n_epochs: int, steps_per_epoch: int
) -> Any:
    """The Keras ``LearningRateSchedule`` of ``recipe``'s rate, step for step.

    Keras's own ``ExponentialDecay`` (staircase) for ``step`` and
    ``exponential`` and its ``CosineDecay`` for ``cosine`` when the recipe has
    no warm-up; a :class:`RecipeSchedule` for every other recipe. Either way
    the rate at optimiser step ``s`` is ``lr_trajectory(...)[s]``.

    Args:
        recipe: The training recipe (or its dict).
        n_epochs: Epochs the schedule is laid out over (``max_epochs``).
        steps_per_epoch: Optimiser steps per epoch: ``ceil(n_train / batch_size)``.
    """
    recipe = as_recipe(recipe)
    n_epochs = check_int("n_epochs", n_epochs, minimum=1)
    steps_per_epoch = check_int("steps_per_epoch", steps_per_epoch, minimum=1)
    total = n_epochs * steps_per_epoch
    schedules = keras.optimizers.schedules
    if warmup_steps(warmup_share(recipe), total) == 0:
        if recipe.schedule in ("step", "exponential"):
            size, gamma = epoch_decay(recipe, n_epochs=n_epochs, last_epoch=n_epochs - 1)
            return schedules.ExponentialDecay(
                recipe.lr,
                decay_steps=size * steps_per_epoch,
                decay_rate=gamma,
                staircase=True,
            )
        if recipe.schedule == "cosine":
            alpha = cosine_floor_lr(recipe) / recipe.lr
            return schedules.CosineDecay(recipe.lr, decay_steps=total, alpha=alpha)
    return RecipeSchedule(recipe, n_epochs=n_epochs, steps_per_epoch=steps_per_epoch)


class PlateauCallback(_Callback):  # type: ignore[misc]
    """Lower a ``plateau`` recipe's rate when the monitored metric stalls.

    After each epoch the monitored value updates the plateau state as
    :func:`~hypersense.torch.schedules.plateau_update` says (the recipe's
    ``plateau_factor``, ``plateau_patience`` and relative
    ``plateau_threshold``), and the schedule's multiplier becomes the state's,
    floored at ``final_lr_ratio`` when the recipe sets one: the rates
    ``hypersense.torch.fit`` uses.

    Args:
        schedule: The :class:`RecipeSchedule` of a recipe with
            ``schedule="plateau"`` (the optimiser's learning rate).
        monitor: The metric in Keras's epoch logs, e.g. ``"val_loss"``.
        minimize: Whether smaller values of ``monitor`` are better.
    """

    def __init__(
        self, schedule: RecipeSchedule, *, monitor: str = "val_loss", minimize: bool = True
    ) -> None:
        super().__init__()
        if not isinstance(schedule, RecipeSchedule) or schedule.recipe.schedule != "plateau":
            raise ValueError(
                f"PlateauCallback needs the RecipeSchedule of a plateau recipe (got {schedule!r})"
            )
        if not isinstance(minimize, bool):
            raise TypeError(f"`minimize` must be a bool (got {minimize!r})")
        self._schedule = schedule
        self._monitor = check_monitor(monitor, owner="PlateauCallback")
        self._minimize = minimize
        self._state = PlateauState()

    def __repr__(self) -> str:
        return (
            f"PlateauCallback(schedule={self._schedule!r}, monitor={self._monitor!r}, "
            f"minimize={self._minimize!r})"
        )

    @property
    def state(self) -> PlateauState:
        """The plateau state after the epochs so far."""
        return self._state

    def on_train_begin(self, logs: Mapping[str, Any] | None = None) -> None:
        self._state = PlateauState()
        self._schedule.multiplier = 1.0

    def on_epoch_end(self, epoch: int, logs: Mapping[str, Any] | None = None) -> None:
        value = monitored_value(logs or {}, self._monitor, where=f"the Keras logs of epoch {epoch}")
        recipe = self._schedule.recipe
        self._state = plateau_update(
            self._state,
            value,
            minimize=self._minimize,
            factor=recipe.plateau_factor,
            patience=recipe.plateau_patience,
            threshold=recipe.plateau_threshold,
        )
        self._schedule.multiplier = max(self._state.multiplier, recipe.final_lr_ratio or 0.0)
