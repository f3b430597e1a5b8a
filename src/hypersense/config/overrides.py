"""Command-line overrides of a config: ``hypersense run CONFIG --n-trials 20 --sampler random``.

:func:`with_overrides` returns the config with some top-level fields replaced
and validated again, as if the file had said so; an error in an overridden
field names the option. A new sampler or pruner *name* drops the file's
options for the old one (they belong to it), keeping a sampler seed as the
config's ``seed``; the same name keeps them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from hypersense.config.loader import config_source, parse_config
from hypersense.config.schema import StudyConfig

__all__ = ["OPTIONS", "describe_overrides", "with_overrides"]

#: Config field to the command-line option that overrides it.
OPTIONS = {
    "n_trials": "--n-trials",
    "n_jobs": "--n-jobs",
    "timeout_s": "--timeout",
    "sampler": "--sampler",
    "pruner": "--pruner",
}


def _plugin(raw: Any, name: str) -> Any:
    """The ``sampler``/``pruner`` entry naming ``name``: the file's own entry
    (with its options) when it names the same plugin, else the bare name."""
    old = raw.get("name") if isinstance(raw, Mapping) else raw
    if isinstance(old, str) and old.strip().lower() == name.strip().lower():
        return raw
    return name


def with_overrides(config: StudyConfig, overrides: Mapping[str, Any]) -> StudyConfig:
    """``config`` with the fields in ``overrides`` replaced (None values ignored).

    Args:
        config: A loaded config.
        overrides: Field name (a key of :data:`OPTIONS`) to its new value.

    Raises:
        ValueError: For a field that cannot be overridden.
        ConfigError: When the result is invalid; an overridden field's error
            names its option.
    """
    given = {k: v for k, v in overrides.items() if v is not None}
    unknown = sorted(set(given) - set(OPTIONS))
    if unknown:
        raise ValueError(f"cannot override {unknown}; overridable fields: {sorted(OPTIONS)}")
    if not given:
        return config
    source = config_source(config)
    data: dict[str, Any] = dict(source.data) if isinstance(source.data, Mapping) else {}
    if "n_jobs" in given and "executor" in data:
        raise source.error(
            ("executor",),
            f"{OPTIONS['n_jobs']} cannot override it: this config names an `executor`, whose "
            "options say how many workers it runs; change them there",
        )
    for key, value in given.items():
        if key in ("sampler", "pruner"):
            old = data.get(key)
            data[key] = _plugin(old, str(value))
            seed = old.get("options", {}).get("seed") if isinstance(old, Mapping) else None
            if key == "sampler" and data[key] is not old and seed is not None:
                data.setdefault("seed", seed)  # the run keeps its seed
        else:
            data[key] = value
    named = {k: OPTIONS[k] for k in given}
    return parse_config(data, source=replace(source, data=data, overrides=named))


def describe_overrides(overrides: Mapping[str, Any]) -> str:
    """``"--n-trials 20, --sampler random"`` for the given (non-None) overrides."""
    return ", ".join(f"{OPTIONS[k]} {v}" for k, v in overrides.items() if v is not None)
