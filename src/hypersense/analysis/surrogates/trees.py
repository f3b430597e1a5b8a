"""Regression trees as separable expansions: the leaf boxes of a fitted tree.

A tree predicts a constant on each leaf, and a leaf is a box: the tree is
``sum_leaves value * prod_j [lo_j < x_j <= hi_j]``. One-dimensional integrals of
box indicators are interval lengths (continuous columns, exact) or sums of the
discrete values' weights inside the interval.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hypersense.analysis.quadrature import Quadrature
from hypersense.analysis.surrogates.base import SeparableExpansion

__all__ = ["LeafBoxes", "TreeExpansion", "leaf_boxes"]


@dataclass(frozen=True, eq=False)
class LeafBoxes:
    """The leaves of one tree.

    Attributes:
        low: Shape ``(L, d)``; exclusive lower bounds (``-inf`` when unbounded).
        high: Shape ``(L, d)``; inclusive upper bounds (``+inf`` when unbounded).
        values: Shape ``(L,)``; the leaf predictions.
    """

    low: NDArray[np.float64]
    high: NDArray[np.float64]
    values: NDArray[np.float64]


def leaf_boxes(tree: Any, n_columns: int) -> LeafBoxes:
    """Leaf boxes of a fitted scikit-learn tree (its ``tree_`` attribute).

    scikit-learn sends ``x_j <= threshold`` to the left child.
    """
    left, right = tree.children_left, tree.children_right
    feature, threshold = tree.feature, tree.threshold
    value = tree.value.reshape(tree.node_count, -1)[:, 0]
    lows, highs, values = [], [], []
    stack = [(0, np.full(n_columns, -np.inf), np.full(n_columns, np.inf))]
    while stack:
        node, lo, hi = stack.pop()
        if left[node] == -1:
            lows.append(lo)
            highs.append(hi)
            values.append(value[node])
            continue
        j, t = int(feature[node]), float(threshold[node])
        hi_left = hi.copy()
        hi_left[j] = min(hi[j], t)
        lo_right = lo.copy()
        lo_right[j] = max(lo[j], t)
        stack.append((int(left[node]), lo, hi_left))
        stack.append((int(right[node]), lo_right, hi))
    return LeafBoxes(np.array(lows), np.array(highs), np.array(values, dtype=float))


class TreeExpansion(SeparableExpansion):
    """One tree as one expansion row; the offset carries the tree's mean leaf
    value so variances are not computed as differences of large numbers.

    Args:
        boxes: The tree's leaves.
        draw: The draw the tree belongs to.
        quadratures: One rule per column; continuous columns are integrated
            exactly over [0, 1] instead.
    """

    def __init__(self, boxes: LeafBoxes, draw: int, quadratures: Sequence[Quadrature]) -> None:
        offset = float(np.mean(boxes.values))
        super().__init__(offset, (boxes.values - offset)[None, :], np.array([draw]))
        self._boxes = boxes
        self._quadratures = tuple(quadratures)

    def column_values(self, column: int, points: NDArray[np.float64]) -> NDArray[np.float64]:
        lo = self._boxes.low[:, column][:, None]
        hi = self._boxes.high[:, column][:, None]
        p = np.asarray(points, dtype=float)[None, :]
        out: NDArray[np.float64] = ((p > lo) & (p <= hi)).astype(float)
        return out

    def _interval(self, column: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        lo = np.clip(self._boxes.low[:, column], 0.0, 1.0)
        hi = np.clip(self._boxes.high[:, column], 0.0, 1.0)
        return lo, hi

    def column_means(self) -> list[NDArray[np.float64]]:
        out = []
        for j, q in enumerate(self._quadratures):
            if q.is_discrete:
                out.append(self.column_values(j, q.points) @ q.weights)
            else:
                lo, hi = self._interval(j)
                out.append(hi - lo)
        return out

    def column_grams(self) -> list[NDArray[np.float64]]:
        out = []
        for j, q in enumerate(self._quadratures):
            if q.is_discrete:
                table = self.column_values(j, q.points)
                out.append((table * q.weights) @ table.T)
            else:
                lo, hi = self._interval(j)
                overlap = np.minimum(hi[:, None], hi[None, :]) - np.maximum(
                    lo[:, None], lo[None, :]
                )
                out.append(np.maximum(overlap, 0.0))
        return out
