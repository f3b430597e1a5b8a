"""Maximising an acquisition over a mixed continuous / integer / categorical space.

1. Candidates: a scrambled Sobol set over the whole space (global) and
   perturbations of the best observed points (local, scaled by the fitted
   length scales), every discrete coordinate on a value its parameter can take.
2. The best few of each kind start a local search that alternates
   (a) L-BFGS-B on the continuous coordinates, preconditioned by the length
   scales (the acquisition is a function of ``x / l``, so optimising
   ``z = x / l`` equalises its curvature across dimensions), and
   (b) a discrete search of each integer / categorical coordinate over its
   values: all of them for categoricals and short grids, otherwise a stencil
   of near and far neighbours. Integers are therefore never relaxed and
   rounded: the acquisition is compared only at values the parameter takes.
3. The best point found wins, unless it repeats an evaluated or running
   point (see :mod:`hypersense.samplers.gp.repeats`): then the best refined
   start that does not, else the best candidate that does not.

Given a trust region (:mod:`hypersense.samplers.gp.trust_region`), every
candidate, every L-BFGS-B step and every discrete value searched stays inside
its box.

Each start is refined by its own L-BFGS-B run (see :func:`_refine_continuous`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple, Protocol

import numpy as np
from numpy.typing import NDArray

from hypersense.samplers.gp.model_space import ModelSpace
from hypersense.samplers.gp.repeats import RepeatFilter
from hypersense.samplers.gp.trust_region import TrustRegion

__all__ = ["Acquisition", "AcquisitionOptimum", "optimize_acquisition"]

_LOG2_N_GLOBAL = 10  # 1024 Sobol candidates
_N_LOCAL = 512
_N_STARTS_GLOBAL = 4
_N_STARTS_LOCAL = 4
_MAX_ROUNDS = 4
_LBFGS_MAXITER = 100
_EXHAUSTIVE_MAX = 16  # grids up to this size are searched exhaustively


class Acquisition(Protocol):
    """A batched acquisition function to maximise."""

    def __call__(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        """Values at the rows of ``x`` (shape ``(b, d)``); shape ``(b,)``."""
        ...

    def value_and_grad(
        self, x: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Values (shape ``(b,)``) and gradients (shape ``(b, d)``)."""
        ...


class AcquisitionOptimum(NamedTuple):
    """The proposal of :func:`optimize_acquisition`.

    Attributes:
        point: Model-space point; shape ``(d,)``.
        value: The acquisition there.
        avoided_repeat: Whether the acquisition's maximum repeated an existing
            point, so that ``point`` is the best one that does not.
    """

    point: NDArray[np.float64]
    value: float
    avoided_repeat: bool


def optimize_acquisition(
    acquisition: Acquisition,
    model_space: ModelSpace,
    *,
    lengthscales: NDArray[np.float64],
    incumbents: NDArray[np.float64],
    rng: np.random.Generator,
    fixed: Mapping[int, float] | None = None,
    repeats: RepeatFilter | None = None,
    region: TrustRegion | None = None,
) -> AcquisitionOptimum:
    """The model-space point that maximises ``acquisition`` (and is not a repeat).

    Args:
        acquisition: Function to maximise.
        model_space: Which dimensions are continuous, discrete or categorical.
        lengthscales: Fitted length scales; shape ``(d,)``.
        incumbents: Good observed points to search around, best first;
            shape ``(k, d)`` (``k`` may be 0).
        rng: Source of the candidates.
        fixed: Model-space values of dimensions that must not move (e.g.
            parameters given by ``enqueue_trial``).
        repeats: Which points count as repeats of existing ones (None: no
            point does). When every candidate is a repeat (a small discrete
            space fully explored), the acquisition's maximum is returned.
        region: A box to search in (None: the whole space); ``incumbents``
            should lie in it.
    """
    fixed = dict(fixed or {})
    free = np.ones(model_space.n_dims, dtype=bool)
    free[list(fixed)] = False
    pools = [_global_candidates(model_space, rng, region)]
    if incumbents.shape[0]:
        local = _local_candidates(model_space, incumbents, lengthscales, free, rng)
        pools.append(local if region is None else _into_region(model_space, local, region))
    pools = [_with_fixed(pool, fixed) for pool in pools]
    pool_values = [acquisition(pool) for pool in pools]
    starts = [
        _top_unique(pool, pool_value, n_starts)
        for pool, pool_value, n_starts in zip(
            pools, pool_values, (_N_STARTS_GLOBAL, _N_STARTS_LOCAL), strict=False
        )
    ]
    x = np.vstack(starts)
    values = acquisition(x)
    continuous = np.array([j for j in model_space.continuous_dims if free[j]], dtype=np.int64)
    discrete = [int(j) for j in model_space.discrete_dims if free[j]]
    for _ in range(_MAX_ROUNDS):
        if continuous.size:
            x, values = _refine_continuous(acquisition, x, values, continuous, lengthscales, region)
        changed = False
        for j in discrete:
            grid = _grid_in_region(model_space, j, region)
            x, values, moved = _search_discrete(acquisition, x, values, grid, j)
            changed |= moved
        if not changed:
            break
    best = int(np.argmax(values))
    optimum = AcquisitionOptimum(x[best], float(values[best]), False)
    if repeats is None or not repeats.repeats(x[best : best + 1])[0]:
        return optimum
    candidates = np.vstack([x, *pools])
    candidate_values = np.concatenate([values, *pool_values])
    allowed = np.flatnonzero(~repeats.repeats(candidates))
    if allowed.size == 0:
        return optimum
    pick = allowed[np.argmax(candidate_values[allowed])]
    return AcquisitionOptimum(candidates[pick], float(candidate_values[pick]), True)


def _with_fixed(x: NDArray[np.float64], fixed: Mapping[int, float]) -> NDArray[np.float64]:
    for j, value in fixed.items():
        x[:, j] = value
    return x


def _global_candidates(
    model_space: ModelSpace, rng: np.random.Generator, region: TrustRegion | None
) -> NDArray[np.float64]:
    """Scrambled Sobol points over the space, or over the numeric dimensions of
    ``region``'s box; shape ``(2**10, d)``."""
    from scipy.stats import qmc  # heavy: not imported with hypersense

    engine = qmc.Sobol(d=model_space.n_dims, scramble=True, rng=rng)
    u = engine.random_base2(_LOG2_N_GLOBAL)
    if region is not None:
        numeric = ~model_space.is_categorical
        low, high = region.low[numeric], region.high[numeric]
        u[:, numeric] = low + u[:, numeric] * (high - low)
    return model_space.from_unit_cube(u)


def _into_region(
    model_space: ModelSpace, x: NDArray[np.float64], region: TrustRegion
) -> NDArray[np.float64]:
    """``x`` (shape ``(b, d)``) clipped into the box (its categorical bounds are
    infinite, so categories stay as they are)."""
    return model_space.snap(np.clip(x, region.low, region.high))


def _grid_in_region(
    model_space: ModelSpace, j: int, region: TrustRegion | None
) -> NDArray[np.float64]:
    """The values of discrete dimension ``j`` to search: those in the box (all of
    a categorical's, whose bounds are infinite; the whole grid if the box holds
    none of them)."""
    grid = model_space.grid(j)
    if region is None:
        return grid
    tolerance = 1e-12
    inside = grid[(grid >= region.low[j] - tolerance) & (grid <= region.high[j] + tolerance)]
    return inside if inside.size else grid


def _local_candidates(
    model_space: ModelSpace,
    incumbents: NDArray[np.float64],
    lengthscales: NDArray[np.float64],
    free: NDArray[np.bool_],
    rng: np.random.Generator,
) -> NDArray[np.float64]:
    """Perturbations of the incumbents; shape ``(_N_LOCAL, d)``.

    Each candidate moves a random subset of about four free dimensions (all of
    them in low dimension): numeric ones by a Gaussian step of a fifth of their
    length scale (at least one grid cell), categorical ones to a random choice.
    """
    d = model_space.n_dims
    n_free = max(int(free.sum()), 1)
    base = incumbents[rng.integers(incumbents.shape[0], size=_N_LOCAL)]
    moves = (rng.random((_N_LOCAL, d)) < min(1.0, 4.0 / n_free)) & free
    free_dims = np.flatnonzero(free)
    if free_dims.size:  # every candidate moves at least one dimension
        moves[np.arange(_N_LOCAL), rng.choice(free_dims, _N_LOCAL)] = True
    step = np.clip(0.2 * lengthscales, 1e-3, 0.25)
    for j, units in enumerate(model_space.unit_values):
        if units is not None and not model_space.is_categorical[j]:
            step[j] = max(step[j], 1.0 / len(units))
    x = np.array(base, copy=True)
    numeric = ~model_space.is_categorical
    x[:, numeric] += (step * rng.standard_normal((_N_LOCAL, d)))[:, numeric] * moves[:, numeric]
    x[:, numeric] = _reflect_into_unit_interval(x[:, numeric])
    for c in np.flatnonzero(model_space.is_categorical):
        choices = model_space.unit_values[c]
        assert choices is not None
        draw = rng.integers(len(choices), size=_N_LOCAL).astype(float)
        x[:, c] = np.where(moves[:, c], draw, x[:, c])
    return model_space.snap(x)


def _tolerance(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """Smallest gain that counts as an improvement: batched evaluations of the
    same point may differ in the last bits, which must not count as a move."""
    return 1e-10 * (1.0 + np.abs(values))


def _reflect_into_unit_interval(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """Fold values back into [0, 1] by reflection at the bounds (any shape).

    Clipping would pile perturbed candidates onto the bounds, where L-BFGS-B
    leaves a coordinate whose acquisition gradient is flat or points outward:
    an incumbent on a bound would then keep that coordinate forever.
    """
    folded = np.mod(x, 2.0)
    out: NDArray[np.float64] = np.where(folded > 1.0, 2.0 - folded, folded)
    return out


def _top_unique(x: NDArray[np.float64], values: NDArray[np.float64], n: int) -> NDArray[np.float64]:
    """The ``n`` distinct rows of ``x`` with the highest values."""
    order = np.argsort(-values, kind="stable")
    _, first = np.unique(x[order], axis=0, return_index=True)
    keep = order[np.sort(first)][:n]
    return x[keep]


def _refine_continuous(
    acquisition: Acquisition,
    x: NDArray[np.float64],
    values: NDArray[np.float64],
    dims: NDArray[np.int64],
    lengthscales: NDArray[np.float64],
    region: TrustRegion | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """L-BFGS-B on the continuous coordinates of each start (within ``region``'s box).

    Each start gets its own run: a joint run on the sum of the acquisitions
    would share one line search and one curvature model between starts, and
    a step sized for a steep start flings the coordinates of a flat one onto
    the bounds.

    Args:
        x: Starts; shape ``(b, d)``.
        values: Their acquisition values; shape ``(b,)``.
        dims: Continuous dimensions to move.
        lengthscales: Shape ``(d,)``.
        region: A box the coordinates stay in (None: the unit range).

    Returns:
        The refined points and values; a start that got worse keeps its old point.
    """
    import scipy.optimize  # heavy: not imported with hypersense

    scale = lengthscales[dims]
    low = np.zeros(dims.size) if region is None else region.low[dims]
    high = np.ones(dims.size) if region is None else region.high[dims]
    bounds = list(zip(low / scale, high / scale, strict=True))
    refined = np.array(x, copy=True)
    for b in range(x.shape[0]):
        point = np.array(x[b : b + 1], copy=True)

        def negative(
            z: NDArray[np.float64], point: NDArray[np.float64] = point
        ) -> tuple[float, NDArray[np.float64]]:
            point[0, dims] = z * scale
            value, grad = acquisition.value_and_grad(point)
            return -float(value[0]), -grad[0, dims] * scale

        result = scipy.optimize.minimize(
            negative,
            x[b, dims] / scale,
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
            options={"maxiter": _LBFGS_MAXITER},
        )
        refined[b, dims] = np.clip(result.x * scale, low, high)
    new_values = acquisition(refined)
    better = new_values > values + _tolerance(values)
    return np.where(better[:, None], refined, x), np.where(better, new_values, values)


def _search_discrete(
    acquisition: Acquisition,
    x: NDArray[np.float64],
    values: NDArray[np.float64],
    grid: NDArray[np.float64],
    j: int,
) -> tuple[NDArray[np.float64], NDArray[np.float64], bool]:
    """Move coordinate ``j`` of each start to its best value among a candidate set.

    Args:
        x: Starts; shape ``(b, d)``.
        values: Their acquisition values; shape ``(b,)``.
        grid: The values of dimension ``j`` in model space, sorted; shape ``(m,)``.
        j: The dimension.

    Returns:
        The moved points, their values, and whether any start moved.
    """
    m, n_starts = len(grid), x.shape[0]
    if m <= 1:
        return x, values, False
    if m <= _EXHAUSTIVE_MAX:
        index = np.broadcast_to(np.arange(m), (n_starts, m))
    else:
        current = np.argmin(np.abs(x[:, j, None] - grid[None, :]), axis=1)
        powers = 2 ** np.arange(int(np.log2(m)) + 1)
        offsets = np.concatenate([-powers, powers])
        spread = np.linspace(0, m - 1, _EXHAUSTIVE_MAX).round().astype(np.int64)
        index = np.hstack(
            [current[:, None] + offsets, np.broadcast_to(spread, (n_starts, spread.size))]
        )
        index = np.clip(index, 0, m - 1)
    trial = np.repeat(x[:, None, :], index.shape[1], axis=1)
    trial[:, :, j] = grid[index]
    trial_values = acquisition(trial.reshape(-1, x.shape[1])).reshape(n_starts, -1)
    best = np.argmax(trial_values, axis=1)
    best_values = trial_values[np.arange(n_starts), best]
    better = (best_values > values + _tolerance(values)) & (
        grid[index[np.arange(n_starts), best]] != x[:, j]
    )
    moved = np.array(x, copy=True)
    moved[better, j] = grid[index[better, best[better]]]
    return moved, np.where(better, best_values, values), bool(better.any())
