"""Who survives a generation and who becomes a parent.

Survival is elitist ((mu + lambda)): the candidates (last generation's
offspring and its parents) are put in one preference order and the first
``population_size`` survive. The same order drives tournament selection, so
"better" means one thing: lower constrained front, then larger crowding
distance, then lower index (a deterministic tie-break).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from hypersense.pareto import constrained_front_ranks, crowding_distance

__all__ = ["preference_order", "tournament"]


def preference_order(
    losses: NDArray[np.float64], violations: NDArray[np.float64] | None
) -> NDArray[np.int64]:
    """Candidate indices from best to worst.

    With one objective this is: feasible by loss, then infeasible by
    violation. With several it is NSGA-II's crowded comparison: constrained
    front first, then crowding distance within the front (larger first).

    Args:
        losses: Shape ``(n, k)`` in minimisation form, finite.
        violations: Shape ``(n,)`` total violations (>= 0), or None.

    Returns:
        Shape ``(n,)``, a permutation of ``range(n)``.
    """
    losses = np.asarray(losses, dtype=float)
    n = losses.shape[0]
    ranks = constrained_front_ranks(losses, violations)
    crowding = np.zeros(n)
    if losses.shape[1] > 1:
        for rank in np.unique(ranks):
            members = np.flatnonzero(ranks == rank)
            crowding[members] = crowding_distance(losses[members])
    # np.lexsort sorts by the last key first: rank, then -crowding, then index.
    order: NDArray[np.int64] = np.lexsort((np.arange(n), -crowding, ranks)).astype(np.int64)
    return order


def tournament(
    positions: NDArray[np.int64], size: int, rng: np.random.Generator, *, exclude: int = -1
) -> int:
    """Index of the winner of a tournament among ``size`` random entrants.

    Entrants are drawn without replacement among all indices but ``exclude``;
    the winner has the smallest position in the preference order.

    Args:
        positions: Shape ``(n,)``: ``positions[i]`` is the rank of ``i`` in the
            preference order (0 is the best).
        size: How many entrants (capped at the number of eligible indices).
        rng: Source of the draws.
        exclude: An index that may not enter (e.g. the first parent), or -1.

    Returns:
        The index of the winner.
    """
    eligible = np.flatnonzero(np.arange(positions.shape[0]) != exclude)
    if eligible.size == 0:
        raise ValueError("a tournament needs at least one eligible entrant")
    entrants = rng.choice(eligible, size=min(size, eligible.size), replace=False)
    return int(entrants[np.argmin(positions[entrants])])
