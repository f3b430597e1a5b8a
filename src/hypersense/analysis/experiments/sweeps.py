"""The numerical core of one-at-a-time sweeps: where to put the points, and how
far apart the extreme means are.

Pure functions on distributions and numpy arrays; :mod:`.local` turns trials
into these inputs and back.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from hypersense.analysis.experiments.repeats import IntervalEstimate
from hypersense.space.base import Distribution
from hypersense.space.categorical import CategoricalDistribution

__all__ = ["extreme_gap", "sweep_values"]


def _unit_window(center: float, window: float | None) -> tuple[float, float]:
    if window is None:
        return 0.0, 1.0
    return max(0.0, center - window / 2.0), min(1.0, center + window / 2.0)


def sweep_values(
    distribution: Distribution, reference: Any, *, n_points: int, window: float | None
) -> list[Any]:
    """The values a one-at-a-time sweep of one parameter visits, by encoded position.

    A categorical visits all its choices. A numeric parameter visits
    ``n_points`` positions evenly spaced in its unit encoding (so a log range
    is swept on its log scale), over the whole range or, with ``window``, over
    ``[u_ref - window/2, u_ref + window/2]`` clipped to [0, 1]; a discrete
    range with at most ``n_points`` values there visits each of them. The
    reference value is always among the values, so every curve passes
    through the configuration it describes.

    Args:
        distribution: The parameter's distribution.
        reference: Its value at the reference configuration.
        n_points: Evenly spaced positions (>= 2) for a numeric range.
        window: Width of the swept interval in the unit encoding, in (0, 1],
            or None for the whole range (ignored for categoricals).
    """
    if isinstance(distribution, CategoricalDistribution):
        return list(distribution.choices)
    low, high = _unit_window(distribution.to_unit(reference), window)
    n = distribution.n_values
    if n is not None and n <= n_points:
        candidates = [v for v in distribution.grid(n) if low <= distribution.to_unit(v) <= high]
    else:
        candidates = distribution.from_unit_array(np.linspace(low, high, n_points))
    # The reference goes first so that it, not a near-equal grid value, is kept.
    unique: dict[float, Any] = {}
    for value in [reference, *candidates]:
        unique.setdefault(round(distribution.to_unit(value), 12), value)
    return [unique[u] for u in sorted(unique)]


def extreme_gap(groups: Sequence[ArrayLike], confidence: float) -> IntervalEstimate:
    """Range of the group means with the t-interval of the gap between the two
    groups that give the extremes.

    The interval is ``R ± t_{df} · s_p · sqrt(1/n_lo + 1/n_hi)`` with the pooled
    within-group deviation ``s_p`` (``df = N - k``), clipped at 0 since a range
    is not negative. It is exact for a gap between two levels fixed in advance;
    because the extreme pair is picked after seeing the data it understates
    the uncertainty of a small range, so whether a parameter matters at all is
    left to the sweep's F-test.

    Args:
        groups: ``k`` arrays of repeated values, shape ``(n_i,)``; NaN ignored.
        confidence: Coverage, e.g. 0.95.
    """
    kept = [x[np.isfinite(x)] for x in (np.asarray(g, dtype=float).ravel() for g in groups)]
    kept = [x for x in kept if x.size]
    if len(kept) < 2:
        return IntervalEstimate(math.nan, math.nan, math.nan)
    means = np.array([x.mean() for x in kept])
    lo, hi = int(np.argmin(means)), int(np.argmax(means))
    gap = float(means[hi] - means[lo])
    df = sum(x.size for x in kept) - len(kept)
    if df < 1:
        return IntervalEstimate(gap, math.nan, math.nan)
    pooled = math.sqrt(sum(float(((x - x.mean()) ** 2).sum()) for x in kept) / df)
    se = pooled * math.sqrt(1.0 / kept[lo].size + 1.0 / kept[hi].size)
    half = float(stats.t.ppf(0.5 + confidence / 2.0, df)) * se
    return IntervalEstimate(gap, max(gap - half, 0.0), gap + half)
