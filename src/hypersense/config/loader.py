"""Loading a study configuration: YAML file -> validated :class:`StudyConfig`.

Loading checks the shape of the file (fields, types, ranges of plain numbers)
and the rules that tie fields together; it imports no user code. Building the
sampler, pruner, search space and objective is
:func:`hypersense.config.build_run`'s job; its errors name file and field too.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from hypersense.config.schema import StudyConfig
from hypersense.config.source import ConfigSource, short_repr
from hypersense.config.validation_errors import config_error_from_validation
from hypersense.config.yaml_reading import read_yaml

__all__ = ["config_source", "load_config", "parse_config"]


def load_config(path: str | Path) -> StudyConfig:
    """Read and validate the YAML study configuration at ``path``.

    Raises:
        ConfigError: The file is missing, is not valid YAML, or a field is
            wrong; the message names the file, the line, the field, what was
            expected and what was found.
    """
    source = read_yaml(path)
    return parse_config(source.data, source=source)


def parse_config(data: Any, *, source: ConfigSource | None = None) -> StudyConfig:
    """Validate a configuration given as a mapping (e.g. built in Python).

    Args:
        data: The configuration's fields.
        source: Where ``data`` came from (file and line numbers), for messages.
    """
    src = source if source is not None else ConfigSource(data=data)
    if not isinstance(data, Mapping):
        raise src.error(
            (), f"expected a mapping of fields at the top level (got {short_repr(data)})"
        )
    try:
        config = StudyConfig.model_validate(data)
    except ValidationError as exc:
        raise config_error_from_validation(exc, StudyConfig, src) from None
    config._source = src
    _check_consistency(config, src)
    return config


def config_source(config: StudyConfig) -> ConfigSource:
    """Where ``config`` came from; a config built in Python has no file."""
    source = config._source
    if isinstance(source, ConfigSource):
        return source
    return ConfigSource(data=config.model_dump(exclude_unset=True))


def _check_consistency(config: StudyConfig, src: ConfigSource) -> None:
    """Rules that tie several fields together."""
    if config.objective is not None and config.task is not None:
        raise src.error(("task",), "give either `objective` or `task`, not both")
    if config.objective is None and config.task is None:
        raise src.error(
            ("objective",),
            "expected an `objective` ('module:function') or a built-in `task`; found neither",
        )
    if config.task_options and config.task is None:
        raise src.error(("task_options",), "`task_options` needs a `task`")
    if config.direction is not None and config.directions is not None:
        raise src.error(("directions",), "give either `direction` or `directions`, not both")
    if config.n_trials is None and config.timeout_s is None:
        raise src.error(
            ("n_trials",),
            "expected `n_trials` or `timeout_s` (or both), so that a run ends; found neither",
        )
    if config.executor is not None and "n_jobs" in config.model_fields_set:
        raise src.error(
            ("executor",),
            "give either `n_jobs` or `executor`, not both "
            "(the executor's options say how many workers it runs)",
        )
    if config.seed is not None and "seed" in config.sampler.options:
        raise src.error(
            ("seed",),
            "the seed is given twice, here and as `sampler.options.seed`; keep one",
        )
