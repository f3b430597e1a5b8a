"""Pareto dominance: non-dominated sorting, crowding distance, constraint violation.

Pure functions on loss matrices in minimisation form (flip maximised
objectives first, :func:`hypersense.direction.to_minimization`). Row ``a``
dominates row ``b`` when it is no worse in every objective and better in one;
equal rows do not dominate each other and share a front. Constraint handling
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

__all__ = [
    "constrained_front_ranks",
    "constraint_violations",
    "crowding_distance",
    "front_ranks",
    "non_dominated_mask",
]

# Rows of the pairwise dominance test processed at once (bounds memory to
# about _CHUNK * n * n_objectives booleans).
_CHUNK = 256


def _domination_matrix(losses: NDArray[np.float64]) -> NDArray[np.bool_]:
    """``out[i, j]`` is whether row ``i`` dominates row ``j``; shape ``(n, n)``."""
    le = np.all(losses[:, None, :] <= losses[None, :, :], axis=2)
    lt = np.any(losses[:, None, :] < losses[None, :, :], axis=2)
    out: NDArray[np.bool_] = le & lt
    return out


def _dominator_counts(losses: NDArray[np.float64]) -> NDArray[np.int64]:
    """For each row, how many rows dominate it; shape ``(n,)``."""
    n = losses.shape[0]
    counts = np.zeros(n, dtype=np.int64)
    for start in range(0, n, _CHUNK):
        block = losses[start : start + _CHUNK]  # the dominated candidates
        le = np.all(losses[None, :, :] <= block[:, None, :], axis=2)
        lt = np.any(losses[None, :, :] < block[:, None, :], axis=2)
        counts[start : start + _CHUNK] = np.count_nonzero(le & lt, axis=1)
    return counts


def _cut_after(ranks: NDArray[np.int64], n_needed: int) -> NDArray[np.int64]:
    """``ranks`` with every front after the one that completes ``n_needed`` rows set to -1."""
    sizes = np.bincount(ranks[ranks >= 0])
    last = int(np.searchsorted(np.cumsum(sizes), n_needed))
    out: NDArray[np.int64] = np.where(ranks > last, -1, ranks)
    return out


def front_ranks(losses: NDArray[np.float64], *, n_needed: int | None = None) -> NDArray[np.int64]:
    """The Pareto front index of every row (0 for the non-dominated ones).

    Front ``r + 1`` is what is non-dominated once fronts ``0..r`` are removed.
    With ``n_needed``, whole fronts are ranked in order only until at least
    ``n_needed`` rows have a rank; the others get ``-1``. A row dominated by
    ``n_needed`` or more rows can then never be needed (its dominators all
    rank strictly earlier), so only the rest are sorted, which keeps long
    studies cheap.

    Args:
        losses: Shape ``(n, k)``, minimisation form.
        n_needed: How many rows the caller wants ranked; None ranks every row.

    Returns:
        Shape ``(n,)`` front indices, ``-1`` where not computed.
    """
    v = np.asarray(losses, dtype=float)
    n = v.shape[0]
    ranks = np.full(n, -1, dtype=np.int64)
    n_needed = n if n_needed is None else n_needed
    if n == 0 or n_needed <= 0:
        return ranks
    if v.shape[1] == 1:
        # One objective: each distinct value is its own front.
        _, inverse = np.unique(v[:, 0], return_inverse=True)
        return _cut_after(inverse.astype(np.int64).ravel(), n_needed)
    if n_needed >= n:
        candidates = np.arange(n)
    else:
        candidates = np.flatnonzero(_dominator_counts(v) < n_needed)
    dominates = _domination_matrix(v[candidates])
    remaining = dominates.sum(axis=0)
    alive = np.ones(len(candidates), dtype=bool)
    rank, n_ranked = 0, 0
    while n_ranked < n_needed and alive.any():
        front = alive & (remaining == 0)
        ranks[candidates[front]] = rank
        n_ranked += int(front.sum())
        alive &= ~front
        remaining = remaining - dominates[front].sum(axis=0)
        rank += 1
    return ranks


def non_dominated_mask(losses: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Mask of the rows of ``losses`` (shape ``(n, k)``, minimisation form) that
    no other row dominates; shape ``(n,)``. Duplicated points are all kept."""
    v = np.asarray(losses, dtype=float)
    out: NDArray[np.bool_] = _dominator_counts(v) == 0
    return out


def constrained_front_ranks(
    losses: NDArray[np.float64], violations: NDArray[np.float64] | None
) -> NDArray[np.int64]:
    """Front indices under constrained domination.

    Feasible rows (violation 0) get their Pareto fronts; infeasible rows come
    after every feasible front, one front per distinct total violation, the
    smallest violation first.

    Args:
        losses: Shape ``(n, k)``, minimisation form, finite.
        violations: Shape ``(n,)`` total constraint violations (>= 0, from
            :func:`constraint_violations`), or None when there are no constraints.

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
    objective's range. Objectives with zero range add nothing. Fronts of one
    or two rows are all extremes.

    Args:
        losses: Shape ``(n, k)``: the rows of one front.

    Returns:
        Shape ``(n,)`` crowding distances (larger is more isolated).
    """
    v = np.asarray(losses, dtype=float)
    n, k = v.shape
    if n <= 2:
        return np.full(n, np.inf)
    distance = np.zeros(n)
    for j in range(k):
        order = np.argsort(v[:, j], kind="stable")
        column = v[order, j]
        span = column[-1] - column[0]
        distance[order[0]] = distance[order[-1]] = np.inf
        if span > 0.0:
            distance[order[1:-1]] += (column[2:] - column[:-2]) / span
    return distance


def constraint_violations(constraints: NDArray[np.float64]) -> NDArray[np.float64]:
    """Total violation of each row of constraint values (``<= 0`` is satisfied).

    Args:
        constraints: Shape ``(n, c)``.

    Returns:
        Shape ``(n,)``: the sum of the positive parts; 0 means feasible.
    """
    c = np.asarray(constraints, dtype=float)
    out: NDArray[np.float64] = np.clip(c, 0.0, None).sum(axis=1)
    return out
