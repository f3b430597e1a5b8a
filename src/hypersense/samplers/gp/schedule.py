"""When to refit the GP's hyperparameters, and which trials to keep: the cost cap.

Fitting hyperparameters costs ``O(n^3)`` per likelihood evaluation and dozens
of evaluations per restart; the posterior costs ``O(n^3)`` once and ``O(n^2)``
per acquisition evaluation. Both are bounded here, with choices that are pure
functions of the history (never of what a sampler happened to cache), so a
restored sampler proposes what the original would have.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["fit_checkpoint", "subsample_indices"]

#: Refit at every trial up to this many, then ever more sparsely.
_REFIT_EVERY_TRIAL_UP_TO = 32
#: Beyond that, checkpoints are spaced by this fraction of the count.
_REFIT_SPACING = 1.0 / 16.0


def fit_checkpoint(n: int) -> int:
    """The largest refit checkpoint ``<= n`` (``n >= 1``).

    Checkpoints are every integer up to 32, then ``c -> c + floor(c / 16)``:
    about 12 trials apart at 200 trials and 60 apart at 1,000, so the number of
    refits grows only logarithmically with the number of trials.
    """
    if n <= _REFIT_EVERY_TRIAL_UP_TO:
        return max(n, 1)
    point = _REFIT_EVERY_TRIAL_UP_TO
    while True:
        following = point + max(1, int(point * _REFIT_SPACING))
        if following > n:
            return point
        point = following


def subsample_indices(
    losses: NDArray[np.float64], max_points: int, rng: np.random.Generator
) -> NDArray[np.int64]:
    """At most ``max_points`` indices of ``losses`` (shape ``(n,)``), sorted.

    Keeps the best quarter (the region the acquisition cares about must stay
    modelled precisely) and a uniform random sample of the rest (the model
    must still know where the space is bad). All indices when ``n`` is small.
    """
    n = losses.shape[0]
    if n <= max_points:
        return np.arange(n)
    n_best = max_points // 4
    order = np.argsort(losses, kind="stable")
    rest = rng.choice(order[n_best:], size=max_points - n_best, replace=False)
    return np.sort(np.concatenate([order[:n_best], rest]))
