"""Variation operators of the genetic samplers: crossover and mutation.

Pure functions on points of the unit cube (hypersense's one encoding, see
:mod:`hypersense.space`). A gene is *numeric* (a float or an int parameter,
linear or log, with or without step: its unit coordinate is varied
continuously and decoding picks the value) or *categorical* (its unit
coordinate names a category bin; categories are unordered, so they are only
inherited from a parent or redrawn, never interpolated).

``n_choices[j]`` tells them apart: 0 for a numeric gene, the number of
categories for a categorical one.

References: simulated binary crossover and polynomial mutation, K. Deb and
R. B. Agrawal, "Simulated binary crossover for continuous search space",
Complex Systems 9, 1995, and K. Deb, "Multi-objective optimization using
evolutionary algorithms", Wiley 2001 (bounded forms); BLX-alpha, L. J.
Eshelman and J. D. Schaffer, "Real-coded genetic algorithms and
interval-schemata", FOGA 1993.
"""

from __future__ import annotations

from enum import Enum

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "BLX_ALPHA",
    "GAUSSIAN_SIGMA_MAX",
    "GAUSSIAN_SIGMA_MIN",
    "MUTATION_ETA",
    "SBX_ETA",
    "Crossover",
    "Mutation",
    "adaptive_sigma",
    "blx_crossover",
    "category_index",
    "category_unit",
    "crossover",
    "gaussian_mutation",
    "mutate",
    "polynomial_mutation",
    "sbx_crossover",
    "uniform_crossover",
]

#: Distribution index of SBX: larger keeps children closer to their parents.
SBX_ETA = 15.0
#: Distribution index of polynomial mutation (Deb's usual value).
MUTATION_ETA = 20.0
#: BLX extends the parents' interval by this fraction on each side.
BLX_ALPHA = 0.5
#: Bounds of the adaptive Gaussian mutation step, in unit-cube coordinates.
GAUSSIAN_SIGMA_MIN = 0.005
GAUSSIAN_SIGMA_MAX = 0.3

_TINY = 1e-14


class Crossover(Enum):
    """How two parents' numeric genes are recombined."""

    SBX = "sbx"
    BLX = "blx"
    UNIFORM = "uniform"


class Mutation(Enum):
    """How a numeric gene is perturbed."""

    POLYNOMIAL = "polynomial"
    GAUSSIAN = "gaussian"
    UNIFORM = "uniform"


def category_index(u: NDArray[np.float64], n_choices: NDArray[np.int64]) -> NDArray[np.int64]:
    """The category bin of unit coordinates (categorical genes only); same shape."""
    n = np.maximum(n_choices, 1)
    idx: NDArray[np.int64] = np.minimum((np.clip(u, 0.0, 1.0) * n).astype(np.int64), n - 1)
    return idx


def category_unit(index: NDArray[np.int64], n_choices: NDArray[np.int64]) -> NDArray[np.float64]:
    """The unit coordinate of category ``index`` (its bin centre); same shape."""
    out: NDArray[np.float64] = (index + 0.5) / np.maximum(n_choices, 1)
    return out


def uniform_crossover(
    a: NDArray[np.float64], b: NDArray[np.float64], rng: np.random.Generator
) -> NDArray[np.float64]:
    """Each gene from ``a`` or ``b`` with probability 1/2. Shapes ``(d,)``."""
    take_b = rng.random(a.shape[0]) < 0.5
    out: NDArray[np.float64] = np.where(take_b, b, a)
    return out


def blx_crossover(
    a: NDArray[np.float64],
    b: NDArray[np.float64],
    rng: np.random.Generator,
    alpha: float = BLX_ALPHA,
) -> NDArray[np.float64]:
    """BLX-alpha: each gene uniform on the parents' interval widened by ``alpha``
    times its length on both sides, clipped to [0, 1]. Shapes ``(d,)``."""
    low, high = np.minimum(a, b), np.maximum(a, b)
    width = high - low
    child = rng.uniform(low - alpha * width, high + alpha * width)
    out: NDArray[np.float64] = np.clip(child, 0.0, 1.0)
    return out


def _sbx_spread(
    distance_to_bound: NDArray[np.float64],
    gap: NDArray[np.float64],
    u: NDArray[np.float64],
    eta: float,
) -> NDArray[np.float64]:
    """Bounded SBX spread factor beta_q for one side (Deb 2001, Section 4.2.2)."""
    beta = 1.0 + 2.0 * distance_to_bound / gap
    alpha = 2.0 - beta ** (-(eta + 1.0))
    inner = np.where(u <= 1.0 / alpha, u * alpha, 1.0 / np.maximum(2.0 - u * alpha, _TINY))
    out: NDArray[np.float64] = inner ** (1.0 / (eta + 1.0))
    return out


def sbx_crossover(
    a: NDArray[np.float64],
    b: NDArray[np.float64],
    rng: np.random.Generator,
    eta: float = SBX_ETA,
) -> NDArray[np.float64]:
    """Bounded simulated binary crossover on [0, 1]; returns one child.

    Each gene is recombined with probability 1/2 (else inherited from ``a`` or
    ``b``): the two SBX children of the pair are spread around the parents'
    midpoint with a polynomial density whose sharpness is ``eta``, truncated so
    they stay in the bounds; the child takes one of them at random.

    Args:
        a: First parent, shape ``(d,)``, in [0, 1].
        b: Second parent, shape ``(d,)``, in [0, 1].
        rng: Source of the draws.
        eta: Distribution index (>= 0).
    """
    d = a.shape[0]
    y1, y2 = np.minimum(a, b), np.maximum(a, b)
    gap = np.maximum(y2 - y1, _TINY)
    u = np.asarray(rng.random(d), dtype=float)
    low_child = 0.5 * (y1 + y2 - _sbx_spread(y1, gap, u, eta) * (y2 - y1))
    high_child = 0.5 * (y1 + y2 + _sbx_spread(1.0 - y2, gap, u, eta) * (y2 - y1))
    pick_high = rng.random(d) < 0.5
    recombined = np.clip(np.where(pick_high, high_child, low_child), 0.0, 1.0)
    do_recombine = (rng.random(d) < 0.5) & (y2 - y1 > _TINY)
    inherited = uniform_crossover(a, b, rng)
    out: NDArray[np.float64] = np.where(do_recombine, recombined, inherited)
    return out


def polynomial_mutation(
    x: NDArray[np.float64], rng: np.random.Generator, eta: float = MUTATION_ETA
) -> NDArray[np.float64]:
    """Bounded polynomial mutation of every gene of ``x`` (shape ``(d,)``) on [0, 1].

    The perturbation has a polynomial density of index ``eta`` whose support
    reaches exactly the bounds, so no clipping mass piles up on them.
    """
    r = rng.random(x.shape[0])
    power = 1.0 / (eta + 1.0)
    down = (2.0 * r + (1.0 - 2.0 * r) * (1.0 - x) ** (eta + 1.0)) ** power - 1.0
    up = 1.0 - (2.0 * (1.0 - r) + 2.0 * (r - 0.5) * x ** (eta + 1.0)) ** power
    out: NDArray[np.float64] = np.clip(x + np.where(r < 0.5, down, up), 0.0, 1.0)
    return out


def gaussian_mutation(
    x: NDArray[np.float64], rng: np.random.Generator, sigma: NDArray[np.float64] | float
) -> NDArray[np.float64]:
    """Add N(0, sigma_j^2) to every gene of ``x`` (shape ``(d,)``), reflecting at 0 and 1.

    ``sigma`` is a scalar or shape ``(d,)``.
    """
    y = x + sigma * rng.standard_normal(x.shape[0])
    # Reflection (period 2) keeps the density smooth at the bounds.
    y = np.mod(y, 2.0)
    out: NDArray[np.float64] = np.where(y > 1.0, 2.0 - y, y)
    return out


def adaptive_sigma(parents: NDArray[np.float64]) -> NDArray[np.float64]:
    """Gaussian mutation steps that follow the parents' spread; shape ``(d,)``.

    Each gene's standard deviation across the parents (shape ``(m, d)``),
    clipped to [GAUSSIAN_SIGMA_MIN, GAUSSIAN_SIGMA_MAX]: wide while the
    population is diverse, narrow once it has converged, never zero.
    """
    spread = parents.std(axis=0) if parents.shape[0] > 1 else np.zeros(parents.shape[1])
    out: NDArray[np.float64] = np.clip(spread, GAUSSIAN_SIGMA_MIN, GAUSSIAN_SIGMA_MAX)
    return out


def crossover(
    a: NDArray[np.float64],
    b: NDArray[np.float64],
    n_choices: NDArray[np.int64],
    kind: Crossover,
    rng: np.random.Generator,
) -> NDArray[np.float64]:
    """One child of parents ``a`` and ``b`` (shapes ``(d,)``).

    Numeric genes use ``kind``; categorical genes are inherited from either
    parent with probability 1/2.
    """
    if kind is Crossover.SBX:
        child = sbx_crossover(a, b, rng)
    elif kind is Crossover.BLX:
        child = blx_crossover(a, b, rng)
    else:
        child = uniform_crossover(a, b, rng)
    categorical = n_choices > 0
    out: NDArray[np.float64] = np.where(categorical, uniform_crossover(a, b, rng), child)
    return out


def mutate(
    x: NDArray[np.float64],
    n_choices: NDArray[np.int64],
    kind: Mutation,
    probability: float,
    rng: np.random.Generator,
    sigma: NDArray[np.float64] | float = GAUSSIAN_SIGMA_MAX,
) -> NDArray[np.float64]:
    """Mutate the child ``x`` (shape ``(d,)``).

    A categorical gene moves to another category, uniformly, with
    ``probability``. Numeric genes depend on ``kind``: POLYNOMIAL and UNIFORM
    (a redraw in [0, 1]) act on each gene with ``probability``; GAUSSIAN
    perturbs every numeric gene with standard deviation ``sigma`` (scalar or
    shape ``(d,)``, e.g. :func:`adaptive_sigma`), because its step size, not a
    coin flip, sets how far a child strays.
    """
    d = x.shape[0]
    chosen = rng.random(d) < probability
    categorical = n_choices > 0
    if kind is Mutation.POLYNOMIAL:
        numeric = np.where(chosen, polynomial_mutation(x, rng), x)
    elif kind is Mutation.GAUSSIAN:
        numeric = gaussian_mutation(x, rng, sigma)
    else:
        numeric = np.where(chosen, rng.random(d), x)
    current = category_index(x, n_choices)
    # A uniform draw among the other n - 1 categories: shift by 1..n-1.
    shift = 1 + np.floor(rng.random(d) * np.maximum(n_choices - 1, 1)).astype(np.int64)
    moved = category_unit((current + shift) % np.maximum(n_choices, 1), n_choices)
    moved = np.where(chosen & (n_choices > 1), moved, x)
    out: NDArray[np.float64] = np.where(categorical, moved, numeric)
    return out
