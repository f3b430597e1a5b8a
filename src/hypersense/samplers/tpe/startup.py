"""Quasi-random start-up points: one scrambled Sobol sequence per sampler seed.

Before the model has enough observations, trial ``n`` takes point ``n`` of the
sequence, and its ``j``-th drawn parameter takes coordinate ``j`` of that point.
The first trials then cover the space more evenly than independent uniform
draws (each prefix of 2^k points is balanced), and parallel workers, whose
trials have distinct numbers, never take the same point.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["SOBOL_DIMS", "sobol_points"]

#: Coordinates per start-up point; a trial's parameters beyond this many are
#: drawn uniformly at random instead. Fixed, so that a point never depends on
#: how many parameters earlier trials had.
SOBOL_DIMS = 64


def sobol_points(entropy: int, n_points: int) -> NDArray[np.float64]:
    """The first ``n_points`` points of the scrambled Sobol sequence of ``entropy``.

    The scrambling depends only on ``entropy``, so a longer prefix extends a
    shorter one.

    Args:
        entropy: The sampler's seed entropy.
        n_points: How many points (a power of two keeps scipy quiet).

    Returns:
        Shape ``(n_points, SOBOL_DIMS)``, in [0, 1).
    """
    from scipy.stats import qmc

    rng = np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=(2**31 + 7,)))
    engine = qmc.Sobol(d=SOBOL_DIMS, scramble=True, seed=rng)
    out: NDArray[np.float64] = engine.random(n_points)
    return out
