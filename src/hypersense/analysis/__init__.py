"""Understand a study: which hyperparameters matter, how much, and how sure that is.

``importance(study)`` gives global importances with confidence intervals
(fANOVA, Sobol or permutation over a surrogate chosen by cross-validated R²),
pairwise interactions, shares of the observed variance, and one nested result
per conditional branch. ``marginal_effects(study)`` gives marginal curves and
surfaces with bands, as data for plots. Results are frozen dataclasses with
``to_dict()`` and ``to_pandas()``.

Analysis only reads studies. Names load on first use, so importing one
submodule (``hypersense.analysis.noise``) does not import the others; the
importance methods need scikit-learn and scipy (core dependencies), the Sobol
method also SALib (``pip install "hypersense[analysis]"``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hypersense.analysis.api import EVALUATORS, importance, make_evaluator
    from hypersense.analysis.base import ImportanceEvaluator
    from hypersense.analysis.methods.fanova import FanovaImportanceEvaluator
    from hypersense.analysis.methods.marginals import marginal_effects
    from hypersense.analysis.methods.permutation import PermutationImportanceEvaluator
    from hypersense.analysis.methods.sobol import SobolImportanceEvaluator
    from hypersense.analysis.results import (
        Estimate,
        ImportanceResult,
        InteractionImportance,
        MarginalCurve,
        MarginalsResult,
        MarginalSurface,
        ParameterImportance,
        VarianceShares,
    )
    from hypersense.analysis.surrogates import GaussianProcessSurrogate, RandomForestSurrogate

__all__ = [
    "EVALUATORS",
    "Estimate",
    "FanovaImportanceEvaluator",
    "GaussianProcessSurrogate",
    "ImportanceEvaluator",
    "ImportanceResult",
    "InteractionImportance",
    "MarginalCurve",
    "MarginalSurface",
    "MarginalsResult",
    "ParameterImportance",
    "PermutationImportanceEvaluator",
    "RandomForestSurrogate",
    "SobolImportanceEvaluator",
    "VarianceShares",
    "importance",
    "make_evaluator",
    "marginal_effects",
]

_RESULTS = "hypersense.analysis.results"
_LAZY = {
    "EVALUATORS": "hypersense.analysis.api",
    "importance": "hypersense.analysis.api",
    "make_evaluator": "hypersense.analysis.api",
    "ImportanceEvaluator": "hypersense.analysis.base",
    "FanovaImportanceEvaluator": "hypersense.analysis.methods.fanova",
    "PermutationImportanceEvaluator": "hypersense.analysis.methods.permutation",
    "SobolImportanceEvaluator": "hypersense.analysis.methods.sobol",
    "marginal_effects": "hypersense.analysis.methods.marginals",
    "GaussianProcessSurrogate": "hypersense.analysis.surrogates",
    "RandomForestSurrogate": "hypersense.analysis.surrogates",
    "Estimate": _RESULTS,
    "ImportanceResult": _RESULTS,
    "InteractionImportance": _RESULTS,
    "MarginalCurve": _RESULTS,
    "MarginalSurface": _RESULTS,
    "MarginalsResult": _RESULTS,
    "ParameterImportance": _RESULTS,
    "VarianceShares": _RESULTS,
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'hypersense.analysis' has no attribute {name!r}")
