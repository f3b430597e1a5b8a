"""A local trust region for the GP once the search has stalled.

A GP fitted to the whole space models the function at the scale of the whole
space. Near the end of a search that scale is wrong: the losses of the good
region differ by far less than the spread of the losses everywhere else, so
the posterior's uncertainty in the gaps between far, bad points outweighs any
improvement left near the incumbent, and expected improvement keeps
exploring where the function is known to be poor. On functions whose optimum
sits in a sharp or asymmetric bowl (BBOB's attractive sector, f6) the default
then stops improving while CMA-ES, a local method, goes on.

Following the trust regions of TuRBO (Eriksson et al., 2019, "Scalable global
optimization via local Bayesian optimization"), the rule here is:

- the search has *stalled* when the last :data:`STALL_TRIALS` finished trials
  did not improve on the best loss;
- while it is stalled, every other trial (odd trial numbers) searches a box
  around the incumbent, with a GP fitted only to the trials nearest to it;
  even trials keep the global search, so exploration never stops;
- the box's half-width is :data:`INITIAL_HALF_WIDTH` of the unit range,
  halved after every further :data:`STALL_TRIALS` trials without improvement
  (down to :data:`MIN_HALF_WIDTH`), and spread over the dimensions in
  proportion to the global GP's length scales (within a factor of 4 of their
  geometric mean); categorical dimensions are not restricted;
- an improvement found by the global search ends the stall, and with it the
  box; an improvement found *inside* a box keeps the box going: the local
  model is working, so the next local trials search a box of the same
  half-width around the new incumbent at once (halved, again, after every
  :data:`STALL_TRIALS` trials without improvement) instead of waiting for a
  new stall and starting over at the initial width. This is how the search
  keeps converging where a local method such as CMA-ES does (BBOB's f6 and
  f12 at d = 2, benchmarks/README.md).

Everything is a function of the history (the half-width a trial was proposed
in is stored on it) and the trial number, so every worker, and a resumed
study, proposes what a single process would.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "INITIAL_HALF_WIDTH",
    "MIN_HALF_WIDTH",
    "STALL_TRIALS",
    "TrustRegion",
    "local_neighbours",
    "stall_length",
    "trust_region",
]

#: Finished trials without improvement after which the search counts as stalled.
STALL_TRIALS = 10
#: Half-width of the first box, as a fraction of each unit range.
INITIAL_HALF_WIDTH = 0.1
#: Smallest half-width.
MIN_HALF_WIDTH = 1e-3
#: Relative length scales are clipped to within this factor of their geometric mean.
_MAX_ASPECT = 4.0
#: Fewest trials the local GP is fitted to; at least :data:`_NEIGHBOURS_PER_DIMENSION`
#: per dimension.
_MIN_NEIGHBOURS = 20
_NEIGHBOURS_PER_DIMENSION = 4


@dataclass(frozen=True)
class TrustRegion:
    """A box of model space around the incumbent.

    Attributes:
        centre: The incumbent; shape ``(d,)``.
        low: Lower corner; shape ``(d,)`` (``-inf`` on categorical dimensions).
        high: Upper corner; shape ``(d,)`` (``+inf`` on categorical dimensions).
        half_widths: Half-width along each dimension before clipping to the
            unit range; shape ``(d,)``.
        width: The half-width before it is spread over the dimensions by the
            length scales (a fraction of the unit range; the schedule's value).
    """

    centre: NDArray[np.float64]
    low: NDArray[np.float64]
    high: NDArray[np.float64]
    half_widths: NDArray[np.float64]
    width: float

    def contains(self, x: NDArray[np.float64]) -> NDArray[np.bool_]:
        """Whether each row of ``x`` (shape ``(b, d)``) lies in the box (up to rounding)."""
        tolerance = 1e-9
        inside = (x >= self.low - tolerance) & (x <= self.high + tolerance)
        out: NDArray[np.bool_] = np.all(inside, axis=1)
        return out


def stall_length(losses: NDArray[np.float64]) -> int:
    """Trials since the best loss last improved; ``losses`` in trial order, shape ``(n,)``.

    0 when the last trial set the best; ties with the best do not count as
    improvements. ``n - 1`` when the first trial is still the best.
    """
    n = int(losses.shape[0])
    if n == 0:
        return 0
    best_so_far = np.minimum.accumulate(losses)
    improved = np.flatnonzero(np.diff(best_so_far) < 0)
    last = 0 if improved.size == 0 else int(improved[-1]) + 1
    return n - 1 - last


def trust_region(
    losses: NDArray[np.float64],
    incumbent: NDArray[np.float64],
    lengthscales: NDArray[np.float64],
    is_categorical: NDArray[np.bool_],
    number: int,
    incumbent_width: float | None = None,
) -> TrustRegion | None:
    """The box trial ``number`` searches, or None for the global search.

    Args:
        losses: The observed losses in trial order; shape ``(n,)``.
        incumbent: The model-space point of the best of them; shape ``(d,)``.
        lengthscales: The global GP's length scales; shape ``(d,)``.
        is_categorical: Shape ``(d,)``.
        number: The trial's number (even numbers stay global).
        incumbent_width: The width (:attr:`TrustRegion.width`) of the box the
            incumbent was found in, or None when the global search found it;
            never taken wider than :data:`INITIAL_HALF_WIDTH` (a study written
            before this attribute held the schedule's value may hold more).
    """
    if number % 2 == 0:
        return None
    stalled = stall_length(losses)
    if incumbent_width is not None:
        start, halvings = min(incumbent_width, INITIAL_HALF_WIDTH), stalled // STALL_TRIALS
    elif stalled >= STALL_TRIALS:
        start, halvings = INITIAL_HALF_WIDTH, (stalled - STALL_TRIALS) // STALL_TRIALS
    else:
        return None
    width = max(start * 0.5**halvings, MIN_HALF_WIDTH)
    numeric = ~is_categorical
    relative = np.ones_like(lengthscales)
    if numeric.any():
        scales = lengthscales[numeric]
        relative[numeric] = np.clip(
            scales / np.exp(np.mean(np.log(scales))), 1.0 / _MAX_ASPECT, _MAX_ASPECT
        )
    half = width * relative
    low = np.where(numeric, np.clip(incumbent - half, 0.0, 1.0), -np.inf)
    high = np.where(numeric, np.clip(incumbent + half, 0.0, 1.0), np.inf)
    return TrustRegion(np.array(incumbent, dtype=float), low, high, half, width)


def local_neighbours(x: NDArray[np.float64], region: TrustRegion) -> NDArray[np.int64]:
    """Indices of the trials the local GP learns from: the ``max(20, 4 d)`` rows of
    ``x`` (shape ``(n, d)``) nearest to the incumbent, distances measured in
    half-widths along each numeric dimension (the largest of them), sorted.

    Four per dimension: a GP fits one length scale per dimension, and with
    ``2 d + 2`` trials at d = 10 the local model was too thin (benchmarks/README.md).
    """
    numeric = np.isfinite(region.low)
    k = max(_MIN_NEIGHBOURS, _NEIGHBOURS_PER_DIMENSION * x.shape[1])
    if not numeric.any() or x.shape[0] <= k:
        return np.arange(x.shape[0])
    offsets = np.abs(x[:, numeric] - region.centre[numeric]) / region.half_widths[numeric]
    distance = np.max(offsets, axis=1)
    return np.sort(np.argsort(distance, kind="stable")[:k])
