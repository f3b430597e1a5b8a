"""Pruners: whether a running trial should go on (and, later, with which budget)."""

from hypersense.pruners.base import PruneDecision, Pruner, TrialAssignment
from hypersense.pruners.nop import NopPruner
from hypersense.pruners.percentile import MedianPruner, PercentilePruner

__all__ = [
    "MedianPruner",
    "NopPruner",
    "PercentilePruner",
    "PruneDecision",
    "Pruner",
    "TrialAssignment",
]
