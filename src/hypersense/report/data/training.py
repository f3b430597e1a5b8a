"""Figures of training runs: the best trial's weight distribution per layer, and
the metric against the parameter count (the learning-rate figures are in
:mod:`hypersense.report.data.lr`).

Sources, all optional (a figure appears once its data exists):

- Weights: the best trial's user attribute ``"weight_histograms"``:
  ``{layer: {"edges": [k + 1 floats], "counts": [k ints]}}``.
- Size: every COMPLETE trial's user attribute ``n_params``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from hypersense.report.data.snapshot import StudySnapshot, as_snapshot

if TYPE_CHECKING:
    from hypersense.study.study import Study

__all__ = [
    "WEIGHT_HISTOGRAMS_ATTR",
    "LayerHistogram",
    "ParamCountData",
    "WeightDistributionData",
    "build_param_count_data",
    "build_weight_distribution_data",
]

#: Trial user attribute holding per-layer weight histograms.
WEIGHT_HISTOGRAMS_ATTR = "weight_histograms"
# The key hypersense.torch writes (TrainingAttr.N_PARAMS); repeated so that
# reading it never imports torch.
_N_PARAMS = "n_params"


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
