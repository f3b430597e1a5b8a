"""The compute arithmetic of the benchmark: costs in training examples processed."""

from __future__ import annotations

import math

__all__ = ["narrowed_trials", "trial_cost"]


def trial_cost(max_epochs: int, n_train_rows: int) -> int:
    """Examples one trial trains on: every epoch passes over every training row."""
    return max_epochs * n_train_rows


def narrowed_trials(n_trials: int, per_trial: int, test_cost: int) -> int:
    """Trials the narrowed arm may run so that test + trials cost at most what
    ``n_trials`` trials cost (at least 0)."""
    return max(0, math.floor(n_trials - test_cost / per_trial))
