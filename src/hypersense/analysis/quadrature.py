"""The measure an analysis averages over, per parameter, as quadrature rules.

Importance is variance under the uniform measure of the *encoded* unit cube
(the one encoding of :mod:`hypersense.space`): a log-scaled range is weighed on
its log scale, each integer or categorical value by the width of its bin. For
one parameter that measure is a quadrature rule: points in [0, 1] and weights
summing to 1. Discrete parameters get one point per value (exact); continuous
ones a composite Gauss-Legendre rule, accurate for the smooth functions the
surrogates produce.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from hypersense.space.base import Distribution
from hypersense.space.categorical import CategoricalDistribution

__all__ = ["Quadrature", "composite_gauss_legendre", "parameter_quadrature"]

#: Discrete parameters with at most this many values are integrated value by value.
MAX_DISCRETE_VALUES = 64
# Resolution of the scan that finds a discrete parameter's values (1 / this).
_BIN_RESOLUTION = 8192
# Bisection steps locating each bin boundary (2**-45: exact in practice).
_BISECTION_STEPS = 45


@dataclass(frozen=True, eq=False)
class Quadrature:
    """A quadrature rule for one parameter's measure on [0, 1].

    Attributes:
        points: Encoded points; shape ``(g,)``.
        weights: Their weights, positive, summing to 1; shape ``(g,)``.
        is_discrete: Whether the points are the parameter's only values.
        is_categorical: Whether the values are unordered choices.
    """

    points: NDArray[np.float64]
    weights: NDArray[np.float64]
    is_discrete: bool
    is_categorical: bool

    @property
    def size(self) -> int:
        """Number of points."""
        return int(self.points.shape[0])


@lru_cache(maxsize=8)
def _gauss_legendre(order: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    nodes, weights = np.polynomial.legendre.leggauss(order)
    return nodes, weights


def composite_gauss_legendre(n_panels: int = 16, order: int = 4) -> Quadrature:
    """Gauss-Legendre rule of ``order`` points on each of ``n_panels`` equal panels.

    Panels keep the points evenly spread, so a narrow bump of a short-length-scale
    kernel anywhere in [0, 1] is integrated accurately.
    """
    nodes, weights = _gauss_legendre(order)
    width = 1.0 / n_panels
    local = (nodes + 1.0) / 2.0 * width
    points = (np.arange(n_panels)[:, None] * width + local[None, :]).ravel()
    w = np.tile(weights / 2.0 * width, n_panels)
    return Quadrature(points=points, weights=w, is_discrete=False, is_categorical=False)


def parameter_quadrature(distribution: Distribution) -> Quadrature:
    """The rule for ``distribution``'s measure in the encoded space.

    Discrete distributions with at most ``MAX_DISCRETE_VALUES`` values get their
    encoded values, each weighted by the width of the unit-interval bin that
    decodes to it (equal widths on a linear scale, log widths for a log-scaled
    integer; bin boundaries found by bisection, so any encoding works). Others
    get :func:`composite_gauss_legendre`.
    """
    n_values = distribution.n_values
    is_categorical = isinstance(distribution, CategoricalDistribution)
    if n_values is None or (n_values > MAX_DISCRETE_VALUES and not is_categorical):
        return composite_gauss_legendre()
    mids = (np.arange(_BIN_RESOLUTION) + 0.5) / _BIN_RESOLUTION
    points = np.unique(distribution.to_unit_array(distribution.from_unit_array(mids)))
    edges = [0.0]
    for below, above in itertools.pairwise(points):
        edges.append(_bin_boundary(distribution, float(below), float(above)))
    edges.append(1.0)
    return Quadrature(
        points=points.astype(float),
        weights=np.diff(np.array(edges)),
        is_discrete=True,
        is_categorical=is_categorical,
    )


def _bin_boundary(distribution: Distribution, below: float, above: float) -> float:
    """Where decoding switches from the value encoded at ``below`` to the next one,
    found by bisection (each encoded value lies inside its own bin)."""
    lo, hi = below, above
    for _ in range(_BISECTION_STEPS):
        mid = 0.5 * (lo + hi)
        if distribution.to_unit(distribution.from_unit(mid)) <= below:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)
