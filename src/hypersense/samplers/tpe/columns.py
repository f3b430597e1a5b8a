"""How each encoded column of a search space is modelled by the Parzen estimator.

The unit-cube encoding (``Distribution.to_unit``) maps every parameter to
[0, 1]. The estimator needs to know one more thing per column: whether the
column is continuous, a set of *ordered* bins (integers, stepped floats: a
Gaussian kernel is integrated over each bin, so a value's probability is the
kernel's mass on the bin the encoding gives it), or a set of *unordered*
categories (a categorical kernel, never a distance). This module turns a
distribution into that description, deriving bin edges from the encoding
itself rather than re-implementing it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hypersense.space.base import Distribution
from hypersense.space.categorical import CategoricalDistribution

__all__ = [
    "CategoricalColumn",
    "Column",
    "ContinuousColumn",
    "MAX_ORDERED_BINS",
    "OrderedBinsColumn",
    "column_for",
]

#: Discrete ranges with more values than this are modelled as continuous: their
#: bins are then narrower than any kernel, so the bin mass is proportional to
#: the density at the bin's centre and the width cancels in the density ratio.
MAX_ORDERED_BINS = 512

# Bisection steps when locating the boundary between two neighbouring bins;
# 2**-40 is far below any bin width we model.
_BISECTION_STEPS = 40


@dataclass(frozen=True)
class ContinuousColumn:
    """A real-valued column: truncated Gaussian kernels on [0, 1]."""


@dataclass(frozen=True, eq=False)
class OrderedBinsColumn:
    """An ordered discrete column (integers, stepped floats).

    Attributes:
        edges: Shape ``(n_bins + 1,)``, increasing from 0 to 1; bin ``k`` is
            ``[edges[k], edges[k + 1])`` in the unit encoding.
        centers: Shape ``(n_bins,)``, the encoding of the value of bin ``k``
            (inside its bin, and decoded back to exactly that value).
    """

    edges: NDArray[np.float64]
    centers: NDArray[np.float64]

    @property
    def n_bins(self) -> int:
        """How many values the column has."""
        return int(self.centers.shape[0])

    def bin_of(self, u: NDArray[np.float64]) -> NDArray[np.intp]:
        """Index of the bin holding each unit coordinate of ``u`` (any shape)."""
        idx = np.searchsorted(self.edges, u, side="right") - 1
        return np.clip(idx, 0, self.n_bins - 1)


@dataclass(frozen=True)
class CategoricalColumn:
    """An unordered column of ``n_choices`` categories (equal-width bins).

    Attributes:
        n_choices: How many categories.
    """

    n_choices: int

    def category_of(self, u: NDArray[np.float64]) -> NDArray[np.intp]:
        """Index of the category holding each unit coordinate of ``u``."""
        return np.clip((np.asarray(u) * self.n_choices).astype(np.intp), 0, self.n_choices - 1)

    def center_of(self, category: NDArray[np.intp]) -> NDArray[np.float64]:
        """The unit coordinate of each category (the middle of its bin)."""
        return (np.asarray(category, dtype=float) + 0.5) / self.n_choices


#: What the estimator needs to know about one column.
Column = ContinuousColumn | OrderedBinsColumn | CategoricalColumn


def _upper_edge(distribution: Distribution, value: object, lo: float, hi: float) -> float:
    """The unit coordinate where decoding stops giving ``value``, between ``lo`` and ``hi``.

    ``from_unit`` is monotone, so the boundary between the bins of two
    neighbouring values is found by bisection on the encoding itself.
    """
    for _ in range(_BISECTION_STEPS):
        mid = 0.5 * (lo + hi)
        if distribution.from_unit(mid) == value:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


@functools.lru_cache(maxsize=256)
def column_for(distribution: Distribution) -> Column:
    """How the estimator models the encoded column of ``distribution``.

    Categoricals become :class:`CategoricalColumn`; ranges with at most
    :data:`MAX_ORDERED_BINS` values become :class:`OrderedBinsColumn` with bin
    edges taken from the distribution's own encoding; everything else is
    continuous. Cached: distributions are immutable and hashable.
    """
    if isinstance(distribution, CategoricalDistribution):
        return CategoricalColumn(distribution.n_values)
    n_values = distribution.n_values
    if n_values is None or n_values > MAX_ORDERED_BINS or n_values < 2:
        return ContinuousColumn()
    values = distribution.grid(n_values)
    centers = distribution.to_unit_array(values)
    edges = np.empty(n_values + 1)
    edges[0], edges[-1] = 0.0, 1.0
    for k in range(n_values - 1):
        edges[k + 1] = _upper_edge(distribution, values[k], centers[k], centers[k + 1])
    return OrderedBinsColumn(edges=edges, centers=centers)
