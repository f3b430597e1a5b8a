"""Study configuration files: the one place where YAML becomes constructor arguments.

``load_config`` reads and validates a YAML file, ``build_run`` turns it into a
sampler, pruner, search space and objective, and ``run_config`` runs (or
resumes) its study. Every error is a :class:`~hypersense.errors.ConfigError`
naming the file, line and field.
"""

from hypersense.config.build import RunSpec, build_run
from hypersense.config.loader import config_source, load_config, parse_config
from hypersense.config.resume import count_toward_target, counts_toward_target
from hypersense.config.run import ProgressCallback, RunStatus, run_config
from hypersense.config.schema import StudyConfig
from hypersense.config.storage_url import DEFAULT_STORAGE, open_storage

__all__ = [
    "DEFAULT_STORAGE",
    "ProgressCallback",
    "RunSpec",
    "RunStatus",
    "StudyConfig",
    "build_run",
    "config_source",
    "count_toward_target",
    "counts_toward_target",
    "load_config",
    "open_storage",
    "parse_config",
    "run_config",
]
