"""Pruners: whether a running trial should go on (and, later, with which budget)."""

from hypersense.pruners.base import PruneDecision, Pruner, TrialAssignment
from hypersense.pruners.nop import NopPruner
from hypersense.pruners.percentile import MedianPruner, PercentilePruner
from hypersense.pruners.registry import PRUNER_REGISTRY, PRUNERS, make_pruner, pruner_class

__all__ = [
    "MedianPruner",
    "NopPruner",
    "PRUNERS",
    "PRUNER_REGISTRY",
    "PercentilePruner",
    "PruneDecision",
    "Pruner",
    "TrialAssignment",
    "make_pruner",
    "pruner_class",
]
