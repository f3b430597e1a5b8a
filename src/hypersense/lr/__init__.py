"""Learning-rate tools: the range test, search ranges from it, schedule spaces,
and how the best rate scales with the batch size.

``import hypersense.lr`` needs no PyTorch: the results, the suggestion rules
and the maths on curves are plain numpy, so reports and configs read stored
results without torch. The functions that train (:func:`range_test` ...) load
PyTorch on first use and raise :class:`~hypersense.MissingDependencyError`
naming the ``torch`` extra when it is missing.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from hypersense.lr.base import LossCurve, Suggestion, SuggestionRule
from hypersense.lr.curves import lr_ramp, smooth_losses
from hypersense.lr.result import (
    NoSuggestionError,
    RangeTestResult,
    RangeTestSettings,
    SeedCurve,
)
from hypersense.lr.rules import MinimumRule, SteepestRule, ValleyRule, default_rules

if TYPE_CHECKING:
    from hypersense.lr.range_finder import range_test

__all__ = [
    "LossCurve",
    "MinimumRule",
    "NoSuggestionError",
    "RangeTestResult",
    "RangeTestSettings",
    "SeedCurve",
    "SteepestRule",
    "Suggestion",
    "SuggestionRule",
    "ValleyRule",
    "default_rules",
    "lr_ramp",
    "range_test",
    "smooth_losses",
]

# Names whose modules import PyTorch, loaded on first use.
_NEEDS_TORCH = {
    "range_test": "hypersense.lr.range_finder",
}


def __getattr__(name: str) -> Any:
    module = _NEEDS_TORCH.get(name)
    if module is None:
        raise AttributeError(f"module 'hypersense.lr' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
