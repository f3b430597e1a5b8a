"""Non-dominated sorting and crowding distance (the ranking of NSGA-II).

Pure functions on loss matrices in minimisation form. Constraint handling
follows Deb's constrained domination: a feasible point beats an infeasible
one, two infeasible points compare by total violation, two feasible points by
Pareto dominance.

Reference: K. Deb, A. Pratap, S. Agarwal, T. Meyarivan, "A fast and elitist
multiobjective genetic algorithm: NSGA-II", IEEE TEVC 6(2), 2002 (Sections
III-A, III-B and VI).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["constrained_front_ranks", "crowding_distance", "front_ranks"]


def _domination_matrix(losses: NDArray[np.float64]) -> NDArray[np.bool_]:
    """``out[i, j]`` is whether row ``i`` Pareto-dominates row ``j``; shape ``(n, n)``."""
    le = np.all(losses[:, None, :] <= losses[None, :, :], axis=2)
    lt = np.any(losses[:, None, :] < losses[None, :, :], axis=2)
    out: NDArray[np.bool_] = le & lt
    return out


def front_ranks(losses: NDArray[np.float64]) -> NDArray[np.int64]:
    """The Pareto front index of every row (0 for the non-dominated ones).

    Front ``r + 1`` is what is non-dominated once fronts ``0..r`` are removed.
    Equal rows share a front.

    Args:
        losses: Shape ``(n, k)``, minimisation form, finite.

    Returns:
        Shape ``(n,)`` front indices.
    """
    losses = np.asarray(losses, dtype=float)
    n = losses.shape[0]
    ranks = np.full(n, -1, dtype=np.int64)
    if n == 0:
        return ranks
    if losses.shape[1] == 1:
        # One objective: each distinct value is its own front.
        _, inverse = np.unique(losses[:, 0], return_inverse=True)
        return inverse.astype(np.int64).ravel()
    dominates = _domination_matrix(losses)
    n_dominators = dominates.sum(axis=0)
    current = np.flatnonzero(n_dominators == 0)
    rank = 0
    while current.size:
        ranks[current] = rank
        n_dominators = n_dominators - dominates[current].sum(axis=0)
        n_dominators[ranks >= 0] = -1
        current = np.flatnonzero(n_dominators == 0)
        rank += 1
    return ranks


def constrained_front_ranks(
    losses: NDArray[np.float64], violations: NDArray[np.float64] | None
) -> NDArray[np.int64]:
    """Front indices under constrained domination.

    Feasible rows (violation 0) get their Pareto fronts; infeasible rows come
    after every feasible front, one front per distinct total violation, the
    smallest violation first.

    Args:
        losses: Shape ``(n, k)``, minimisation form, finite.
        violations: Shape ``(n,)`` total constraint violations (>= 0), or
            None when there are no constraints.

    Returns:
        Shape ``(n,)`` front indices.
    """
    losses = np.asarray(losses, dtype=float)
    if violations is None:
        return front_ranks(losses)
    violations = np.asarray(violations, dtype=float)
    feasible = violations <= 0.0
    ranks = np.empty(losses.shape[0], dtype=np.int64)
    ranks[feasible] = front_ranks(losses[feasible])
    n_feasible_fronts = int(ranks[feasible].max()) + 1 if feasible.any() else 0
    if (~feasible).any():
        _, levels = np.unique(violations[~feasible], return_inverse=True)
        ranks[~feasible] = n_feasible_fronts + levels.ravel()
    return ranks


def crowding_distance(losses: NDArray[np.float64]) -> NDArray[np.float64]:
    """How isolated each row of one front is, in objective space.

    For every objective the rows are sorted; the two extremes get infinity and
    each other row adds the gap between its neighbours divided by that
    objective's range. Objectives with zero range add nothing.

    Args:
        losses: Shape ``(n, k)``: the rows of one front.

    Returns:
        Shape ``(n,)`` crowding distances (larger is more isolated).
    """
    losses = np.asarray(losses, dtype=float)
    n, k = losses.shape
    distance = np.zeros(n)
    if n <= 2:
        distance[:] = np.inf
        return distance
    for j in range(k):
        order = np.argsort(losses[:, j], kind="stable")
        column = losses[order, j]
        span = column[-1] - column[0]
        distance[order[0]] = np.inf
        distance[order[-1]] = np.inf
        if span <= 0.0:
            continue
        distance[order[1:-1]] += (column[2:] - column[:-2]) / span
    return distance
