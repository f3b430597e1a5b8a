"""Advice from the analysis: which parameters to fix, narrow, rescale or trim.

``advise(study)`` (:mod:`.advisor`) gathers the evidence (importance with
intervals, marginal curves, a noise floor) and judges each parameter
(:mod:`.parameters`) by the stated rules (:mod:`.rules`), proposing changes
to its distribution (:mod:`.changes`, with the range arithmetic in
:mod:`.ranges`); the result is plain data (:mod:`.results`).

Names load on first use, so reading the result classes (as
:mod:`hypersense.analysis.narrowing` does) does not import the importance
machinery that ``advise`` needs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hypersense.analysis.advice.advisor import advise
    from hypersense.analysis.advice.changes import (
        Change,
        ChangeScale,
        DropChoices,
        FixValue,
        NarrowRange,
    )
    from hypersense.analysis.advice.results import Advice, ParameterAdvice, ScopeFit, Verdict
    from hypersense.analysis.advice.rules import AdviceRules

__all__ = [
    "Advice",
    "AdviceRules",
    "Change",
    "ChangeScale",
    "DropChoices",
    "FixValue",
    "NarrowRange",
    "ParameterAdvice",
    "ScopeFit",
    "Verdict",
    "advise",
]

_CHANGES = "hypersense.analysis.advice.changes"
_RESULTS = "hypersense.analysis.advice.results"
_LAZY = {
    "advise": "hypersense.analysis.advice.advisor",
    "AdviceRules": "hypersense.analysis.advice.rules",
    "Change": _CHANGES,
    "ChangeScale": _CHANGES,
    "DropChoices": _CHANGES,
    "FixValue": _CHANGES,
    "NarrowRange": _CHANGES,
    "Advice": _RESULTS,
    "ParameterAdvice": _RESULTS,
    "ScopeFit": _RESULTS,
    "Verdict": _RESULTS,
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'hypersense.analysis.advice' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
