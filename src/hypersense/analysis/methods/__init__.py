"""Global importance methods (fANOVA, Sobol indices, permutation importance),
their numerical cores, and marginal curves.

The evaluators load on first use (they import the evaluator contract, which
itself uses this package's numerical modules).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hypersense.analysis.methods.fanova import FanovaImportanceEvaluator
    from hypersense.analysis.methods.permutation import PermutationImportanceEvaluator
    from hypersense.analysis.methods.sobol import SobolImportanceEvaluator

__all__ = [
    "FanovaImportanceEvaluator",
    "PermutationImportanceEvaluator",
    "SobolImportanceEvaluator",
]

_LAZY = {
    "FanovaImportanceEvaluator": "hypersense.analysis.methods.fanova",
    "PermutationImportanceEvaluator": "hypersense.analysis.methods.permutation",
    "SobolImportanceEvaluator": "hypersense.analysis.methods.sobol",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'hypersense.analysis.methods' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
