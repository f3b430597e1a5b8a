"""hypersense: tune hyperparameters and learn which of them matter, how much,
and how sure that is.

The names most users need are here; the subpackages hold the rest
(``hypersense.samplers``, ``hypersense.pruners``, ``hypersense.storage``,
``hypersense.space``, ``hypersense.execution``; ``hypersense.lr``, the
learning-rate tools, loads on first use).
"""

from typing import TYPE_CHECKING, Any

from hypersense._version import __version__
from hypersense.direction import StudyDirection
from hypersense.errors import (
    ConfigError,
    DuplicatedStudyError,
    HypersenseError,
    InvalidDistributionError,
    MissingDependencyError,
    ParameterConflictError,
    StaleTrialError,
    StorageError,
    StudyNotFoundError,
    TrialPruned,
)
from hypersense.history import StudyHistory
from hypersense.integrations import cross_validate_trial
from hypersense.space import (
    CategoricalDistribution,
    Distribution,
    FloatDistribution,
    IntDistribution,
    SearchSpace,
)
from hypersense.study import (
    Study,
    create_study,
    delete_study,
    get_all_study_summaries,
    load_study,
)
from hypersense.trial import FixedTrial, FrozenTrial, Trial, TrialState

if TYPE_CHECKING:
    from hypersense.integrations.sklearn import HyperSearchCV

__all__ = [
    "CategoricalDistribution",
    "ConfigError",
    "Distribution",
    "DuplicatedStudyError",
    "FixedTrial",
    "FloatDistribution",
    "FrozenTrial",
    "HyperSearchCV",
    "HypersenseError",
    "IntDistribution",
    "InvalidDistributionError",
    "MissingDependencyError",
    "ParameterConflictError",
    "SearchSpace",
    "StaleTrialError",
    "StorageError",
    "Study",
    "StudyDirection",
    "StudyHistory",
    "StudyNotFoundError",
    "Trial",
    "TrialPruned",
    "TrialState",
    "__version__",
    "create_study",
    "cross_validate_trial",
    "delete_study",
    "get_all_study_summaries",
    "load_study",
]


def __getattr__(name: str) -> Any:
    # HyperSearchCV needs scikit-learn, which `import hypersense` must not load.
    if name == "HyperSearchCV":
        from hypersense.integrations.sklearn import HyperSearchCV

        return HyperSearchCV
    # The learning-rate tools: loaded on first use (they never import torch
    # before a function that trains is called).
    if name == "lr":
        import importlib

        return importlib.import_module("hypersense.lr")
    raise AttributeError(f"module 'hypersense' has no attribute {name!r}")
