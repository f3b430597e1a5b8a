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

_UNIFORM_STD = 1.0 / math.sqrt(12.0)


@dataclass(frozen=True)
class BandwidthRule:
    """How wide the kernels of a mixture fitted on ``n`` points in ``d`` columns are.

    A numerical column gets Scott's rule, ``scale * spread * n ** (-1 / (d + 4))``,
    where ``spread`` is the weighted standard deviation of the observations in
    that column with the uniform prior counted as ``prior_weight`` extra
    pseudo-observations of variance 1/12 (so few observations give wide
    kernels). It is then clipped from below by ``max(min_bandwidth,
    1 / min(100, n + 1))`` (Bergstra's "magic clip", which stops a few close
    observations from collapsing the model) and from above by
    ``max_bandwidth``. A categorical column's spread is
    ``min(1, categorical_smoothing / (n + 1))``.

    Attributes:
        scale: Multiplier of Scott's rule.
        min_bandwidth: Absolute floor of a numerical bandwidth (unit scale).
        magic_clip: Apply the ``1 / min(100, n + 1)`` floor.
        max_bandwidth: Ceiling of a numerical bandwidth (unit scale).
        categorical_smoothing: Numerator of the categorical spread.
    """

    scale: float = 1.0
    min_bandwidth: float = 0.01
    magic_clip: bool = True
    max_bandwidth: float = 1.0
    categorical_smoothing: float = 1.0


@dataclass(frozen=True, eq=False)
class ParzenMixture:
    """A fitted Parzen estimator over ``d`` encoded columns with ``m`` kernels.

    Attributes:
        columns: How each of the ``d`` columns is modelled.
        centers: Shape ``(m, d)``; kernel centres in the unit cube.
        bandwidths: Shape ``(d,)``; the Gaussian width of each numerical column,
            or the spread of each categorical column.
        log_norms: Shape ``(m, d)``; log of each numerical kernel's mass in
            [0, 1] (0 for categorical columns).
        weights: Shape ``(m + 1,)``, summing to 1; the last entry is the
            weight of the uniform prior.
    """

    columns: tuple[Column, ...]
    centers: NDArray[np.float64]
    bandwidths: NDArray[np.float64]
    log_norms: NDArray[np.float64]
    weights: NDArray[np.float64]

    @property
    def n_kernels(self) -> int:
        """Number of observation kernels ``m`` (the prior not counted)."""
        return int(self.centers.shape[0])


def _column_bandwidth(
    values: NDArray[np.float64],
    weights: NDArray[np.float64],
    column: Column,
    prior_weight: float,
    n_dims: int,
    rule: BandwidthRule,
) -> float:
    """The bandwidth (numerical) or spread (categorical) of one column; see BandwidthRule."""
    n = int(values.shape[0])
    if isinstance(column, CategoricalColumn):
        return min(1.0, rule.categorical_smoothing / (n + 1.0))
    total = float(weights.sum())
    if total > 0.0:
        mean = float(weights @ values) / total
        sq = float(weights @ (values - mean) ** 2)
    else:
        sq = 0.0
    spread = math.sqrt((sq + prior_weight * _UNIFORM_STD**2) / (total + prior_weight))
    width = rule.scale * spread * math.pow(max(n, 1), -1.0 / (n_dims + 4))
    floor = rule.min_bandwidth
    if rule.magic_clip:
        floor = max(floor, 1.0 / min(100.0, n + 1.0))
    return min(max(width, floor), rule.max_bandwidth)


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
        weights: Shape ``(m,)`` non-negative observation weights (default 1).
        rule: The bandwidth rule (default :class:`BandwidthRule()`).
    """
    pts = np.asarray(points, dtype=float).reshape(-1, len(columns))
    m, d = pts.shape
    w = np.ones(m) if weights is None else np.asarray(weights, dtype=float)
    rule = rule or BandwidthRule()
    bandwidths = np.array(
        [
            _column_bandwidth(pts[:, j], w, col, prior_weight, d, rule)
            for j, col in enumerate(columns)
        ]
    )
    log_norms = np.zeros((m, d))
    for j, col in enumerate(columns):
        if not isinstance(col, CategoricalColumn):
            log_norms[:, j] = truncated_gaussian_log_norm(pts[:, j], np.full(m, bandwidths[j]))
    all_weights = np.append(w, prior_weight)
    return ParzenMixture(
        columns=tuple(columns),
        centers=pts,
        bandwidths=bandwidths,
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
            keep = rng.random(rows.shape[0]) >= mixture.bandwidths[j]
            other = rng.integers(col.n_choices, size=rows.shape[0])
            category = np.where(keep, col.category_of(centers), other)
            out[rows, j] = col.center_of(category)
        else:
            width = np.full(rows.shape[0], mixture.bandwidths[j])
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
    width = np.full(centers.shape[0], mixture.bandwidths[j])
    if isinstance(col, CategoricalColumn):
        kernel = categorical_log_kernel(
            col.category_of(x),
            col.category_of(centers),
            float(mixture.bandwidths[j]),
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
