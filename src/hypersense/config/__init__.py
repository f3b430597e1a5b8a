"""Study configuration files: the one place where YAML becomes constructor arguments.

``load_config`` reads and validates a YAML file, ``build_run`` turns it into a
sampler, pruner, search space and objective, and ``run_config`` runs (or
resumes) its study. Every error is a :class:`~hypersense.errors.ConfigError`
naming the file, line and field.

Names are imported on first use, so that commands which only read studies
(and need just :func:`open_storage`) do not pay for loading pydantic and YAML.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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

_MODULE_OF = {
    "RunSpec": "build",
    "build_run": "build",
    "config_source": "loader",
    "load_config": "loader",
    "parse_config": "loader",
    "count_toward_target": "resume",
    "counts_toward_target": "resume",
    "ProgressCallback": "run",
    "RunStatus": "run",
    "run_config": "run",
    "StudyConfig": "schema",
    "DEFAULT_STORAGE": "storage_url",
    "open_storage": "storage_url",
}


def __getattr__(name: str) -> object:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'hypersense.config' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"hypersense.config.{module}"), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
