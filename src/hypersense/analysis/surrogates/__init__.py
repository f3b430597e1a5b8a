"""Surrogate models that importance is computed on, and their selection."""

from hypersense.analysis.surrogates.base import (
    FittedSurrogate,
    FunctionDraws,
    SeparableExpansion,
    Surrogate,
)
from hypersense.analysis.surrogates.forest import RandomForestSurrogate
from hypersense.analysis.surrogates.gp import GaussianProcessSurrogate
from hypersense.analysis.surrogates.selection import (
    SurrogateChoice,
    cross_validated_r2,
    select_surrogate,
)

__all__ = [
    "FittedSurrogate",
    "FunctionDraws",
    "GaussianProcessSurrogate",
    "RandomForestSurrogate",
    "SeparableExpansion",
    "Surrogate",
    "SurrogateChoice",
    "cross_validated_r2",
    "select_surrogate",
]
