"""Hypervolume, and greedy hypervolume subset selection.

The hypervolume of a set of points is the volume they dominate inside the box
below a reference point: the usual measure of a Pareto front's quality. When
a front has more points than there is room for (TPE's good set), the subset
that dominates the most volume (the hypervolume subset selection problem) is
chosen greedily: each step adds the point with the largest exclusive volume.
Greedy selection is within a factor ``1 - 1/e`` of the best subset because
hypervolume is submodular. All inputs are in minimisation form.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["greedy_hypervolume_subset", "hypervolume", "reference_point"]


def reference_point(front: NDArray[np.float64]) -> NDArray[np.float64]:
    """A point just worse than ``front`` (shape ``(n, k)``) in every objective.

    The worst value plus 10% of the front's range (0.1 when the range is 0),
    so that the extreme points still add volume.
    """
    lo, hi = front.min(axis=0), front.max(axis=0)
    out: NDArray[np.float64] = hi + 0.1 * np.where(hi > lo, hi - lo, 1.0)
    return out


def _hypervolume_2d(points: NDArray[np.float64], reference: NDArray[np.float64]) -> float:
    order = np.lexsort((points[:, 1], points[:, 0]))
    xs, ys = points[order, 0], points[order, 1]
    best_y = np.minimum(np.minimum.accumulate(ys), reference[1])
    right = np.append(xs[1:], reference[0])
    return float(np.sum((right - xs) * (reference[1] - best_y)))


def hypervolume(points: NDArray[np.float64], reference: NDArray[np.float64]) -> float:
    """Volume dominated by ``points`` (shape ``(n, k)``) inside the box below ``reference``.

    Exact. Two objectives: a sweep over the sorted points. More: slices along
    the last objective, each slab weighted by the ``k - 1`` dimensional
    hypervolume of the points below it (cost about ``n ** (k - 1)``, meant for
    the few points of a front).
    """
    ref = np.asarray(reference, dtype=float)
    pts = np.asarray(points, dtype=float)
    pts = pts[np.all(pts < ref, axis=1)]
    if pts.shape[0] == 0:
        return 0.0
    k = pts.shape[1]
    if k == 1:
        return float(ref[0] - pts[:, 0].min())
    if k == 2:
        return _hypervolume_2d(pts, ref)
    pts = pts[np.argsort(pts[:, -1], kind="stable")]
    tops = np.append(pts[1:, -1], ref[-1])
    volume = 0.0
    for i in range(pts.shape[0]):
        height = tops[i] - pts[i, -1]
        if height > 0.0:
            volume += height * hypervolume(pts[: i + 1, :-1], ref[:-1])
    return volume


def _exclusive_volumes_2d(
    chosen: NDArray[np.float64], candidates: NDArray[np.float64], reference: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Volume each candidate adds to ``chosen`` (two objectives); shape ``(c,)``.

    The region ``chosen`` leaves free is a staircase: over ``[lefts[j],
    rights[j])`` in the first objective it reaches down to ``heights[j]`` in the
    second. A candidate adds the part of its dominated box above that staircase.
    """
    if chosen.shape[0] == 0:
        lefts = np.array([-np.inf])
        heights = np.array([reference[1]])
    else:
        order = np.argsort(chosen[:, 0], kind="stable")
        lefts = np.concatenate([[-np.inf], chosen[order, 0]])
        heights = np.minimum.accumulate(np.concatenate([[reference[1]], chosen[order, 1]]))
    rights = np.append(lefts[1:], reference[0])
    x, y = candidates[:, :1], candidates[:, 1:]
    widths = np.clip(np.minimum(rights, reference[0]) - np.maximum(lefts, x), 0.0, None)
    out: NDArray[np.float64] = np.sum(widths * np.clip(heights - y, 0.0, None), axis=1)
    return out


def greedy_hypervolume_subset(front: NDArray[np.float64], size: int) -> NDArray[np.intp]:
    """Indices of ``size`` rows of ``front`` (shape ``(n, k)``) chosen greedily by
    exclusive hypervolume (ties: the earliest row), in the order chosen."""
    pts = np.asarray(front, dtype=float)
    ref = reference_point(pts)
    chosen: list[int] = []
    free = np.ones(pts.shape[0], dtype=bool)
    current = 0.0
    for _ in range(min(size, pts.shape[0])):
        candidates = np.flatnonzero(free)
        if pts.shape[1] == 2:
            gains = _exclusive_volumes_2d(pts[chosen], pts[candidates], ref)
        else:
            gains = np.array(
                [hypervolume(pts[[*chosen, int(i)]], ref) - current for i in candidates]
            )
        pick = int(candidates[int(np.argmax(gains))])
        current += float(gains.max())
        chosen.append(pick)
        free[pick] = False
    return np.array(chosen, dtype=np.intp)
