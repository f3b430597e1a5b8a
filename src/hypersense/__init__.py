"""hypersense: tune hyperparameters and learn which of them matter, how much,
and how sure that is.

The names most users need are here; the subpackages hold the rest
(``hypersense.samplers``, ``hypersense.pruners``, ``hypersense.storage``,
``hypersense.space``, ``hypersense.execution``; ``hypersense.lr``, the
learning-rate tools, loads on first use).
"""

import importlib
from typing import TYPE_CHECKING, Any

from hypersense._version import __version__
from hypersense.direction import StudyDirection
from hypersense.errors import (
    CheckpointError,
    ConfigError,
    DuplicatedStudyError,
    ExecutorError,
    HypersenseError,
    InvalidDistributionError,
    MissingDependencyError,
    ParameterConflictError,
    PluginError,
    SamplerExhaustedError,
    StaleTrialError,
    StorageError,
    StudyNotFoundError,
    Terminated,
    TrialPruned,
    TrialTimeoutError,
)
from hypersense.execution import DaskExecutor
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
    copy_study,
    create_study,
    create_trial,
    delete_study,
    get_all_study_names,
    get_all_study_summaries,
    load_study,
)
from hypersense.trial import FailKind, FixedTrial, FrozenTrial, Trial, TrialState

if TYPE_CHECKING:
    from hypersense.integrations.sklearn import HyperSearchCV

__all__ = [
    "CategoricalDistribution",
    "CheckpointError",
    "ConfigError",
    "DaskExecutor",
    "Distribution",
    "DuplicatedStudyError",
    "ExecutorError",
    "FailKind",
    "FixedTrial",
    "FloatDistribution",
    "FrozenTrial",
    "HyperSearchCV",
    "HypersenseError",
    "IntDistribution",
    "InvalidDistributionError",
    "MissingDependencyError",
    "ParameterConflictError",
    "PluginError",
    "SamplerExhaustedError",
    "SearchSpace",
    "StaleTrialError",
    "StorageError",
    "Study",
    "StudyDirection",
    "StudyHistory",
    "StudyNotFoundError",
    "Terminated",
    "Trial",
    "TrialPruned",
    "TrialState",
    "TrialTimeoutError",
    "__version__",
    "copy_study",
    "create_study",
    "create_trial",
    "cross_validate_trial",
    "delete_study",
    "get_all_study_names",
    "get_all_study_summaries",
    "load_study",
]


#: Subpackages reachable as attributes (``hs.analysis``) without importing them
#: all up front: several need scikit-learn, plotly or PyTorch.
_SUBPACKAGES = frozenset(
    {
        "analysis",
        "config",
        "dashboard",
        "execution",
        "importance",
        "integrations",
        "lr",
        "pruners",
        "report",
        "samplers",
        "space",
        "storage",
        "study",
        "tasks",
        "testing",
        "torch",
        "trial",
        "visualization",
    }
)


def __getattr__(name: str) -> Any:
    # HyperSearchCV needs scikit-learn, which `import hypersense` must not load.
    if name == "HyperSearchCV":
        from hypersense.integrations.sklearn import HyperSearchCV

        return HyperSearchCV
    if name in _SUBPACKAGES:
        return importlib.import_module(f"hypersense.{name}")
    raise AttributeError(f"module 'hypersense' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__, *_SUBPACKAGES})
