"""hypersense: tune hyperparameters and learn which of them matter, how much,
and how sure that is.

The names most users need are here; the subpackages hold the rest
(``hypersense.samplers``, ``hypersense.pruners``, ``hypersense.storage``,
``hypersense.space``, ``hypersense.execution``).
"""

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

__all__ = [
    "CategoricalDistribution",
    "ConfigError",
    "Distribution",
    "DuplicatedStudyError",
    "FixedTrial",
    "FloatDistribution",
    "FrozenTrial",
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
    "delete_study",
    "get_all_study_summaries",
    "load_study",
]
