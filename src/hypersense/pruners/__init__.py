"""Pruners: whether a running trial should go on, and with which budget."""

from hypersense.pruners.base import PruneDecision, Pruner, PruneVerdict, TrialAssignment
from hypersense.pruners.hyperband import HyperbandPruner
from hypersense.pruners.nop import NopPruner
from hypersense.pruners.percentile import MedianPruner, PercentilePruner
from hypersense.pruners.successive_halving import SuccessiveHalvingPruner

__all__ = [
    "HyperbandPruner",
    "MedianPruner",
    "NopPruner",
    "PercentilePruner",
    "PruneDecision",
    "PruneVerdict",
    "Pruner",
    "SuccessiveHalvingPruner",
    "TrialAssignment",
]
