"""Which proposals would repeat a configuration already evaluated (or running).

Expected improvement keeps part of its value at an evaluated point whenever
the fitted GP gives the objective noise: the latent value there is still
uncertain. When the marginal likelihood prefers its "mostly noise" mode
(long length scales, noise variance near the signal's; rugged functions such
as BBOB's Katsuura fall into it), the acquisition's maximum can settle on a
corner of the space, where L-BFGS-B lands exactly on the bounds, and stay
there: on Katsuura in 2-D the default spent 32 to 46 of 100 evaluations on
one configuration, and Optuna's GP sampler does the same. A repeat tells a
deterministic objective's model nothing, and a noisy one's little that a
neighbour would not, so the GP proposes the best point that is not one.

A candidate *repeats* an existing point when the configuration it decodes to
does: every discrete coordinate (integer grid or category) equal and every
continuous one within ``1e-9`` of it in the unit cube, after the rounding of
integers the model treats as continuous (see
:meth:`~hypersense.samplers.gp.model_space.ModelSpace.canonical`). Excluding
a neighbourhood in length scales instead (a tenth of one) was measured and
rejected: it stopped the GP's final local convergence (on BBOB's sphere in
2-D, six orders of magnitude worse after 100 evaluations).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from hypersense.samplers.gp.model_space import ModelSpace

__all__ = ["SAME_POINT_TOLERANCE", "RepeatFilter"]

#: Largest unit-cube difference of a continuous coordinate between a point and
#: its repeat.
SAME_POINT_TOLERANCE = 1e-9
#: Candidates compared at once (bounds the (candidates x points x d) work array).
_CHUNK = 64


class RepeatFilter:
    """Tells which model-space candidates repeat one of ``points``.

    Args:
        points: Model-space points of evaluated and running configurations
            (as :meth:`ModelSpace.encode` gives them); shape ``(n, d)``.
        model_space: The space of ``points`` and of the candidates.
    """

    def __init__(self, points: NDArray[np.float64], model_space: ModelSpace) -> None:
        self._points = np.asarray(points, dtype=float)
        self._model_space = model_space
        self._tolerance = np.where(model_space.is_discrete, 0.0, SAME_POINT_TOLERANCE)

    def repeats(self, candidates: NDArray[np.float64]) -> NDArray[np.bool_]:
        """Whether each row of ``candidates`` (shape ``(b, d)``) repeats a point; shape ``(b,)``."""
        out = np.zeros(len(candidates), dtype=bool)
        if self._points.shape[0] == 0 or len(candidates) == 0:
            return out
        canonical = self._model_space.canonical(candidates)
        for start in range(0, canonical.shape[0], _CHUNK):
            chunk = canonical[start : start + _CHUNK]
            close = np.abs(chunk[:, None, :] - self._points[None]) <= self._tolerance
            out[start : start + _CHUNK] = close.all(axis=2).any(axis=1)
        return out
