"""The standard search space of a training recipe, with conditional parameters.

One call tunes how any model is trained::

    recipe = suggest_recipe(trial)                        # the standard space
    recipe = suggest_recipe(trial, fixed={"optimizer": "adamw"},
                            ranges={"lr": (1e-4, 1e-2), "batch_size": [32, 64]})

A parameter is suggested only where it means something: ``momentum`` and
``nesterov`` only for SGD, ``beta1``/``beta2`` only for Adam and AdamW, each
schedule's settings only for that schedule (the warm-up length only for
``warmup_cosine``, the step size only for ``step`` ...). Parameters neither tuned
nor fixed keep the :class:`~hypersense.torch.recipe.TrainingRecipe` defaults.

The standard ranges (log scales for rates and decays):

================ ============================== =============
parameter        values                         when
================ ============================== =============
optimizer        sgd, adam, adamw, rmsprop      always
lr               1e-5 .. 1e-1, log              always
momentum         0 .. 0.99                      sgd
nesterov         False, True                    sgd
weight_decay     1e-6 .. 1e-1, log              always
schedule         the seven of ``SCHEDULES``     always
step_fraction    0.1 .. 0.5                     step
step_gamma       0.05 .. 0.5, log               step
exp_gamma        0.8 .. 0.99                    exponential
warmup_fraction  0.01 .. 0.3                    warmup_cosine
pct_start        0.1 .. 0.5                     one_cycle
plateau_factor   0.1 .. 0.5                     plateau
plateau_patience 1 .. 5                         plateau
batch_size       16, 32, 64, 128, 256           always
================ ============================== =============

``l1``, ``l2``, ``grad_clip_norm``, ``min_lr_ratio``, ``final_lr_ratio``,
Adam's betas and the one-cycle divisors are not tuned by default; give them a
range to tune them. ``active_when`` replaces :data:`ACTIVE_WHEN`, the map of
when a parameter is used; :func:`hypersense.lr.schedule_space` uses it to
tune a warm-up in front of every decay shape.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from hypersense.errors import InvalidDistributionError
from hypersense.space.base import Distribution
from hypersense.space.categorical import CategoricalDistribution
from hypersense.space.numeric import FloatDistribution, IntDistribution
from hypersense.torch.recipe import OPTIMIZERS, SCHEDULES, TrainingRecipe
from hypersense.trial.trial import Trial

__all__ = ["ACTIVE_WHEN", "RecipeSpace", "standard_distributions", "suggest_recipe"]

#: Parameter -> (the parameter it depends on, the values under which it is used).
ACTIVE_WHEN: Mapping[str, tuple[str, tuple[Any, ...]]] = {
    "momentum": ("optimizer", ("sgd",)),
    "nesterov": ("optimizer", ("sgd",)),
    "beta1": ("optimizer", ("adam", "adamw")),
    "beta2": ("optimizer", ("adam", "adamw")),
    "step_fraction": ("schedule", ("step",)),
    "step_gamma": ("schedule", ("step",)),
    "exp_gamma": ("schedule", ("exponential",)),
    "warmup_fraction": ("schedule", ("warmup_cosine",)),
    "min_lr_ratio": ("schedule", ("cosine", "warmup_cosine")),
    "final_lr_ratio": (
        "schedule",
        ("step", "exponential", "cosine", "warmup_cosine", "one_cycle", "plateau"),
    ),
    "pct_start": ("schedule", ("one_cycle",)),
    "div_factor": ("schedule", ("one_cycle",)),
    "final_div_factor": ("schedule", ("one_cycle",)),
    "plateau_factor": ("schedule", ("plateau",)),
    "plateau_patience": ("schedule", ("plateau",)),
    "plateau_threshold": ("schedule", ("plateau",)),
}

# Fields whose ranges are naturally read on a log scale, and the integer fields.
_LOG_SCALE = frozenset(
    {"lr", "weight_decay", "l1", "l2", "grad_clip_norm", "step_gamma", "div_factor"}
    | {"final_div_factor", "plateau_threshold", "batch_size"}
)
_INTEGER = frozenset({"plateau_patience", "batch_size"})
_CATEGORICAL = frozenset({"optimizer", "schedule", "nesterov"})


def standard_distributions() -> dict[str, Distribution]:
    """The distributions of the standard recipe space, in suggestion order."""
    return {
        "optimizer": CategoricalDistribution(OPTIMIZERS),
        "lr": FloatDistribution(1e-5, 1e-1, log=True),
        "momentum": FloatDistribution(0.0, 0.99),
        "nesterov": CategoricalDistribution((False, True)),
        "weight_decay": FloatDistribution(1e-6, 1e-1, log=True),
        "schedule": CategoricalDistribution(SCHEDULES),
        "step_fraction": FloatDistribution(0.1, 0.5),
        "step_gamma": FloatDistribution(0.05, 0.5, log=True),
        "exp_gamma": FloatDistribution(0.8, 0.99),
        "warmup_fraction": FloatDistribution(0.01, 0.3),
        "pct_start": FloatDistribution(0.1, 0.5),
        "plateau_factor": FloatDistribution(0.1, 0.5),
        "plateau_patience": IntDistribution(1, 5),
        "batch_size": CategoricalDistribution((16, 32, 64, 128, 256)),
    }


class RecipeSpace:
    """Which recipe fields a trial tunes (and over what), which are fixed, and how.

    Args:
        tuned: Field name -> distribution to suggest from, when the field is
            active (see :data:`ACTIVE_WHEN`). None: :func:`standard_distributions`
            for every field not in ``fixed``.
        fixed: Field name -> value used as it is, never suggested.
        active_when: Field name -> (the field it depends on, the values under
            which it is used); fields not named are always used. None:
            :data:`ACTIVE_WHEN`.

    Fields in neither mapping keep the recipe's defaults. Narrow or fix parts
    with :meth:`narrow` and :meth:`fix`, which return new spaces.
    """

    def __init__(
        self,
        *,
        tuned: Mapping[str, Distribution] | None = None,
        fixed: Mapping[str, Any] | None = None,
        active_when: Mapping[str, tuple[str, tuple[Any, ...]]] | None = None,
    ) -> None:
        self._active_when = dict(ACTIVE_WHEN if active_when is None else active_when)
        _check_names(self._active_when, "active_when")
        self._fixed = dict(fixed or {})
        if tuned is None:
            tuned = {k: d for k, d in standard_distributions().items() if k not in self._fixed}
        self._tuned = dict(tuned)
        _check_names(self._tuned, "tuned")
        _check_names(self._fixed, "fixed")
        both = sorted(set(self._tuned) & set(self._fixed))
        if both:
            raise ValueError(f"parameter(s) {both} are both tuned and fixed; pick one")
        for name, dist in self._tuned.items():
            _check_distribution(name, dist)
        _recipe_with(self._fixed, "fixed")

    def __repr__(self) -> str:
        extra = "" if self._active_when == ACTIVE_WHEN else f", active_when={self._active_when!r}"
        return f"RecipeSpace(tuned={self._tuned!r}, fixed={self._fixed!r}{extra})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RecipeSpace):
            return NotImplemented
        return (
            self._tuned == other._tuned
            and self._fixed == other._fixed
            and self._active_when == other._active_when
        )

    __hash__ = None  # type: ignore[assignment]

    @property
    def tuned(self) -> dict[str, Distribution]:
        """Field name -> distribution, for the fields a trial tunes (a copy)."""
        return dict(self._tuned)

    @property
    def fixed(self) -> dict[str, Any]:
        """Field name -> value, for the fields fixed by hand (a copy)."""
        return dict(self._fixed)

    def narrow(self, ranges: Mapping[str, Distribution | Sequence[Any]]) -> RecipeSpace:
        """A space that tunes the named fields over new ranges (fixed ones become tuned).

        Args:
            ranges: Field name -> a Distribution; a ``(low, high)`` tuple, read
                on the field's usual scale (log for rates, decays and batch
                sizes; integers for integer fields); or a list of choices.
        """
        _check_names(ranges, "ranges")
        new = {name: _as_distribution(name, spec) for name, spec in ranges.items()}
        tuned = {**self._tuned, **new}
        fixed = {k: v for k, v in self._fixed.items() if k not in new}
        return RecipeSpace(tuned=tuned, fixed=fixed, active_when=self._active_when)

    def fix(self, values: Mapping[str, Any]) -> RecipeSpace:
        """A space in which the named fields take the given values (no longer tuned)."""
        _check_names(values, "fixed")
        tuned = {k: d for k, d in self._tuned.items() if k not in values}
        return RecipeSpace(
            tuned=tuned, fixed={**self._fixed, **values}, active_when=self._active_when
        )

    def suggest(self, trial: Trial) -> TrainingRecipe:
        """Draw a recipe from ``trial``: each active tuned field is suggested, in
        the order of the recipe's fields (so the optimiser and the schedule are
        chosen before the fields that depend on them)."""
        return self._build(lambda name, dist: trial.suggest(name, dist))

    def recipe_from_params(self, params: Mapping[str, Any]) -> TrainingRecipe:
        """The recipe a trial with these ``params`` trained with (e.g. a study's
        ``best_params``): the fixed values, the params, defaults for the rest.

        Names that are no recipe field (the model's own parameters, such as a
        layer width the objective suggested) are left out.
        """
        return self._build(lambda name, dist: params.get(name, _DEFAULT))

    def _build(self, draw: Callable[[str, Distribution], Any]) -> TrainingRecipe:
        values: dict[str, Any] = {}
        defaults = TrainingRecipe()
        for name in TrainingRecipe.field_names():
            if name in self._fixed:
                values[name] = self._fixed[name]
            elif name in self._tuned and _is_active(name, values, defaults, self._active_when):
                value = draw(name, self._tuned[name])
                if value is not _DEFAULT:
                    values[name] = value
        return TrainingRecipe(**values)


def suggest_recipe(
    trial: Trial,
    *,
    fixed: Mapping[str, Any] | None = None,
    ranges: Mapping[str, Distribution | Sequence[Any]] | None = None,
    space: RecipeSpace | None = None,
) -> TrainingRecipe:
    """Draw a training recipe from ``trial`` in the standard space, narrowed and fixed.

    Args:
        trial: The trial to suggest from.
        fixed: Field name -> value to use instead of tuning it.
        ranges: Field name -> new range (see :meth:`RecipeSpace.narrow`).
        space: The space to start from (default: the standard one).
    """
    fixed, ranges = dict(fixed or {}), dict(ranges or {})
    both = sorted(set(fixed) & set(ranges))
    if both:
        raise ValueError(f"parameter(s) {both} are given in both `fixed` and `ranges`")
    base = RecipeSpace() if space is None else space
    return base.narrow(ranges).fix(fixed).suggest(trial)


class _Default:
    def __repr__(self) -> str:
        return "<default>"


_DEFAULT = _Default()


def _is_active(
    name: str,
    values: Mapping[str, Any],
    defaults: TrainingRecipe,
    active_when: Mapping[str, tuple[str, tuple[Any, ...]]],
) -> bool:
    condition = active_when.get(name)
    if condition is None:
        return True
    parent, allowed = condition
    return values.get(parent, getattr(defaults, parent)) in allowed


def _check_names(mapping: Mapping[str, Any], argument: str) -> None:
    known = TrainingRecipe.field_names()
    unknown = sorted(str(k) for k in mapping if k not in known)
    if unknown:
        raise ValueError(
            f"`{argument}` names unknown recipe field(s) {unknown}; known ones are {list(known)}"
        )


def _recipe_with(values: Mapping[str, Any], argument: str) -> TrainingRecipe:
    try:
        return TrainingRecipe(**values)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"bad value in `{argument}`: {exc}") from None


def _check_distribution(name: str, dist: Distribution) -> None:
    if not isinstance(dist, Distribution):
        raise TypeError(f"`tuned` needs a Distribution for {name!r} (got {dist!r})")
    if isinstance(dist, CategoricalDistribution):
        examples = list(dist.choices)
    else:
        examples = [dist.from_unit(0.0), dist.from_unit(1.0)]
    for value in examples:
        if name in ("grad_clip_norm", "warmup_fraction", "final_lr_ratio") and value is None:
            continue
        _recipe_with({name: value}, f"tuned[{name!r}]")


def _as_distribution(name: str, spec: Distribution | Sequence[Any]) -> Distribution:
    if isinstance(spec, Distribution):
        return spec
    try:
        if isinstance(spec, list) or (isinstance(spec, tuple) and name in _CATEGORICAL):
            return CategoricalDistribution(tuple(spec))
        if isinstance(spec, tuple) and len(spec) == 2:
            low, high = spec
            if name in _INTEGER:
                return IntDistribution(low, high, log=name in _LOG_SCALE)
            return FloatDistribution(low, high, log=name in _LOG_SCALE)
    except InvalidDistributionError as exc:
        raise exc.for_parameter(name) from None
    raise TypeError(
        f"`ranges[{name!r}]` must be a Distribution, a (low, high) tuple or a list of "
        f"choices (got {spec!r})"
    )
