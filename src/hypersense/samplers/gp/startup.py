"""The space-filling design of the first trials: one scrambled Sobol sequence."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["StartupDesign"]

_MIN_LOG2_POINTS = 4


class StartupDesign:
    """Point ``k`` of a scrambled Sobol sequence, for trial number ``k``.

    Indexing by trial number (not by how many trials finished) gives parallel
    workers different points and a re-run with the same seed the same points.
    Prefixes are generated in powers of two (scipy warns otherwise, and a
    power-of-two prefix is what keeps Sobol's balance).

    Args:
        seed: Seed of the scrambling.
    """

    def __init__(self, seed: np.random.SeedSequence) -> None:
        self._seed = seed
        self._points: dict[int, NDArray[np.float64]] = {}

    def point(self, n_dims: int, number: int) -> NDArray[np.float64]:
        """Point ``number`` of the ``n_dims``-dimensional sequence; shape ``(n_dims,)``."""
        log2 = max(_MIN_LOG2_POINTS, int(number).bit_length())
        points = self._points.get(n_dims)
        if points is None or points.shape[0] <= number:
            from scipy.stats import qmc  # heavy: not imported with hypersense

            # A fresh SeedSequence each time: scipy spawns children from the
            # generator's SeedSequence, so reusing one would change the scramble.
            seed = np.random.SeedSequence(self._seed.entropy, spawn_key=self._seed.spawn_key)
            engine = qmc.Sobol(d=n_dims, scramble=True, rng=np.random.default_rng(seed))
            points = np.asarray(engine.random_base2(log2), dtype=float)
            self._points[n_dims] = points
        point: NDArray[np.float64] = points[number]
        return point
