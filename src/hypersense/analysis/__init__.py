"""Understand a study: which hyperparameters matter, how much, and how sure that is.

``importance(study)`` gives global importances with confidence intervals
(fANOVA, Sobol or permutation over a surrogate chosen by cross-validated R²),
pairwise interactions, shares of the observed variance, and one nested result
per conditional branch. ``marginal_effects(study)`` gives marginal curves and
surfaces with bands, as data for plots. Results are frozen dataclasses with
``to_dict()`` and ``to_pandas()``.

Designed experiments run new trials in companion studies of the same storage
(``"<study>:morris"``, ``":local"``, ``":noise"``, ``":reeval"``):
``morris_screening``, ``local_sensitivity`` (one-at-a-time sweeps and a tornado
ranking), ``analyze_noise`` (seed noise against hyperparameter effects) and
``reevaluate`` (the winner's curse of the best configurations).

``advise(study)`` turns these into next steps (fix, narrow, rescale, drop
choices) and ``write_narrowed_config`` writes them as a new config file.

Analysis never changes a searched study. Names load on first use, so importing one
submodule (``hypersense.analysis.noise``) does not import the others; the
importance methods need scikit-learn and scipy (core dependencies), the Sobol
method also SALib (``pip install "hypersense[analysis]"``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hypersense.analysis.advice.advisor import advise
    from hypersense.analysis.advice.changes import ChangeScale, DropChoices, FixValue, NarrowRange
    from hypersense.analysis.advice.results import Advice, ParameterAdvice, ScopeFit, Verdict
    from hypersense.analysis.advice.rules import AdviceRules
    from hypersense.analysis.api import EVALUATORS, importance, make_evaluator
    from hypersense.analysis.base import ImportanceEvaluator
    from hypersense.analysis.experiments import (
        IntervalEstimate,
        LocalSensitivity,
        MorrisEffect,
        MorrisScreening,
        RepeatSummary,
        SensitivityCurve,
        SweepPoint,
        TornadoBar,
        local_sensitivity,
        morris_screening,
    )
    from hypersense.analysis.experiments.noise_results import (
        NoiseAnalysis,
        ParameterNoiseTest,
        RepeatedConfiguration,
    )
    from hypersense.analysis.marginal_results import (
        MarginalCurve,
        MarginalsResult,
        MarginalSurface,
    )
    from hypersense.analysis.methods.fanova import FanovaImportanceEvaluator
    from hypersense.analysis.methods.marginals import marginal_effects
    from hypersense.analysis.methods.permutation import PermutationImportanceEvaluator
    from hypersense.analysis.methods.sobol import SobolImportanceEvaluator
    from hypersense.analysis.narrowing import narrowed_config, write_narrowed_config
    from hypersense.analysis.noise import analyze_noise
    from hypersense.analysis.reevaluation import (
        ReevaluatedConfiguration,
        Reevaluation,
        reevaluate,
    )
    from hypersense.analysis.results import (
        Estimate,
        ImportanceResult,
        InteractionImportance,
        ParameterImportance,
        VarianceShares,
    )
    from hypersense.analysis.surrogates import GaussianProcessSurrogate, RandomForestSurrogate

__all__ = [
    "Advice",
    "AdviceRules",
    "ChangeScale",
    "DropChoices",
    "EVALUATORS",
    "Estimate",
    "FanovaImportanceEvaluator",
    "FixValue",
    "GaussianProcessSurrogate",
    "ImportanceEvaluator",
    "ImportanceResult",
    "InteractionImportance",
    "IntervalEstimate",
    "LocalSensitivity",
    "MarginalCurve",
    "MarginalSurface",
    "MarginalsResult",
    "MorrisEffect",
    "MorrisScreening",
    "NarrowRange",
    "NoiseAnalysis",
    "ParameterAdvice",
    "ParameterImportance",
    "ParameterNoiseTest",
    "PermutationImportanceEvaluator",
    "RandomForestSurrogate",
    "ReevaluatedConfiguration",
    "Reevaluation",
    "RepeatSummary",
    "RepeatedConfiguration",
    "ScopeFit",
    "SensitivityCurve",
    "SobolImportanceEvaluator",
    "SweepPoint",
    "TornadoBar",
    "VarianceShares",
    "Verdict",
    "advise",
    "analyze_noise",
    "importance",
    "local_sensitivity",
    "make_evaluator",
    "marginal_effects",
    "morris_screening",
    "narrowed_config",
    "reevaluate",
    "write_narrowed_config",
]

_RESULTS = "hypersense.analysis.results"
_LAZY = {
    "advise": "hypersense.analysis.advice.advisor",
    "AdviceRules": "hypersense.analysis.advice.rules",
    "Advice": "hypersense.analysis.advice.results",
    "ParameterAdvice": "hypersense.analysis.advice.results",
    "ScopeFit": "hypersense.analysis.advice.results",
    "Verdict": "hypersense.analysis.advice.results",
    "FixValue": "hypersense.analysis.advice.changes",
    "NarrowRange": "hypersense.analysis.advice.changes",
    "ChangeScale": "hypersense.analysis.advice.changes",
    "DropChoices": "hypersense.analysis.advice.changes",
    "narrowed_config": "hypersense.analysis.narrowing",
    "write_narrowed_config": "hypersense.analysis.narrowing",
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
    "MarginalCurve": "hypersense.analysis.marginal_results",
    "MarginalSurface": "hypersense.analysis.marginal_results",
    "MarginalsResult": "hypersense.analysis.marginal_results",
    "ParameterImportance": _RESULTS,
    "VarianceShares": _RESULTS,
    "IntervalEstimate": "hypersense.analysis.experiments",
    "LocalSensitivity": "hypersense.analysis.experiments",
    "MorrisEffect": "hypersense.analysis.experiments",
    "MorrisScreening": "hypersense.analysis.experiments",
    "RepeatSummary": "hypersense.analysis.experiments",
    "SensitivityCurve": "hypersense.analysis.experiments",
    "SweepPoint": "hypersense.analysis.experiments",
    "TornadoBar": "hypersense.analysis.experiments",
    "local_sensitivity": "hypersense.analysis.experiments",
    "morris_screening": "hypersense.analysis.experiments",
    "NoiseAnalysis": "hypersense.analysis.experiments.noise_results",
    "ParameterNoiseTest": "hypersense.analysis.experiments.noise_results",
    "RepeatedConfiguration": "hypersense.analysis.experiments.noise_results",
    "analyze_noise": "hypersense.analysis.noise",
    "ReevaluatedConfiguration": "hypersense.analysis.reevaluation",
    "Reevaluation": "hypersense.analysis.reevaluation",
    "reevaluate": "hypersense.analysis.reevaluation",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'hypersense.analysis' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
