"""Global importance methods: fANOVA, Sobol indices, permutation importance.

The evaluators load on first use (they import the evaluator contract, which
itself uses this package's numerical modules).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hypersense.analysis.importance.fanova import FanovaImportanceEvaluator
    from hypersense.analysis.importance.permutation import PermutationImportanceEvaluator
    from hypersense.analysis.importance.sobol import SobolImportanceEvaluator

__all__ = [
    "FanovaImportanceEvaluator",
    "PermutationImportanceEvaluator",
    "SobolImportanceEvaluator",
]

_LAZY = {
    "FanovaImportanceEvaluator": "hypersense.analysis.importance.fanova",
    "PermutationImportanceEvaluator": "hypersense.analysis.importance.permutation",
    "SobolImportanceEvaluator": "hypersense.analysis.importance.sobol",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'hypersense.analysis.importance' has no attribute {name!r}")
