"""Random scalarisation of several objectives (ParEGO), so one GP can serve them.

Knowles (2006, "ParEGO") turns a multi-objective problem into a different
single-objective one at every proposal: objectives are rescaled to [0, 1] and
combined by an augmented Chebyshev function with random weights, so over many
proposals the whole Pareto front gets explored.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["chebyshev_scalarization"]

_AUGMENTATION = 0.05


def chebyshev_scalarization(
    losses: NDArray[np.float64], rng: np.random.Generator
) -> NDArray[np.float64]:
    """One loss per row: ``max_k w_k f_k + 0.05 sum_k w_k f_k`` of rescaled losses.

    Args:
        losses: Minimisation-form objective values; shape ``(n, k)``. With one
            column the values are returned unchanged.
        rng: Source of the weights ``w ~ Dirichlet(1, ..., 1)``.

    Returns:
        Shape ``(n,)``.
    """
    if losses.shape[1] == 1:
        out: NDArray[np.float64] = losses[:, 0].copy()
        return out
    low, high = losses.min(axis=0), losses.max(axis=0)
    scaled = (losses - low) / np.where(high > low, high - low, 1.0)
    weights = rng.dirichlet(np.ones(losses.shape[1]))
    weighted = scaled * weights
    out = weighted.max(axis=1) + _AUGMENTATION * weighted.sum(axis=1)
    return out
