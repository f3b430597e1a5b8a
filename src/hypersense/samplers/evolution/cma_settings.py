"""The settings of a CMA-ES search in the unit cube and its restart rules.

Pure functions: the default population, the optimizer's box (with discrete
dimensions on bin centres, for CMA-ES with margin), when a run has stagnated,
and where a restarted run begins. :mod:`.cma_replay` drives ``cmaes`` with them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "CmaSettings",
    "default_popsize",
    "discrete_bounds",
    "has_stagnated",
    "restart_mean",
]


@dataclass(frozen=True)
class CmaSettings:
    """What fixes a CMA-ES search in the unit cube.

    Attributes:
        n_values: Shape ``(d,)``: the number of equal-width bins of a discrete
            dimension handled with margin, 0 for a continuous one.
        mean0: Shape ``(d,)``: the first run's initial mean.
        sigma0: Initial step size, in unit-cube coordinates.
        popsize0: The first run's population size.
        inc_popsize: Factor by which each restart grows the population.
        restart: Whether to restart at all.
        stagnation_generations: Generations without improvement that count as
            stagnation (None: ``10 + ceil(30 d / popsize)``).
    """

    n_values: NDArray[np.int64]
    mean0: NDArray[np.float64]
    sigma0: float
    popsize0: int
    inc_popsize: int
    restart: bool
    stagnation_generations: int | None

    @property
    def dim(self) -> int:
        """Dimension of the search."""
        return int(self.n_values.shape[0])

    def popsize(self, restart: int) -> int:
        """Population size of run ``restart`` (0 is the first)."""
        return int(self.popsize0 * self.inc_popsize**restart)

    def patience(self, popsize: int) -> int:
        """Generations without improvement tolerated by a run of ``popsize``."""
        if self.stagnation_generations is not None:
            return self.stagnation_generations
        return 10 + math.ceil(30 * self.dim / popsize)


def default_popsize(dim: int) -> int:
    """CMA-ES's default population size, ``4 + floor(3 ln d)``."""
    return 4 + math.floor(3 * math.log(max(dim, 1)))


def discrete_bounds(n_values: NDArray[np.int64]) -> NDArray[np.float64]:
    """Shape ``(d, 2)`` box of the optimizer: [0, 1] for continuous dimensions,
    the first and last bin centres for discrete ones."""
    n = np.maximum(n_values, 1).astype(float)
    low = np.where(n_values > 0, 0.5 / n, 0.0)
    high = np.where(n_values > 0, 1.0 - 0.5 / n, 1.0)
    return np.stack([low, high], axis=1)


def has_stagnated(best_per_generation: Sequence[float], patience: int) -> bool:
    """Whether the last ``patience`` generations found nothing better than before.

    Args:
        best_per_generation: Best loss of each generation, oldest first.
        patience: How many generations without improvement are tolerated.
    """
    if len(best_per_generation) <= patience:
        return False
    before = min(best_per_generation[:-patience])
    return min(best_per_generation[-patience:]) >= before


def restart_mean(
    told_x: NDArray[np.float64], restart: int, bounds: NDArray[np.float64]
) -> NDArray[np.float64]:
    """A uniformly random initial mean for run ``restart``, shape ``(d,)``.

    Its randomness is seeded by the bits of the last told points, a pure
    function of the history: every process restarts at the same place, and
    different searches restart at different places.

    Args:
        told_x: Shape ``(m, d)``: the points told last.
        restart: Index of the new run.
        bounds: Shape ``(d, 2)`` box of the optimizer.
    """
    words = np.ascontiguousarray(told_x, dtype=np.float64).view(np.uint32).ravel()
    rng = np.random.default_rng(np.random.SeedSequence([restart, *words.tolist()]))
    u = rng.random(bounds.shape[0])
    out: NDArray[np.float64] = bounds[:, 0] + u * (bounds[:, 1] - bounds[:, 0])
    return out
