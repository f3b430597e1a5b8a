"""Pruners: whether a running trial should go on, and with which budget.

The pruners that need scipy (Wilcoxon's test, curve extrapolation) load on
first use, so ``import hypersense`` stays light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from hypersense.pruners.base import PruneDecision, Pruner, PruneVerdict, TrialAssignment
from hypersense.pruners.cross_validation import CrossValidationPruner
from hypersense.pruners.hyperband import HyperbandPruner
from hypersense.pruners.nop import NopPruner
from hypersense.pruners.objective import ObjectivePruner
from hypersense.pruners.pareto import ParetoPruner
from hypersense.pruners.patient import PatientPruner
from hypersense.pruners.percentile import MedianPruner, PercentilePruner
from hypersense.pruners.plan import BracketPlan, BudgetPlan, RungPlan, plan_budget
from hypersense.pruners.registry import PRUNER_REGISTRY, PRUNERS, make_pruner, pruner_class
from hypersense.pruners.successive_halving import SuccessiveHalvingPruner
from hypersense.pruners.threshold import ThresholdPruner

if TYPE_CHECKING:
    from hypersense.pruners.curve_extrapolation import CurveExtrapolationPruner
    from hypersense.pruners.wilcoxon import WilcoxonPruner

__all__ = [
    "BracketPlan",
    "BudgetPlan",
    "CrossValidationPruner",
    "CurveExtrapolationPruner",
    "HyperbandPruner",
    "MedianPruner",
    "NopPruner",
    "ObjectivePruner",
    "ParetoPruner",
    "PatientPruner",
    "PRUNERS",
    "PRUNER_REGISTRY",
    "PercentilePruner",
    "PruneDecision",
    "PruneVerdict",
    "Pruner",
    "RungPlan",
    "SuccessiveHalvingPruner",
    "ThresholdPruner",
    "TrialAssignment",
    "make_pruner",
    "plan_budget",
    "pruner_class",
    "WilcoxonPruner",
]

_LAZY = {
    "CurveExtrapolationPruner": "hypersense.pruners.curve_extrapolation",
    "WilcoxonPruner": "hypersense.pruners.wilcoxon",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'hypersense.pruners' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
