"""The training recipe: every hyperparameter of how a model is trained, validated.

A :class:`TrainingRecipe` names the optimiser and its settings, the learning-rate
schedule and its shape, the regularisation, and the mini-batch size. It is a
frozen value: built from a plain dict (:meth:`TrainingRecipe.from_dict`), drawn
from a trial through a :class:`~hypersense.torch.spaces.RecipeSpace`, or written
by hand. Field names are the parameter names a study stores, so a trial's
``params`` read as a recipe.

Lengths of schedule phases are fractions of the training run, not epoch counts,
so one recipe has the same shape whether it trains for 10 epochs or for 100
(or for the budget a multi-fidelity pruner grants).
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["OPTIMIZERS", "SCHEDULES", "TrainingRecipe"]

#: Optimisers a recipe can name.
OPTIMIZERS = ("sgd", "adam", "adamw", "rmsprop")
#: Learning-rate schedules a recipe can name (see :mod:`hypersense.torch.schedules`).
SCHEDULES = (
    "constant",
    "step",
    "exponential",
    "cosine",
    "warmup_cosine",
    "one_cycle",
    "plateau",
)


@dataclass(frozen=True)
class TrainingRecipe:
    """How to train a model: optimiser, learning-rate schedule, regularisation, batch size.

    Every field has a default, so a recipe can name only what differs. Fields a
    choice does not use (``momentum`` for Adam, ``pct_start`` for a cosine
    schedule) are kept but ignored.

    Attributes:
        optimizer: One of :data:`OPTIMIZERS`.
        lr: The base learning rate (for ``one_cycle``, the peak rate).
        momentum: Momentum of SGD and RMSprop, in [0, 1).
        nesterov: Nesterov momentum for SGD. With ``momentum=0`` it is plain
            SGD, the limit of Nesterov's update.
        beta1: Adam/AdamW decay rate of the first moment, in [0, 1).
        beta2: Adam/AdamW decay rate of the second moment, in [0, 1).
        weight_decay: The optimiser's own weight decay, >= 0: an L2 term added
            to the gradient for SGD, Adam and RMSprop; decoupled for AdamW.
        l1: Coefficient of ``l1 * sum(|w|)`` added to the training loss, >= 0.
        l2: Coefficient of ``l2 * sum(w**2)`` added to the training loss, >= 0
            (the same penalty whatever the optimiser, unlike ``weight_decay``).
        grad_clip_norm: Largest total L2 norm of the gradients (clipped before
            each step); None leaves gradients alone.
        schedule: One of :data:`SCHEDULES`.
        step_fraction: ``step``: the rate is multiplied by ``step_gamma`` every
            ``step_fraction`` of the run (at least every epoch), in (0, 1].
        step_gamma: ``step``: decay factor per step, in (0, 1].
        exp_gamma: ``exponential``: decay factor per epoch, in (0, 1].
        warmup_fraction: Share of the run's optimiser steps with a linear
            warm-up before the schedule's own shape, in [0, 1); for every
            schedule but ``one_cycle`` (which rises over ``pct_start``). None:
            0.1 for ``warmup_cosine``, no warm-up for the others.
        min_lr_ratio: ``cosine``/``warmup_cosine``: the final rate as a share of
            ``lr``, in [0, 1].
        final_lr_ratio: The rate at the end of the run as a share of ``lr``,
            in (0, 1], whatever the shape: ``step`` and ``exponential`` derive
            their decay factor from it, ``cosine``/``warmup_cosine`` end at it,
            ``one_cycle`` falls to it, ``plateau`` never reduces below it.
            None: each shape's own settings (``step_gamma``, ``exp_gamma``,
            ``min_lr_ratio``, ``final_div_factor``; no floor for ``plateau``).
        pct_start: ``one_cycle``: share of the run spent rising to ``lr``, in (0, 1).
        div_factor: ``one_cycle``: the first rate is ``lr / div_factor``, >= 1.
        final_div_factor: ``one_cycle``: the last rate is the first one divided
            by this, >= 1.
        plateau_factor: ``plateau``: the rate is multiplied by this when the
            validation metric stalls, in (0, 1).
        plateau_patience: ``plateau``: epochs without improvement tolerated
            before a reduction, >= 0.
        plateau_threshold: ``plateau``: smallest relative change that counts as
            an improvement, >= 0.
        batch_size: Examples per mini-batch, >= 1.
    """

    optimizer: str = "adam"
    lr: float = 1e-3
    momentum: float = 0.0
    nesterov: bool = False
    beta1: float = 0.9
    beta2: float = 0.999
    weight_decay: float = 0.0
    l1: float = 0.0
    l2: float = 0.0
    grad_clip_norm: float | None = None
    schedule: str = "constant"
    step_fraction: float = 0.3
    step_gamma: float = 0.1
    exp_gamma: float = 0.95
    warmup_fraction: float | None = None
    min_lr_ratio: float = 0.0
    final_lr_ratio: float | None = None
    pct_start: float = 0.3
    div_factor: float = 25.0
    final_div_factor: float = 1e4
    plateau_factor: float = 0.1
    plateau_patience: int = 2
    plateau_threshold: float = 1e-4
    batch_size: int = 64

    def __post_init__(self) -> None:
        _check_choice("optimizer", self.optimizer, OPTIMIZERS)
        _check_choice("schedule", self.schedule, SCHEDULES)
        if not isinstance(self.nesterov, bool):
            raise TypeError(f"`nesterov` must be a bool (got {self.nesterov!r})")
        for name, (low, high, low_open, high_open) in _FLOAT_BOUNDS.items():
            value = _check_float(name, getattr(self, name), low, high, low_open, high_open)
            object.__setattr__(self, name, value)
        for name, (low, high, low_open, high_open) in _OPTIONAL_FLOAT_BOUNDS.items():
            value = getattr(self, name)
            if value is not None:
                value = _check_float(name, value, low, high, low_open, high_open)
                object.__setattr__(self, name, value)
        object.__setattr__(
            self, "plateau_patience", _check_int("plateau_patience", self.plateau_patience, 0)
        )
        object.__setattr__(self, "batch_size", _check_int("batch_size", self.batch_size, 1))

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        """The names of the recipe's fields, in declaration order."""
        return tuple(f.name for f in dataclasses.fields(cls))

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> TrainingRecipe:
        """A recipe from a mapping of field names to values; absent fields keep
        their defaults, unknown names raise ValueError listing the known ones."""
        if not isinstance(values, Mapping):
            raise TypeError(f"a recipe needs a mapping of hyperparameters (got {values!r})")
        known = cls.field_names()
        unknown = sorted(str(k) for k in values if k not in known)
        if unknown:
            raise ValueError(
                f"unknown training hyperparameter(s) {unknown}; known ones are {list(known)}"
            )
        return cls(**dict(values))

    def to_dict(self) -> dict[str, Any]:
        """Every field as a JSON-ready dict; :meth:`from_dict` rebuilds the recipe."""
        return dataclasses.asdict(self)

    def replace(self, **changes: Any) -> TrainingRecipe:
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)


# name -> (low, high, low excluded, high excluded)
_FLOAT_BOUNDS: dict[str, tuple[float, float, bool, bool]] = {
    "lr": (0.0, math.inf, True, True),
    "momentum": (0.0, 1.0, False, True),
    "beta1": (0.0, 1.0, False, True),
    "beta2": (0.0, 1.0, False, True),
    "weight_decay": (0.0, math.inf, False, True),
    "l1": (0.0, math.inf, False, True),
    "l2": (0.0, math.inf, False, True),
    "step_fraction": (0.0, 1.0, True, False),
    "step_gamma": (0.0, 1.0, True, False),
    "exp_gamma": (0.0, 1.0, True, False),
    "min_lr_ratio": (0.0, 1.0, False, False),
    "pct_start": (0.0, 1.0, True, True),
    "div_factor": (1.0, math.inf, False, True),
    "final_div_factor": (1.0, math.inf, False, True),
    "plateau_factor": (0.0, 1.0, True, True),
    "plateau_threshold": (0.0, math.inf, False, True),
}


# The same, for fields whose None means "not set".
_OPTIONAL_FLOAT_BOUNDS: dict[str, tuple[float, float, bool, bool]] = {
    "grad_clip_norm": (0.0, math.inf, True, True),
    "warmup_fraction": (0.0, 1.0, False, True),
    "final_lr_ratio": (0.0, 1.0, True, False),
}


def _check_choice(name: str, value: object, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(f"`{name}` must be one of {list(choices)} (got {value!r})")


def _check_float(
    name: str, value: object, low: float, high: float, low_open: bool, high_open: bool
) -> float:
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    x = float(value) if isinstance(value, numbers.Real) and ok else math.nan
    below = x <= low if low_open else x < low
    above = x >= high if high_open else x > high
    if not ok or math.isnan(x) or below or above:
        interval = f"{'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"
        raise ValueError(f"`{name}` must be a number in {interval} (got {value!r})")
    return x


def _check_int(name: str, value: object, low: int) -> int:
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or int(value) < low:
        raise ValueError(f"`{name}` must be an integer >= {low} (got {value!r})")
    return int(value)
