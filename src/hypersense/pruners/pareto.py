"""Pruning a trial of several objectives dominated by the front of earlier trials."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from hypersense.direction import to_minimization
from hypersense.history import StudyHistory
from hypersense.pareto import non_dominated_mask
from hypersense.pruners.base import PruneDecision, Pruner
from hypersense.pruners.options import check_int, check_non_negative
from hypersense.pruners.steps import decides_at
from hypersense.trial.frozen import FrozenTrial

__all__ = ["ParetoPruner", "dominated_beyond"]


class ParetoPruner(Pruner):
    """Prunes a trial whose vector of intermediate values at a step is dominated,
    beyond a margin, by the Pareto front of the COMPLETE trials at that step.

    In a study with several objectives the objective reports one value per
    objective at each step, ``trial.report((val_loss, latency_ms), epoch)``;
    the vectors are kept as the trial's ``intermediate_vectors``. At the
    trial's last reported step, the front is the non-dominated set of the
    COMPLETE trials' vectors at that same step. The trial is pruned when some
    point of the front is better than it by at least ``margin[i]`` in every
    objective ``i`` (and strictly better in one when the margin is 0: plain
    Pareto dominance). A non-finite value in the trial's vector (a diverged
    run) is pruned; other trials' non-finite vectors are left out.

    Assumes:
        - Every objective's running estimate is known at each step (a model's
          size or latency is known from the start; a validation loss improves
          with training). An objective that only exists at the end cannot be
          pruned on: use :class:`ObjectivePruner` on the others.
        - Vectors at the same step are comparable across trials.
        - Trials that report a number instead of a vector are never judged.

    Args:
        margin: How much better than the trial a front point must be in every
            objective, in each objective's own units: one number for all, or
            one per objective (>= 0).
        n_startup_trials: No pruning until this many trials are COMPLETE.
        n_warmup_steps: No pruning before this step of a trial.
        interval_steps: Decide only every this many steps after warm-up.
        n_min_trials: No pruning at a step fewer COMPLETE trials reported a
            vector at.
    """

    def __init__(
        self,
        *,
        margin: float | Sequence[float] = 0.0,
        n_startup_trials: int = 5,
        n_warmup_steps: int = 0,
        interval_steps: int = 1,
        n_min_trials: int = 1,
    ) -> None:
        self._margin = _check_margin(margin)
        self._n_startup_trials = check_int("n_startup_trials", n_startup_trials, minimum=0)
        self._n_warmup_steps = check_int("n_warmup_steps", n_warmup_steps, minimum=0)
        self._interval_steps = check_int("interval_steps", interval_steps, minimum=1)
        self._n_min_trials = check_int("n_min_trials", n_min_trials, minimum=1)

    def _margins(self, n_objectives: int) -> NDArray[np.float64]:
        if isinstance(self._margin, float):
            return np.full(n_objectives, self._margin)
        if len(self._margin) != n_objectives:
            raise ValueError(
                f"`margin` has {len(self._margin)} values but the study has {n_objectives} "
                "objectives"
            )
        return np.asarray(self._margin, dtype=float)

    def decide(self, history: StudyHistory, trial: FrozenTrial) -> PruneDecision:
        margins = self._margins(len(history.directions))
        vectors = trial.intermediate_vectors
        if not vectors:
            return PruneDecision.CONTINUE
        step = max(vectors)
        if not decides_at(
            step, n_warmup_steps=self._n_warmup_steps, interval_steps=self._interval_steps
        ):
            return PruneDecision.CONTINUE
        own = np.asarray(vectors[step], dtype=float)
        if own.shape != margins.shape:
            return PruneDecision.CONTINUE  # not a vector of this study's objectives
        if not np.all(np.isfinite(own)):
            return PruneDecision.PRUNE  # diverged
        completed = [t for t in history.completed() if t.number != trial.number]
        if len(completed) < self._n_startup_trials:
            return PruneDecision.CONTINUE
        rows = [t.intermediate_vectors.get(step) for t in completed]
        others = [r for r in rows if r is not None and len(r) == own.size and _finite(r)]
        if len(others) < self._n_min_trials:
            return PruneDecision.CONTINUE
        losses = to_minimization(np.array([own, *others], dtype=float), history.directions)
        front = losses[1:][non_dominated_mask(losses[1:])]
        if dominated_beyond(losses[0], front, margins):
            return PruneDecision.PRUNE
        return PruneDecision.CONTINUE


def dominated_beyond(
    point: NDArray[np.float64], front: NDArray[np.float64], margins: NDArray[np.float64]
) -> bool:
    """Whether a row of ``front`` is at least ``margins`` better than ``point`` in
    every objective, and strictly better in one (all in minimisation form).

    Args:
        point: Shape ``(k,)``.
        front: Shape ``(n, k)``.
        margins: Shape ``(k,)``, >= 0.
    """
    if front.shape[0] == 0:
        return False
    by_margin = np.all(front <= point - margins, axis=1)
    strictly = np.any(front < point, axis=1)
    return bool(np.any(by_margin & strictly))


def _finite(values: Sequence[float]) -> bool:
    return all(math.isfinite(v) for v in values)


def _check_margin(margin: object) -> float | tuple[float, ...]:
    if isinstance(margin, numbers.Real) and not isinstance(margin, bool):
        return check_non_negative("margin", margin)
    if isinstance(margin, Sequence) and not isinstance(margin, str) and len(margin) > 0:
        return tuple(check_non_negative("margin", m) for m in margin)
    raise ValueError(
        f"`margin` must be a number >= 0 or a list of one per objective (got {margin!r})"
    )
