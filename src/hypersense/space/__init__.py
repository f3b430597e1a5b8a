"""Search spaces: distributions, their unit-cube encoding, JSON and grids."""

from hypersense.space.base import Distribution, ParamValue
from hypersense.space.categorical import CategoricalChoice, CategoricalDistribution
from hypersense.space.numeric import FloatDistribution, IntDistribution
from hypersense.space.search_space import SearchSpace
from hypersense.space.serialization import (
    distribution_from_dict,
    distribution_from_json,
    distribution_to_json,
)

__all__ = [
    "CategoricalChoice",
    "CategoricalDistribution",
    "Distribution",
    "FloatDistribution",
    "IntDistribution",
    "ParamValue",
    "SearchSpace",
    "distribution_from_dict",
    "distribution_from_json",
    "distribution_to_json",
]
