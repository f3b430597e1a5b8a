"""Splitting observations into the "good" and "bad" sets TPE models separately.

Single objective: the ``n_good`` smallest losses. Several objectives: whole
Pareto fronts in order of non-dominated rank, the last front cut by greedy
hypervolume subset selection (two objectives, or three on a small front) or
else by crowding distance (extremes and isolated points first), so the good
set spreads along the front. Constraints: feasible observations come first; when fewer than
``n_good`` are feasible, the least-violating infeasible ones fill the good set,
so the model is pulled towards the feasible region instead of losing them.
Everything else (including every other infeasible observation) is "bad": it
shapes the bad density and so steers proposals away from its region.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from hypersense.pareto import crowding_distance, front_ranks, greedy_hypervolume_subset

__all__ = ["improvement_weights", "n_good_observations", "split_good"]

# Above this many exclusive-volume evaluations, a front of three or more
# objectives is cut by crowding distance instead: the exact hypervolume
# recursion costs about n ** (k - 1) per evaluation.
MAX_EXACT_EVALUATIONS = 1500


def n_good_observations(n: int, *, gamma: float, max_n_good: int | None) -> int:
    """How many of ``n`` observations form the good set: ``ceil(gamma * n)``, capped.

    Always at least 1 when ``n >= 1`` (there is then a best observation to model).
    """
    if n <= 0:
        return 0
    k = max(1, math.ceil(gamma * n))
    if max_n_good is not None:
        k = min(k, max_n_good)
    return min(k, n)


def _cut_front(front: NDArray[np.float64], room: int) -> NDArray[np.intp]:
    """Which ``room`` rows of one front to keep."""
    k = front.shape[1]
    if k == 2 or (k == 3 and room * front.shape[0] <= MAX_EXACT_EVALUATIONS):
        return greedy_hypervolume_subset(front, room)
    crowd = crowding_distance(front)
    return np.argsort(-crowd, kind="stable")[:room]


def _best_rows(losses: NDArray[np.float64], n_good: int) -> NDArray[np.intp]:
    """Indices of the ``n_good`` best rows (single objective: smallest; several:
    Pareto rank, then crowding distance within the last front needed)."""
    if n_good <= 0:
        return np.zeros(0, dtype=np.intp)
    if losses.shape[1] == 1:
        return np.argsort(losses[:, 0], kind="stable")[:n_good]
    ranks = front_ranks(losses, n_needed=n_good)
    chosen: list[int] = []
    for r in range(int(ranks.max()) + 1):
        front = np.flatnonzero(ranks == r)
        room = n_good - len(chosen)
        if len(front) > room:
            front = front[_cut_front(losses[front], room)]
        chosen.extend(int(i) for i in front)
        if len(chosen) >= n_good:
            break
    return np.array(chosen, dtype=np.intp)


def split_good(
    losses: NDArray[np.float64],
    n_good: int,
    violations: NDArray[np.float64] | None = None,
) -> NDArray[np.bool_]:
    """Mask of the observations that form the good set.

    Args:
        losses: Shape ``(n, k)``, minimisation form, finite.
        n_good: Size of the good set (at most ``n``).
        violations: Shape ``(n,)`` total constraint violation (0 = feasible),
            or None when there are no constraints.

    Returns:
        Shape ``(n,)`` boolean mask with exactly ``min(n_good, n)`` True entries.
    """
    v = np.asarray(losses, dtype=float)
    n = v.shape[0]
    good = np.zeros(n, dtype=bool)
    n_good = min(n_good, n)
    if violations is None:
        good[_best_rows(v, n_good)] = True
        return good
    feasible = np.flatnonzero(np.asarray(violations) <= 0.0)
    good[feasible[_best_rows(v[feasible], min(n_good, len(feasible)))]] = True
    shortfall = n_good - int(good.sum())
    if shortfall > 0:
        infeasible = np.flatnonzero(np.asarray(violations) > 0.0)
        order = np.argsort(np.asarray(violations)[infeasible], kind="stable")
        good[infeasible[order[:shortfall]]] = True
    return good


def improvement_weights(
    losses: NDArray[np.float64],
    good: NDArray[np.bool_],
    *,
    share: float,
    violations: NDArray[np.float64] | None = None,
) -> NDArray[np.float64]:
    """Weights of the good observations (single objective), in the spirit of EI.

    A good observation's improvement is how far its loss lies below the split
    threshold (the best loss left in the bad set). The weight is ``1 - share``
    plus ``share`` times the improvement divided by the mean improvement, so
    the weights average 1 and the best observations pull the good density
    towards themselves, while every good observation keeps a floor of ``1 -
    share``. Infeasible observations that only fill the good set get the floor.

    Args:
        losses: Shape ``(n, 1)``, minimisation form.
        good: Shape ``(n,)``, the good set (from :func:`split_good`).
        share: In [0, 1]; 0 gives uniform weights.
        violations: Shape ``(n,)`` total constraint violations, or None.

    Returns:
        Shape ``(good.sum(),)``, in the order of the good rows.
    """
    loss = np.asarray(losses, dtype=float)[:, 0]
    feasible = np.ones(loss.shape[0], dtype=bool) if violations is None else violations <= 0
    bad = ~good & feasible
    scored = good & feasible
    if bad.any():
        threshold = float(loss[bad].min())
    elif scored.any():
        threshold = float(loss[scored].max())
    else:
        return np.ones(int(good.sum()))
    gain = np.where(scored, np.maximum(threshold - loss, 0.0), 0.0)[good]
    mean_gain = float(gain.mean())
    if mean_gain <= 0.0:
        return np.ones(int(good.sum()))
    weights: NDArray[np.float64] = (1.0 - share) + share * gain / mean_gain
    return weights
