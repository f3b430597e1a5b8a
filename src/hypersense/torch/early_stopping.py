"""Tracking the best epoch and stopping once validation stops improving."""

from __future__ import annotations

import math
import numbers
from typing import Any

__all__ = ["EarlyStopping", "is_improvement"]


def is_improvement(value: float, best: float | None, *, minimize: bool, min_delta: float) -> bool:
    """Whether ``value`` beats ``best`` by more than ``min_delta`` in the given direction.

    The first finite value always improves on ``best=None``; NaN and infinities
    never improve (a diverged epoch is never the best one).
    """
    if not math.isfinite(value):
        return False
    if best is None:
        return True
    return value < best - min_delta if minimize else value > best + min_delta


class EarlyStopping:
    """The best validation value and epoch so far, and whether patience ran out.

    Feed it one validation value per epoch with :meth:`update`. Patience counts
    the epochs since the last improvement; once ``patience`` epochs in a row
    have not improved, :attr:`should_stop` turns True (as in Keras and
    Lightning: ``patience=3`` stops after the third epoch without improvement).

    Args:
        minimize: Whether smaller validation values are better.
        patience: Epochs without improvement after which to stop; None never stops.
        min_delta: How much a value must beat the best one to count, >= 0.
    """

    def __init__(self, *, minimize: bool, patience: int | None, min_delta: float = 0.0) -> None:
        if patience is not None and (
            not isinstance(patience, int) or isinstance(patience, bool) or patience < 1
        ):
            raise ValueError(f"`patience` must be None or an integer >= 1 (got {patience!r})")
        delta: object = min_delta  # checked as any object: callers may pass anything
        if not isinstance(delta, numbers.Real) or isinstance(delta, bool) or delta < 0:
            raise ValueError(f"`min_delta` must be a number >= 0 (got {min_delta!r})")
        self._minimize = minimize
        self._patience = patience
        self._min_delta = float(min_delta)
        self._best: float | None = None
        self._best_epoch: int | None = None
        self._epochs_since_best = 0

    def __repr__(self) -> str:
        return (
            f"EarlyStopping(minimize={self._minimize!r}, patience={self._patience!r}, "
            f"min_delta={self._min_delta!r})"
        )

    @property
    def minimize(self) -> bool:
        """Whether smaller validation values are better."""
        return self._minimize

    @property
    def best_value(self) -> float | None:
        """The best validation value so far (None until a finite one arrives)."""
        return self._best

    @property
    def best_epoch(self) -> int | None:
        """The epoch (from 0) of :attr:`best_value`."""
        return self._best_epoch

    @property
    def should_stop(self) -> bool:
        """Whether ``patience`` epochs in a row have not improved."""
        return self._patience is not None and self._epochs_since_best >= self._patience

    def update(self, epoch: int, value: float) -> bool:
        """Record the validation value of ``epoch``; return whether it is the new best."""
        improved = is_improvement(
            value, self._best, minimize=self._minimize, min_delta=self._min_delta
        )
        if improved:
            self._best, self._best_epoch = value, epoch
            self._epochs_since_best = 0
        else:
            self._epochs_since_best += 1
        return improved

    def state_dict(self) -> dict[str, Any]:
        """The best value, its epoch and the epochs since, for a checkpoint."""
        return {
            "best": self._best,
            "best_epoch": self._best_epoch,
            "epochs_since_best": self._epochs_since_best,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Continue from a state saved by :meth:`state_dict`."""
        self._best = state["best"]
        self._best_epoch = state["best_epoch"]
        self._epochs_since_best = int(state["epochs_since_best"])
