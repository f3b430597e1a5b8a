"""Tuning the learning-rate schedule as one structured, conditional space.

A schedule here is four decisions, each a recipe field of
:class:`~hypersense.torch.TrainingRecipe`:

================= ============================================ ======================
decision          parameter(s)                                 when
================= ============================================ ======================
decay shape       ``schedule``: step, exponential, cosine,     always
                  plateau, one_cycle
peak rate         ``lr`` (a range test's range fits here)      always
warm-up length    ``warmup_fraction`` (linear, share of the    all shapes but
                  run)                                         one_cycle
                  ``pct_start`` (one-cycle's rise)             one_cycle
final rate        ``final_lr_ratio`` (share of the peak)       always
shape's own       ``step_fraction`` (how often it drops)       step
                  ``plateau_patience``, ``plateau_factor``     plateau
================= ============================================ ======================

:func:`schedule_space` builds it as a :class:`~hypersense.torch.RecipeSpace`
whose ``active_when`` map says which parameter each shape uses, so a trial
suggests only the parameters its shape reads. Every length is a share of the
run's *horizon* (``max_epochs``), never of a budget a pruner grants, so a
trial stopped early has followed the same schedule as a full one; the horizon
is stored on the trial (``horizon_epochs``) with the planned curve
(``lr_plan``), which the report draws for the best trial.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from hypersense.lr.search_range import LRSearchRange
from hypersense.space.base import Distribution
from hypersense.space.categorical import CategoricalDistribution
from hypersense.space.numeric import FloatDistribution, IntDistribution
from hypersense.torch.spaces import ACTIVE_WHEN, RecipeSpace

__all__ = ["DECAY_SHAPES", "SCHEDULE_ACTIVE_WHEN", "schedule_space"]

#: The decay shapes a schedule space chooses from.
DECAY_SHAPES = ("step", "exponential", "cosine", "plateau", "one_cycle")

#: When each schedule parameter is used, on top of the recipe's :data:`ACTIVE_WHEN`.
SCHEDULE_ACTIVE_WHEN: Mapping[str, tuple[str, tuple[Any, ...]]] = {
    **ACTIVE_WHEN,
    "warmup_fraction": ("schedule", ("step", "exponential", "cosine", "plateau")),
    "final_lr_ratio": ("schedule", DECAY_SHAPES),
}


def schedule_space(
    *,
    lr: Distribution | LRSearchRange | tuple[float, float] = (1e-4, 1e-1),
    shapes: Sequence[str] = DECAY_SHAPES,
    warmup: tuple[float, float] = (0.0, 0.3),
    final_lr_ratio: tuple[float, float] = (1e-3, 1.0),
    base: RecipeSpace | None = None,
) -> RecipeSpace:
    """A recipe space tuning the schedule's shape, peak, warm-up and final rate.

    Args:
        lr: The peak rate's range: a distribution, a range test's
            :class:`~hypersense.lr.LRSearchRange`, or ``(low, high)`` on a log scale.
        shapes: Decay shapes to choose from (a subset of :data:`DECAY_SHAPES`).
        warmup: Range of the warm-up's share of the run (one-cycle's rise is
            drawn from the same range, floored at 0.05: it needs one).
        final_lr_ratio: Range (log scale) of the final rate as a share of the peak.
        base: The space of the other recipe fields (optimiser, weight decay,
            batch size ...); default: all of them fixed at the recipe's defaults.

    Raises:
        ValueError: An unknown shape, or an empty or bad range.
    """
    unknown = sorted(set(shapes) - set(DECAY_SHAPES))
    if unknown or not shapes:
        raise ValueError(
            f"`shapes` must be a non-empty subset of {list(DECAY_SHAPES)} (got {shapes!r})"
        )
    peak = _lr_distribution(lr)
    tuned: dict[str, Distribution] = {
        "schedule": CategoricalDistribution(tuple(shapes)),
        "lr": peak,
        "warmup_fraction": FloatDistribution(*warmup),
        "final_lr_ratio": FloatDistribution(*final_lr_ratio, log=True),
        "pct_start": FloatDistribution(max(warmup[0], 0.05), max(warmup[1], 0.1)),
        "step_fraction": FloatDistribution(0.1, 0.5),
        "plateau_factor": FloatDistribution(0.1, 0.5),
        "plateau_patience": IntDistribution(1, 5),
    }
    start = base if base is not None else RecipeSpace(tuned={})
    narrowed = start.narrow(tuned)
    fixed = {k: v for k, v in narrowed.fixed.items() if k not in tuned}
    return RecipeSpace(tuned=narrowed.tuned, fixed=fixed, active_when=SCHEDULE_ACTIVE_WHEN)


def _lr_distribution(lr: Distribution | LRSearchRange | tuple[float, float]) -> Distribution:
    if isinstance(lr, LRSearchRange):
        return lr.distribution()
    if isinstance(lr, Distribution):
        return lr
    if isinstance(lr, tuple) and len(lr) == 2:
        return FloatDistribution(float(lr[0]), float(lr[1]), log=True)
    raise TypeError(
        f"`lr` must be a Distribution, an LRSearchRange or a (low, high) tuple (got {lr!r})"
    )
