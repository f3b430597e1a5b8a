"""Trials: the handle an objective receives, its states, and its frozen record."""

from hypersense.trial.backend import TrialBackend
from hypersense.trial.frozen import FrozenTrial, SystemAttr
from hypersense.trial.frozen_mapping import FrozenMapping
from hypersense.trial.state import FailKind, TrialState
from hypersense.trial.trial import FixedTrial, Trial

__all__ = [
    "FailKind",
    "FixedTrial",
    "FrozenMapping",
    "FrozenTrial",
    "SystemAttr",
    "Trial",
    "TrialBackend",
    "TrialState",
]
