"""Figures of training runs: the LR range test, the best trial's LR schedule, its
weight distribution per layer, and the metric against the parameter count.

Sources, all optional (a figure appears once its data exists):

- The LR range test: the study user attribute ``"lr_range_test"``, a dict
  with ``lrs``, ``losses``, optionally ``smoothed_losses``, and the suggested
  interval ``suggested_low``/``suggested_high`` (see
  :meth:`LRRangeTestData.to_dict`), or a :class:`LRRangeTestData` given to the
  report directly.
- The schedule: the best trial's user attributes ``lr``, ``train_loss`` and
  ``val_loss`` that :mod:`hypersense.torch` writes (``TrainingAttr``).
- Weights: the best trial's user attribute ``"weight_histograms"``:
  ``{layer: {"edges": [k + 1 floats], "counts": [k ints]}}``.
- Size: every COMPLETE trial's user attribute ``n_params``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from hypersense.report.data.snapshot import StudySnapshot, as_snapshot

if TYPE_CHECKING:
    from hypersense.study.study import Study

__all__ = [
    "LR_RANGE_TEST_ATTR",
    "WEIGHT_HISTOGRAMS_ATTR",
    "LRRangeTestData",
    "LRScheduleData",
    "LayerHistogram",
    "ParamCountData",
    "WeightDistributionData",
    "build_lr_range_test_data",
    "build_lr_schedule_data",
    "build_param_count_data",
    "build_weight_distribution_data",
    "smooth_losses",
]

#: Study user attribute holding an LR range test (see :meth:`LRRangeTestData.to_dict`).
LR_RANGE_TEST_ATTR = "lr_range_test"
#: Trial user attribute holding per-layer weight histograms.
WEIGHT_HISTOGRAMS_ATTR = "weight_histograms"
# Keys hypersense.torch writes (TrainingAttr); repeated so that reading them
# never imports torch.
_LR, _TRAIN_LOSS, _VAL_LOSS, _N_PARAMS = "lr", "train_loss", "val_loss", "n_params"


def smooth_losses(losses: Sequence[float], beta: float = 0.98) -> np.ndarray:
    """Bias-corrected exponential moving average of ``losses``, shape ``(n,)``.

    ``a_i = beta·a_{i-1} + (1-beta)·x_i`` divided by ``1 - beta^(i+1)``, so the
    first entries are not pulled towards 0; NaN entries keep the average.
    """
    if not 0.0 <= beta < 1.0:
        raise ValueError(f"`beta` must be in [0, 1) (got {beta!r})")
    out = np.full(len(losses), np.nan)
    avg, weight = 0.0, 0.0
    for i, x in enumerate(losses):
        if math.isfinite(x):
            avg = beta * avg + (1.0 - beta) * x
            weight = beta * weight + (1.0 - beta)
        out[i] = avg / weight if weight > 0 else math.nan
    return out


@dataclass(frozen=True)
class LRRangeTestData:
    """A learning-rate range test: loss against an increasing learning rate.

    Attributes:
        lrs: Learning rates, increasing, shape ``(n,)``.
        losses: Training loss at each, shape ``(n,)``.
        smoothed_losses: Smoothed loss, shape ``(n,)``.
        suggested_low: Lower end of the suggested learning-rate interval.
        suggested_high: Upper end of it.
    """

    lrs: tuple[float, ...]
    losses: tuple[float, ...]
    smoothed_losses: tuple[float, ...]
    suggested_low: float
    suggested_high: float

    def __post_init__(self) -> None:
        n = len(self.lrs)
        if n < 2 or len(self.losses) != n or len(self.smoothed_losses) != n:
            raise ValueError(
                f"LR range test: `lrs`, `losses` and `smoothed_losses` need one length >= 2 "
                f"(got {n}, {len(self.losses)}, {len(self.smoothed_losses)})"
            )
        if not 0 < self.suggested_low <= self.suggested_high:
            raise ValueError(
                f"LR range test: need 0 < `suggested_low` <= `suggested_high` "
                f"(got {self.suggested_low!r}, {self.suggested_high!r})"
            )

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form stored in the study attribute ``"lr_range_test"``."""
        return {
            "lrs": list(self.lrs),
            "losses": list(self.losses),
            "smoothed_losses": list(self.smoothed_losses),
            "suggested_low": self.suggested_low,
            "suggested_high": self.suggested_high,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LRRangeTestData:
        """Rebuild from :meth:`to_dict`'s form; ``smoothed_losses`` is computed
        with :func:`smooth_losses` when absent."""
        try:
            lrs = tuple(float(x) for x in data["lrs"])
            losses = tuple(float(x) for x in data["losses"])
            low, high = float(data["suggested_low"]), float(data["suggested_high"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(
                f"an LR range test needs lrs, losses, suggested_low/high: {exc}"
            ) from exc
        smoothed = data.get("smoothed_losses")
        smooth = (
            tuple(float(x) for x in smoothed)
            if smoothed is not None
            else tuple(float(x) for x in smooth_losses(losses))
        )
        return cls(lrs, losses, smooth, low, high)


def build_lr_range_test_data(study: Study | StudySnapshot) -> LRRangeTestData | None:
    """The LR range test stored on the study, or None when there is none."""
    stored = as_snapshot(study).user_attrs.get(LR_RANGE_TEST_ATTR)
    return None if not isinstance(stored, Mapping) else LRRangeTestData.from_dict(stored)


@dataclass(frozen=True)
class LRScheduleData:
    """The best trial's learning rate per epoch, with its loss curves.

    Attributes:
        trial_number: The best trial.
        epochs: ``0 .. n-1``, shape ``(n,)``.
        lrs: Learning rate of each epoch's first step, shape ``(n,)``.
        train_loss: Mean training loss per epoch (empty when not stored).
        val_loss: Mean validation loss per epoch (empty when not stored).
    """

    trial_number: int
    epochs: tuple[int, ...]
    lrs: tuple[float, ...]
    train_loss: tuple[float, ...] = ()
    val_loss: tuple[float, ...] = ()


def _floats(value: Any) -> tuple[float, ...]:
    if not isinstance(value, (list, tuple)):
        return ()
    try:
        return tuple(math.nan if v is None else float(v) for v in value)
    except (TypeError, ValueError):
        return ()


def build_lr_schedule_data(study: Study | StudySnapshot) -> LRScheduleData | None:
    """The best trial's schedule; None without a best trial that stored ``lr``."""
    best = as_snapshot(study).best_trial()
    lrs = () if best is None else _floats(best.user_attrs.get(_LR))
    if best is None or not lrs:
        return None
    return LRScheduleData(
        trial_number=best.number,
        epochs=tuple(range(len(lrs))),
        lrs=lrs,
        train_loss=_floats(best.user_attrs.get(_TRAIN_LOSS)),
        val_loss=_floats(best.user_attrs.get(_VAL_LOSS)),
    )


@dataclass(frozen=True)
class LayerHistogram:
    """Histogram of one layer's weights: ``counts[i]`` in ``[edges[i], edges[i+1])``."""

    layer: str
    edges: tuple[float, ...]
    counts: tuple[int, ...]

    def __post_init__(self) -> None:
        if len(self.edges) != len(self.counts) + 1 or not self.counts:
            raise ValueError(
                f"histogram of layer {self.layer!r}: need k >= 1 counts and k + 1 edges "
                f"(got {len(self.counts)} counts, {len(self.edges)} edges)"
            )

    def density(self) -> np.ndarray:
        """Counts divided by total count and bin width: integrates to 1; shape ``(k,)``."""
        counts = np.asarray(self.counts, dtype=float)
        widths = np.diff(np.asarray(self.edges, dtype=float))
        total = counts.sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            out = counts / (total * widths) if total > 0 else np.zeros_like(counts)
        return np.where(np.isfinite(out), out, 0.0)


@dataclass(frozen=True)
class WeightDistributionData:
    """The best trial's weight histograms, one per layer in stored order."""

    trial_number: int
    layers: tuple[LayerHistogram, ...]


def build_weight_distribution_data(study: Study | StudySnapshot) -> WeightDistributionData | None:
    """Histograms from the best trial's ``"weight_histograms"``; None without them.

    Raises:
        ValueError: If the attribute is there but malformed (naming the layer).
    """
    best = as_snapshot(study).best_trial()
    stored = None if best is None else best.user_attrs.get(WEIGHT_HISTOGRAMS_ATTR)
    if best is None or not isinstance(stored, Mapping) or not stored:
        return None
    layers = []
    for layer, hist in stored.items():
        if not isinstance(hist, Mapping) or "edges" not in hist or "counts" not in hist:
            raise ValueError(
                f"trial {best.number}: {WEIGHT_HISTOGRAMS_ATTR}[{layer!r}] must be a dict with "
                f"'edges' and 'counts' (got {hist!r:.80})"
            )
        edges = tuple(float(e) for e in hist["edges"])
        layers.append(LayerHistogram(str(layer), edges, tuple(int(c) for c in hist["counts"])))
    return WeightDistributionData(best.number, tuple(layers))


@dataclass(frozen=True)
class ParamCountData:
    """The objective against model size over COMPLETE trials.

    Attributes:
        objective_name: What the y axis shows.
        numbers: Trial numbers, shape ``(n,)``.
        n_params: Parameter counts, shape ``(n,)``.
        values: Objective values, shape ``(n,)``.
    """

    objective_name: str
    numbers: tuple[int, ...]
    n_params: tuple[int, ...]
    values: tuple[float, ...]


def build_param_count_data(study: Study | StudySnapshot) -> ParamCountData | None:
    """Size against objective; None unless a COMPLETE trial stored ``n_params``."""
    snap = as_snapshot(study)
    if snap.is_multi_objective:
        return None
    rows = [
        (t.number, int(t.user_attrs[_N_PARAMS]), t.objective_value())
        for t in snap.completed()
        if isinstance(t.user_attrs.get(_N_PARAMS), int)
    ]
    if not rows:
        return None
    numbers, sizes, values = zip(*rows, strict=True)
    return ParamCountData(snap.objective_names()[0], numbers, sizes, values)
