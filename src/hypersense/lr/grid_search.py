"""The best learning rate per batch size by a small grid search on any objective.

The alternative to range tests in a batch-size study, for objectives that are
not a PyTorch model (or when the quantity of interest is the validation error
after training, not the training loss of a ramp): for each batch size and
seed, ``objective(lr, batch_size, seed)`` is evaluated on a log-spaced grid of
rates, and the best rate is the vertex of the parabola (in ``log lr``) through
the grid's best point and its two neighbours, which places it between grid
points. A best point at either end of the grid gives no estimate: the optimum
may lie outside.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike

from hypersense._options import check_int
from hypersense.lr.batch_scaling import BatchSizePoint, BatchSizeStudy, fit_batch_scaling

__all__ = ["batch_size_search", "best_lr_on_grid"]

#: ``objective(lr, batch_size, seed) -> value`` to minimise (or maximise).
LRObjective = Callable[[float, int, int], float]


def best_lr_on_grid(lrs: ArrayLike, values: ArrayLike) -> float | None:
    """The rate minimising ``values`` over the grid ``lrs``, refined between points.

    Args:
        lrs: Shape ``(m,)``, increasing rates, evenly spaced on a log scale.
        values: Shape ``(m,)``, the objective at each (NaN counts as worst).

    Returns:
        The vertex of the parabola in ``log lr`` through the best point and its
        neighbours (clipped to them); None when the best point is an end of
        the grid.
    """
    x = np.log(np.asarray(lrs, dtype=float))
    v = np.asarray(values, dtype=float)
    v = np.where(np.isfinite(v), v, np.inf)
    i = int(np.argmin(v))
    if i == 0 or i == len(v) - 1 or not math.isfinite(v[i]):
        return None
    x0, x1, x2 = x[i - 1 : i + 2]
    y0, y1, y2 = v[i - 1 : i + 2]
    if not (math.isfinite(y0) and math.isfinite(y2)):
        return float(np.exp(x1))
    # Vertex of the parabola through three points (Numerical Recipes, eq. 10.2.1).
    num = (x1 - x0) ** 2 * (y1 - y2) - (x1 - x2) ** 2 * (y1 - y0)
    den = (x1 - x0) * (y1 - y2) - (x1 - x2) * (y1 - y0)
    vertex = x1 - 0.5 * num / den if den != 0 else x1
    return float(np.exp(np.clip(vertex, x0, x2)))


def batch_size_search(
    objective: LRObjective,
    *,
    batch_sizes: Sequence[int],
    lr_low: float,
    lr_high: float,
    n_lrs: int = 9,
    seeds: Sequence[int] = (0, 1, 2),
    minimize: bool = True,
    confidence: float = 0.95,
) -> BatchSizeStudy:
    """Find the best rate per batch size on a grid and fit ``lr ∝ batch^k``.

    Args:
        objective: ``objective(lr, batch_size, seed)``, e.g. the validation
            error after training with that rate and batch size.
        batch_sizes: At least three distinct effective batch sizes.
        lr_low: The lowest rate of the grid, > 0.
        lr_high: The highest, > ``lr_low``.
        n_lrs: Grid points, >= 3, evenly spaced on the log scale.
        seeds: One grid per seed and batch size (the replicates of a point).
        minimize: Whether smaller objective values are better.
        confidence: Coverage of the exponent's interval.

    Returns:
        The points (batch sizes whose best rate never left the grid's ends)
        and the fit; ``notes`` names the batch sizes left out.

    Raises:
        ValueError: Bad arguments, or fewer than three batch sizes with an
            estimate.
    """
    _check_search(batch_sizes, lr_low, lr_high, n_lrs, seeds)
    grid = np.exp(np.linspace(math.log(lr_low), math.log(lr_high), n_lrs))
    sign = 1.0 if minimize else -1.0
    points, notes = [], []
    for batch in sorted(batch_sizes):
        found = []
        for seed in seeds:
            values = [sign * float(objective(float(lr), int(batch), int(seed))) for lr in grid]
            best = best_lr_on_grid(grid, values)
            if best is not None:
                found.append(best)
        if found:
            points.append(BatchSizePoint.from_samples(batch, found))
        else:
            notes.append(
                f"batch size {batch} left out: its best rate lay at an end of the grid "
                f"[{lr_low:.3g}, {lr_high:.3g}] for every seed; widen the grid"
            )
    if len(points) < 3:
        raise ValueError(
            f"only {len(points)} batch size(s) had their best rate inside the grid; "
            f"a power law needs three ({'; '.join(notes)})"
        )
    fit = fit_batch_scaling(points, confidence=confidence)
    return BatchSizeStudy(tuple(points), fit, "grid_search", tuple(notes))


def _check_search(
    batch_sizes: Sequence[int], lr_low: float, lr_high: float, n_lrs: int, seeds: Sequence[int]
) -> None:
    if len(batch_sizes) < 3 or len(set(batch_sizes)) != len(batch_sizes):
        raise ValueError(f"`batch_sizes` must be three or more distinct sizes (got {batch_sizes})")
    if any(isinstance(b, bool) or not isinstance(b, int) or b < 1 for b in batch_sizes):
        raise ValueError(f"`batch_sizes` must be integers >= 1 (got {batch_sizes})")
    if not (0 < lr_low < lr_high and math.isfinite(lr_high)):
        raise ValueError(
            f"need 0 < `lr_low` < `lr_high` < inf (got lr_low={lr_low!r}, lr_high={lr_high!r})"
        )
    check_int("n_lrs", n_lrs, minimum=3)
    if not seeds:
        raise ValueError("`seeds` must hold at least one seed")
