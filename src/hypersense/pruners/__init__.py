"""Pruners: whether a running trial should go on, and with which budget."""

from hypersense.pruners.base import PruneDecision, Pruner, PruneVerdict, TrialAssignment
from hypersense.pruners.curve_extrapolation import CurveExtrapolationPruner
from hypersense.pruners.hyperband import HyperbandPruner
from hypersense.pruners.nop import NopPruner
from hypersense.pruners.objective import ObjectivePruner
from hypersense.pruners.patient import PatientPruner
from hypersense.pruners.percentile import MedianPruner, PercentilePruner
from hypersense.pruners.successive_halving import SuccessiveHalvingPruner
from hypersense.pruners.threshold import ThresholdPruner
from hypersense.pruners.wilcoxon import WilcoxonPruner

__all__ = [
    "CurveExtrapolationPruner",
    "HyperbandPruner",
    "MedianPruner",
    "NopPruner",
    "ObjectivePruner",
    "PatientPruner",
    "PercentilePruner",
    "PruneDecision",
    "PruneVerdict",
    "Pruner",
    "SuccessiveHalvingPruner",
    "ThresholdPruner",
    "TrialAssignment",
    "WilcoxonPruner",
]
