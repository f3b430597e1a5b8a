"""Learning-rate figures: the range test, the best trial's schedule, and the best
rate against the batch size.

Sources (a figure appears once its data exists):

- The range test: the study's system attribute ``lr_range_test`` that
  :func:`hypersense.lr.store_range_test` writes (``hypersense lr-find --study``,
  or a config's ``from_range_test``), with the search range derived from it
  (``lr_search_range``) when the study's space took its range from the test;
  or a result given to the report.
- The schedule: the best trial's user attributes that :mod:`hypersense.torch`
  writes: ``lr`` (per epoch trained), ``lr_plan`` and ``horizon_epochs`` (the
  planned curve over the whole horizon), ``train_loss``/``val_loss``, ``recipe``.
- The batch-size study: the system attribute ``lr_batch_size_study``.

Reading them needs no PyTorch: the stored forms are parsed by the plain-data
classes of :mod:`hypersense.lr`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hypersense.lr.batch_scaling import BatchSizeStudy
from hypersense.lr.records import BATCH_SIZE_STUDY_ATTR, RANGE_TEST_ATTR, SEARCH_RANGE_ATTR
from hypersense.lr.result import RangeTestResult
from hypersense.lr.search_range import LRSearchRange
from hypersense.report.data.snapshot import StudySnapshot, as_snapshot

if TYPE_CHECKING:
    from hypersense.study.study import Study

__all__ = [
    "LR_RANGE_TEST_ATTR",
    "LRBatchSizeData",
    "LRRangeCurve",
    "LRRangeTestData",
    "LRScheduleData",
    "build_lr_batch_size_data",
    "build_lr_range_test_data",
    "build_lr_schedule_data",
    "lr_batch_size_data",
    "lr_range_test_data",
]

#: Study system attribute holding a range test (:meth:`RangeTestResult.to_dict`).
LR_RANGE_TEST_ATTR = RANGE_TEST_ATTR
# Keys hypersense.torch writes (TrainingAttr); repeated so that reading them
# never imports torch.
_LR, _TRAIN_LOSS, _VAL_LOSS = "lr", "train_loss", "val_loss"
_PLAN, _HORIZON, _RECIPE = "lr_plan", "horizon_epochs", "recipe"


@dataclass(frozen=True)
class LRRangeCurve:
    """One seed's ramp of a range test.

    Attributes:
        seed: The seed.
        lrs: Rates of the steps taken, shape ``(n,)``.
        losses: Raw losses (NaN where not finite), shape ``(n,)``.
        smoothed_losses: Smoothed losses (the causal average the stop test read),
            shape ``(n,)``.
        divergence_lr: The rate at which the ramp diverged (its last step), or None.
        trend: The losses smoothed without lag (what the rules read), over
            every step but a diverging last one.
    """

    seed: int
    lrs: tuple[float, ...]
    losses: tuple[float, ...]
    smoothed_losses: tuple[float, ...]
    divergence_lr: float | None
    trend: tuple[float, ...] = ()


@dataclass(frozen=True)
class LRRangeTestData:
    """A learning-rate range test: every seed's curve, the suggestion and its
    interval, the divergence point, and the study's search range if derived.

    Attributes:
        curves: One per seed.
        suggested_lr: The suggested rate (None when no rule could suggest).
        interval: The spread of the suggestions over rules and seeds, or None.
        divergence_lr: The lowest rate at which a seed diverged, or None.
        rules: ``(rule, rate or None, reason or None)`` per rule.
        settings: How the test ran, in words.
        tested: What was tested (a task and its parameters), or "".
        search_range: The study's ``(low, high)`` derived from the test, or None.
        search_note: How that range was derived.
    """

    curves: tuple[LRRangeCurve, ...]
    suggested_lr: float | None
    interval: tuple[float, float] | None
    divergence_lr: float | None
    rules: tuple[tuple[str, float | None, str | None], ...]
    settings: str
    tested: str = ""
    search_range: tuple[float, float] | None = None
    search_note: str = ""

    def __post_init__(self) -> None:
        if not self.curves or any(
            not (len(c.lrs) == len(c.losses) == len(c.smoothed_losses) >= 1) for c in self.curves
        ):
            raise ValueError("an LR range test needs curves with one length >= 1 per seed")

    def loss_range(self) -> tuple[float, float]:
        """The y range that shows the descent: from below the lowest smoothed loss
        to above the highest one reached before a curve's minimum (rising
        curves run off the top after the minimum, as they should)."""
        bottom, top = math.inf, -math.inf
        for c in self.curves:
            values = [v if math.isfinite(v) else math.inf for v in c.trend or c.smoothed_losses]
            low = min(values)
            if not math.isfinite(low):
                continue
            before = [v for v in values[: values.index(low) + 1] if math.isfinite(v)]
            bottom, top = min(bottom, low), max(top, max(before))
        if not math.isfinite(bottom):
            return 0.0, 1.0
        drop = top - bottom or abs(top) or 1.0
        return bottom - 0.15 * drop, top + 0.6 * drop


def lr_range_test_data(
    result: RangeTestResult,
    *,
    search_range: LRSearchRange | None = None,
    context: Mapping[str, Any] | None = None,
) -> LRRangeTestData:
    """The figure's data from a range test (and the search range derived from it)."""
    s = result.settings
    batch = "" if s.batch_size is None else f", batch {s.batch_size}"
    settings = (
        f"{s.optimizer}{batch}, {len(s.seeds)} seed(s) x {s.num_steps} steps, "
        f"{s.mode} ramp from {s.start_lr:.3g} to {s.end_lr:.3g}"
    )
    curves = []
    for c in result.curves:
        trend = tuple(float(x) for x in c.loss_curve(s.beta).trend)
        curves.append(
            LRRangeCurve(c.seed, c.lrs, c.losses, c.smoothed_losses, c.divergence_lr, trend)
        )
    rules = tuple((r.rule, r.lr, r.reason) for r in result.suggestions.values())
    return LRRangeTestData(
        curves=tuple(curves),
        suggested_lr=result.suggested_lr if result.has_suggestion else None,
        interval=result.interval if result.has_suggestion else None,
        divergence_lr=result.divergence_lr,
        rules=rules,
        settings=settings,
        tested=_tested(context or {}),
        search_range=None if search_range is None else (search_range.low, search_range.high),
        search_note="" if search_range is None else search_range.note,
    )


def _tested(context: Mapping[str, Any]) -> str:
    def shown(value: Any) -> str:
        return f"{value:.3g}" if isinstance(value, float) else str(value)

    task = context.get("task")
    params = context.get("params")
    if task is None:
        return ", ".join(f"{k} {shown(v)}" for k, v in context.items())
    if isinstance(params, Mapping) and params:
        listed = ", ".join(f"{k}={shown(v)}" for k, v in params.items() if k != "schedule")
        return f"{task} ({listed})"
    return str(task)


def build_lr_range_test_data(study: Study | StudySnapshot) -> LRRangeTestData | None:
    """The range test stored on the study, or None when there is none.

    Raises:
        ValueError: The stored attribute is malformed.
    """
    snap = as_snapshot(study)
    stored = snap.system_attrs.get(RANGE_TEST_ATTR)
    if not isinstance(stored, Mapping):
        return None
    derived = snap.system_attrs.get(SEARCH_RANGE_ATTR)
    search = LRSearchRange.from_dict(derived) if isinstance(derived, Mapping) else None
    context = stored.get("context")
    return lr_range_test_data(
        RangeTestResult.from_dict(stored),
        search_range=search,
        context=context if isinstance(context, Mapping) else None,
    )


@dataclass(frozen=True)
class LRScheduleData:
    """The best trial's learning rate: the planned curve over its horizon, the
    rate of each epoch it trained, and its loss curves.

    Attributes:
        trial_number: The best trial.
        epochs: ``0 .. n-1``, the epochs trained, shape ``(n,)``.
        lrs: Learning rate of each trained epoch's first step, shape ``(n,)``.
        train_loss: Mean training loss per epoch (empty when not stored).
        val_loss: Mean validation loss per epoch (empty when not stored).
        plan_epochs: Where the planned curve is known, in (fractional) epochs
            (empty when not stored).
        plan_lrs: The planned rate there.
        horizon_epochs: The epochs the schedule was laid out over, or None.
        schedule: The recipe's schedule in words ("" when not stored).
    """

    trial_number: int
    epochs: tuple[int, ...]
    lrs: tuple[float, ...]
    train_loss: tuple[float, ...] = ()
    val_loss: tuple[float, ...] = ()
    plan_epochs: tuple[float, ...] = ()
    plan_lrs: tuple[float, ...] = ()
    horizon_epochs: int | None = None
    schedule: str = ""


def _floats(value: Any) -> tuple[float, ...]:
    if not isinstance(value, (list, tuple)):
        return ()
    try:
        return tuple(math.nan if v is None else float(v) for v in value)
    except (TypeError, ValueError):
        return ()


def _plan(attrs: Mapping[str, Any]) -> tuple[tuple[float, ...], tuple[float, ...]]:
    plan = attrs.get(_PLAN)
    if not isinstance(plan, Mapping):
        return (), ()
    steps, lrs = _floats(plan.get("steps")), _floats(plan.get("lrs"))
    per_epoch = plan.get("steps_per_epoch")
    if len(steps) != len(lrs) or not isinstance(per_epoch, int) or per_epoch < 1:
        return (), ()
    return tuple(s / per_epoch for s in steps), lrs


def _schedule_words(recipe: Any) -> str:
    if not isinstance(recipe, Mapping) or "schedule" not in recipe:
        return ""
    words = [str(recipe["schedule"])]
    warmup, final = recipe.get("warmup_fraction"), recipe.get("final_lr_ratio")
    if isinstance(warmup, (int, float)) and warmup > 0 and recipe["schedule"] != "one_cycle":
        words.append(f"warm-up {warmup:.0%}")
    if isinstance(final, (int, float)):
        words.append(f"final rate {final:.2g} x peak")
    return ", ".join(words)


def build_lr_schedule_data(study: Study | StudySnapshot) -> LRScheduleData | None:
    """The best trial's schedule; None without a best trial that stored ``lr``."""
    best = as_snapshot(study).best_trial()
    lrs = () if best is None else _floats(best.user_attrs.get(_LR))
    if best is None or not lrs:
        return None
    attrs = best.user_attrs
    plan_epochs, plan_lrs = _plan(attrs)
    horizon = attrs.get(_HORIZON)
    return LRScheduleData(
        trial_number=best.number,
        epochs=tuple(range(len(lrs))),
        lrs=lrs,
        train_loss=_floats(attrs.get(_TRAIN_LOSS)),
        val_loss=_floats(attrs.get(_VAL_LOSS)),
        plan_epochs=plan_epochs,
        plan_lrs=plan_lrs,
        horizon_epochs=horizon if isinstance(horizon, int) else None,
        schedule=_schedule_words(attrs.get(_RECIPE)),
    )


@dataclass(frozen=True)
class LRBatchSizeData:
    """The best learning rate per (effective) batch size and ``lr ∝ batch^k``.

    Attributes:
        batch_sizes: Shape ``(n,)``, increasing.
        lrs: The best rate of each, shape ``(n,)``.
        lows: Lower ends of their intervals, shape ``(n,)``.
        highs: Upper ends, shape ``(n,)``.
        exponent: The fitted ``k``; ``exponent_low``/``exponent_high`` its interval.
        exponent_low: Lower end of the exponent's interval.
        exponent_high: Upper end.
        intercept: ``a`` of ``ln lr = a + k ln batch``.
        verdict: Which scaling rules the data are consistent with, in words.
        method: How each best rate was found.
        notes: Batch sizes left out and why.
    """

    batch_sizes: tuple[int, ...]
    lrs: tuple[float, ...]
    lows: tuple[float, ...]
    highs: tuple[float, ...]
    exponent: float
    exponent_low: float
    exponent_high: float
    intercept: float
    verdict: str
    method: str
    notes: tuple[str, ...] = ()

    def centre(self) -> tuple[float, float]:
        """The fitted line's point at the geometric mean batch size: where the
        reference rules are drawn through."""
        x = sum(math.log(b) for b in self.batch_sizes) / len(self.batch_sizes)
        return math.exp(x), math.exp(self.intercept + self.exponent * x)


def build_lr_batch_size_data(study: Study | StudySnapshot) -> LRBatchSizeData | None:
    """The batch-size study stored on the study, or None.

    Raises:
        ValueError: The stored attribute is malformed.
    """
    stored = as_snapshot(study).system_attrs.get(BATCH_SIZE_STUDY_ATTR)
    if not isinstance(stored, Mapping):
        return None
    return lr_batch_size_data(BatchSizeStudy.from_dict(stored))


def lr_batch_size_data(result: BatchSizeStudy) -> LRBatchSizeData:
    """The figure's data from a batch-size study."""
    points, fit = result.points, result.fit
    return LRBatchSizeData(
        batch_sizes=tuple(p.batch_size for p in points),
        lrs=tuple(p.lr for p in points),
        lows=tuple(p.low for p in points),
        highs=tuple(p.high for p in points),
        exponent=fit.exponent,
        exponent_low=fit.low,
        exponent_high=fit.high,
        intercept=fit.intercept,
        verdict=fit.verdict(),
        method=result.method,
        notes=result.notes,
    )
