"""Integrations with training code: cross-validation as an objective mode and
scikit-learn's ``HyperSearchCV``.

``cross_validate_trial`` is framework-agnostic (a PyTorch loop uses it through
its ``fit_and_score`` callable). ``HyperSearchCV`` and ``to_search_space`` live
in :mod:`hypersense.integrations.sklearn` and are imported from there on first
use, so importing this package does not import scikit-learn.

The framework integrations are modules of their own, each importing its
framework (an optional extra): :mod:`hypersense.integrations.keras` (Keras 3
pruning callback, training-recipe schedules, ``keras``),
:mod:`hypersense.integrations.lightning` (Lightning pruning callback,
``lightning``), :mod:`hypersense.integrations.optuna` (Optuna studies in and
out, ``optuna``) and :mod:`hypersense.integrations.mlflow` (MLflow tracking,
``mlflow``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hypersense.integrations.cv import (
    FoldFitAndScore,
    cross_validate_trial,
    estimator_fit_and_score,
    fold_mean_and_sem,
    fold_series,
)
from hypersense.integrations.splits import make_folds

if TYPE_CHECKING:
    from hypersense.integrations.sklearn import HyperSearchCV, SearchFailedError, to_search_space

__all__ = [
    "FoldFitAndScore",
    "HyperSearchCV",
    "SearchFailedError",
    "cross_validate_trial",
    "estimator_fit_and_score",
    "fold_mean_and_sem",
    "fold_series",
    "make_folds",
    "to_search_space",
]

_FROM_SKLEARN = frozenset({"HyperSearchCV", "SearchFailedError", "to_search_space"})


def __getattr__(name: str) -> Any:
    """Import the scikit-learn names on first use (PEP 562)."""
    if name in _FROM_SKLEARN:
        from hypersense.integrations import sklearn as _sklearn

        return getattr(_sklearn, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
