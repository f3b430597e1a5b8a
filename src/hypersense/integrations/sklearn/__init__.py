"""scikit-learn integration: :class:`HyperSearchCV` and the translation of
scikit-learn/scipy-style search spaces.

Importing this package imports scikit-learn (a core dependency of hypersense,
but a heavy import, so ``import hypersense`` does not do it).
"""

from hypersense.integrations.sklearn.failures import SearchFailedError
from hypersense.integrations.sklearn.results import build_cv_results, rank_by_mean
from hypersense.integrations.sklearn.scoring import Scoring, resolve_scoring
from hypersense.integrations.sklearn.search_cv import HyperSearchCV
from hypersense.integrations.sklearn.spaces import (
    ALTERNATIVE_PARAM,
    EstimatorSpace,
    to_search_space,
    translate_search_space,
)

__all__ = [
    "ALTERNATIVE_PARAM",
    "EstimatorSpace",
    "HyperSearchCV",
    "Scoring",
    "SearchFailedError",
    "build_cv_results",
    "rank_by_mean",
    "resolve_scoring",
    "to_search_space",
    "translate_search_space",
]
