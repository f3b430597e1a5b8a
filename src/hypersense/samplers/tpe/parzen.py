"""The Parzen estimator of TPE: a weighted mixture of product kernels on the unit cube.

One mixture component sits on each observation (a row of the encoded
observation matrix) and one extra component is the uniform prior on the unit
cube. A component is a product over columns of one-dimensional kernels
(:mod:`.kernels`), so modelling several columns in one mixture models them
*jointly* (multivariate TPE): a sample takes all its coordinates from the same
observation's kernel. A univariate estimator is the same thing on one column.

Everything here is a pure function of numpy arrays; the sampler only turns
trials into arrays and back.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.special import logsumexp

from hypersense.samplers.tpe.columns import (
    CategoricalColumn,
    Column,
    ContinuousColumn,
    OrderedBinsColumn,
)
from hypersense.samplers.tpe.kernels import (
    categorical_log_kernel,
    truncated_gaussian_log_bin_mass,
    truncated_gaussian_log_norm,
    truncated_gaussian_log_pdf,
    truncated_gaussian_sample,
)

__all__ = [
    "BandwidthRule",
    "ParzenMixture",
    "fit_parzen_mixture",
    "parzen_log_pdf",
    "sample_parzen_mixture",
]


@dataclass(frozen=True)
class BandwidthRule:
    """How wide the kernels of a mixture fitted on ``n`` observations are.

    In a numerical column each kernel's width is ``scale`` times the larger
    distance to its neighbours in that column (Bergstra et al., 2011: wide
    where observations are sparse, narrow where they crowd), clipped from below
    by ``max(min_bandwidth, 1 / min(100, n + 2))`` when ``magic_clip`` (the
    "magic clip": a few close observations must not collapse the model) and
    from above by ``max_bandwidth``. A categorical column's spread is
    ``min(1, categorical_smoothing / (n + 1))``.

    Attributes:
        scale: Multiplier of the neighbour distance (< 1 exploits more).
        min_bandwidth: Absolute floor of a numerical bandwidth (unit scale).
        magic_clip: Apply the ``1 / min(100, n + 2)`` floor.
        max_bandwidth: Ceiling of a numerical bandwidth (unit scale).
        categorical_smoothing: Numerator of the categorical spread.
    """

    scale: float = 1.0
    min_bandwidth: float = 0.0
    magic_clip: bool = True
    max_bandwidth: float = 1.0
    categorical_smoothing: float = 1.0


@dataclass(frozen=True, eq=False)
class ParzenMixture:
    """A fitted Parzen estimator over ``d`` encoded columns with ``m`` kernels.

    Attributes:
        columns: How each of the ``d`` columns is modelled.
        centers: Shape ``(m, d)``; kernel centres in the unit cube.
        bandwidths: Shape ``(m, d)``; the Gaussian width of each kernel in each
            numerical column (unused in categorical columns).
        spreads: Shape ``(d,)``; the spread of each categorical column's kernels
            (unused in numerical columns).
        log_norms: Shape ``(m, d)``; log of each numerical kernel's mass in
            [0, 1] (0 for categorical columns).
        weights: Shape ``(m + 1,)``, summing to 1; the last entry is the
            weight of the uniform prior.
    """

    columns: tuple[Column, ...]
    centers: NDArray[np.float64]
    bandwidths: NDArray[np.float64]
    spreads: NDArray[np.float64]
    log_norms: NDArray[np.float64]
    weights: NDArray[np.float64]

    @property
    def n_kernels(self) -> int:
        """Number of observation kernels ``m`` (the prior not counted)."""
        return int(self.centers.shape[0])


def _neighbour_widths(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """Per point, the larger gap to its neighbours in sorted order; shape ``(m,)``.

    The unit interval's ends are neighbours only of a lone point, so a point at
    the edge of the data is not given the (uninformative) gap to the boundary.
    """
    m = values.shape[0]
    if m == 1:
        return np.array([max(values[0], 1.0 - values[0])])
    order = np.argsort(values, kind="stable")
    gaps = np.diff(values[order])
    left = np.concatenate([gaps[:1], gaps])
    right = np.concatenate([gaps, gaps[-1:]])
    out = np.empty(m)
    out[order] = np.maximum(left, right)
    return out


def _numeric_widths(values: NDArray[np.float64], rule: BandwidthRule) -> NDArray[np.float64]:
    """Kernel widths of one numerical column, rule applied and clipped; shape ``(m,)``."""
    m = values.shape[0]
    if m == 0:
        return np.zeros(0)
    floor = rule.min_bandwidth
    if rule.magic_clip:
        floor = max(floor, 1.0 / min(100.0, m + 2.0))
    return np.clip(rule.scale * _neighbour_widths(values), floor, rule.max_bandwidth)


def fit_parzen_mixture(
    points: NDArray[np.float64],
    columns: Sequence[Column],
    *,
    prior_weight: float,
    weights: NDArray[np.float64] | None = None,
    rule: BandwidthRule | None = None,
) -> ParzenMixture:
    """Fit a Parzen estimator on encoded observations.

    Args:
        points: Shape ``(m, d)``; observations in the unit cube (ordered and
            categorical columns at their bins' encoded values). ``m`` may be 0:
            the estimator is then the uniform prior alone.
        columns: ``d`` column descriptions.
        prior_weight: Weight of the uniform prior, in units of one observation
            (> 0, which keeps every density ratio finite).
        weights: Shape ``(m,)`` positive observation weights (default 1).
        rule: The bandwidth rule (default :class:`BandwidthRule()`).
    """
    pts = np.asarray(points, dtype=float).reshape(-1, len(columns))
    m, d = pts.shape
    w = np.ones(m) if weights is None else np.asarray(weights, dtype=float)
    rule = rule or BandwidthRule()
    bandwidths = np.ones((m, d))
    spreads = np.zeros(d)
    log_norms = np.zeros((m, d))
    for j, col in enumerate(columns):
        if isinstance(col, CategoricalColumn):
            spreads[j] = min(1.0, rule.categorical_smoothing / (m + 1.0))
            continue
        bandwidths[:, j] = _numeric_widths(pts[:, j], rule)
        log_norms[:, j] = truncated_gaussian_log_norm(pts[:, j], bandwidths[:, j])
    all_weights = np.append(w, prior_weight)
    return ParzenMixture(
        columns=tuple(columns),
        centers=pts,
        bandwidths=bandwidths,
        spreads=spreads,
        log_norms=log_norms,
        weights=all_weights / all_weights.sum(),
    )


def _snap(column: Column, u: NDArray[np.float64]) -> NDArray[np.float64]:
    """Move unit coordinates to the encoded value of their bin (discrete columns)."""
    if isinstance(column, OrderedBinsColumn):
        out: NDArray[np.float64] = column.centers[column.bin_of(u)]
        return out
    if isinstance(column, CategoricalColumn):
        return column.center_of(column.category_of(u))
    return u


def sample_parzen_mixture(
    mixture: ParzenMixture, rng: np.random.Generator, n_samples: int
) -> NDArray[np.float64]:
    """Draw ``n_samples`` points from the mixture; shape ``(n_samples, d)``.

    Ordered and categorical coordinates are returned at their bins' encoded
    values, so decoding them gives exactly the value the density was computed for.
    """
    m = mixture.n_kernels
    d = len(mixture.columns)
    component = rng.choice(m + 1, size=n_samples, p=mixture.weights)
    out = rng.random((n_samples, d))  # the uniform prior's draws
    rows = np.flatnonzero(component < m)
    source = component[rows]
    for j, col in enumerate(mixture.columns):
        centers = mixture.centers[source, j]
        if isinstance(col, CategoricalColumn):
            keep = rng.random(rows.shape[0]) >= mixture.spreads[j]
            other = rng.integers(col.n_choices, size=rows.shape[0])
            category = np.where(keep, col.category_of(centers), other)
            out[rows, j] = col.center_of(category)
        else:
            width = mixture.bandwidths[source, j]
            out[rows, j] = truncated_gaussian_sample(centers, width, rng)
        out[:, j] = _snap(col, out[:, j])
    return out


def _column_log_terms(
    mixture: ParzenMixture, j: int, x: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Per-kernel log kernel values ``(k, m)`` and the prior's log density ``(k,)``
    of column ``j`` at coordinates ``x`` (shape ``(k,)``)."""
    col = mixture.columns[j]
    centers = mixture.centers[:, j]
    width = mixture.bandwidths[:, j]
    if isinstance(col, CategoricalColumn):
        kernel = categorical_log_kernel(
            col.category_of(x),
            col.category_of(centers),
            float(mixture.spreads[j]),
            col.n_choices,
        )
        return kernel, np.full(x.shape[0], -math.log(col.n_choices))
    if isinstance(col, OrderedBinsColumn):
        b = col.bin_of(x)
        lower, upper = col.edges[b], col.edges[b + 1]
        kernel = truncated_gaussian_log_bin_mass(
            lower, upper, centers, width, mixture.log_norms[:, j]
        )
        return kernel, np.log(upper - lower)
    assert isinstance(col, ContinuousColumn)
    kernel = truncated_gaussian_log_pdf(x, centers, width, mixture.log_norms[:, j])
    return kernel, np.zeros(x.shape[0])


def parzen_log_pdf(mixture: ParzenMixture, points: NDArray[np.float64]) -> NDArray[np.float64]:
    """Log density of the mixture at ``points`` (shape ``(k, d)``); returns ``(k,)``.

    Ordered columns contribute the probability of the point's bin, continuous
    columns a density: the product is a density with respect to a mixed
    measure, the same for every mixture on these columns, so differences of
    log densities (TPE's acquisition) are meaningful.
    """
    x = np.asarray(points, dtype=float)
    k = x.shape[0]
    m = mixture.n_kernels
    log_kernels = np.zeros((k, m))
    log_prior = np.zeros(k)
    for j in range(len(mixture.columns)):
        kernel, prior = _column_log_terms(mixture, j, x[:, j])
        log_kernels += kernel
        log_prior += prior
    with np.errstate(divide="ignore"):
        log_w = np.log(mixture.weights)
    terms = np.concatenate([log_kernels + log_w[None, :m], (log_prior + log_w[m])[:, None]], axis=1)
    out: NDArray[np.float64] = logsumexp(terms, axis=1)
    return out
