"""Writing advice as a new study config: the same study, a narrowed space.

``narrowed_config(config, advice)`` returns the YAML text of a config that
runs a *new* study (``<name>-narrowed``) with the same objective or task,
sampler, pruner, storage, budget and seed as ``config``, and the search space
changed as ``advice`` says: negligible parameters fixed (a plain value),
ranges narrowed, scales switched, choices dropped. Every changed entry is
preceded by a comment with the change and its reason, and followed by what it
was. ``write_narrowed_config`` writes it to a file; the file loads with
:func:`hypersense.config.load_config` and runs with ``hypersense run``.

Only parameters the config can name are written: entries of its ``space``,
and for a built-in ``task`` any parameter of the task's space. Advice on
parameters an objective suggests in its own code (define-by-run, conditional)
is listed in a closing comment instead, to be applied there by hand.
"""

from __future__ import annotations

import logging
import shlex
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from hypersense.analysis.advice.results import Advice, ParameterAdvice
from hypersense.config.loader import config_source, load_config
from hypersense.config.schema import StudyConfig
from hypersense.errors import ConfigError
from hypersense.space.base import Distribution
from hypersense.space.categorical import CategoricalDistribution
from hypersense.space.numeric import FloatDistribution, IntDistribution
from hypersense.storage.validation import check_study_name
from hypersense.tasks.registry import task_class

__all__ = [
    "narrowed_config",
    "narrowed_study_name",
    "run_command",
    "space_entry",
    "write_narrowed_config",
]

_log = logging.getLogger(__name__)

#: Suffix of the narrowed study's name.
NARROWED_SUFFIX = "-narrowed"
# Width of one YAML line, large enough that flow entries never wrap.
_NO_WRAP = 1 << 16


def _flow(name: str, value: Any) -> str:
    """``name: value`` as one line of flow-style YAML (keys quoted when needed)."""
    text = yaml.safe_dump(
        {name: value}, default_flow_style=True, sort_keys=False, width=_NO_WRAP, allow_unicode=True
    ).strip()
    return text[1:-1]  # drop the braces of the one-key mapping


def _block(name: str, value: Any) -> str:
    """``name: value`` as block-style YAML (nested mappings on their own lines)."""
    return yaml.safe_dump(
        {name: value}, default_flow_style=False, sort_keys=False, width=_NO_WRAP, allow_unicode=True
    ).rstrip("\n")


def space_entry(distribution: Distribution, *, as_list: bool = False) -> Any:
    """The ``space`` entry of a config that declares ``distribution``.

    A one-value distribution becomes a plain value (which fixes the parameter);
    a categorical a list of its choices when ``as_list`` (else the
    ``{type: categorical, choices}`` mapping); ranges a ``{type, low, high}``
    mapping with ``log`` and ``step`` only when they differ from the defaults.
    """
    if distribution.is_single:
        return distribution.from_unit(0.5)
    if isinstance(distribution, CategoricalDistribution):
        choices = list(distribution.choices)
        return choices if as_list else {"type": "categorical", "choices": choices}
    if isinstance(distribution, FloatDistribution):
        entry: dict[str, Any] = {
            "type": "float",
            "low": distribution.low,
            "high": distribution.high,
        }
        if distribution.log:
            entry["log"] = True
        if distribution.step is not None:
            entry["step"] = distribution.step
        return entry
    if isinstance(distribution, IntDistribution):
        entry = {"type": "int", "low": distribution.low, "high": distribution.high}
        if distribution.log:
            entry["log"] = True
        if distribution.step != 1:
            entry["step"] = distribution.step
        return entry
    raise TypeError(f"no config entry for a {type(distribution).__name__}")


def _fixed_value(p: ParameterAdvice) -> Any:
    return p.fixed_value if p.is_fixed else p.suggested.from_unit(0.5)


def _new_entry(p: ParameterAdvice, old: Any) -> Any:
    if p.suggested.is_single:
        return _fixed_value(p)
    return space_entry(p.suggested, as_list=old is None or isinstance(old, list))


def _base_name(config: StudyConfig) -> str | None:
    """The config's study name: its ``study_name``, else its file's stem."""
    if config.study_name is not None:
        return config.study_name
    path = config_source(config).path
    return None if path is None else path.stem


def narrowed_study_name(config: StudyConfig) -> str:
    """``<study name>-narrowed``; the study name is the config's, else its file's stem.

    Raises:
        ConfigError: For a config with neither a ``study_name`` nor a file.
    """
    name = _base_name(config)
    if name is None:
        raise ConfigError("a config without a file needs a `study_name` to narrow")
    return name + NARROWED_SUFFIX


def _writable(config: StudyConfig, raw_space: Mapping[str, Any]) -> set[str]:
    """Parameters this config can declare: its ``space``, and a task's parameters."""
    names = set(raw_space)
    if config.task is not None:
        names |= set(task_class(config.task).default_space().names)
    return names


def _space_lines(raw_space: Mapping[str, Any], changed: Mapping[str, ParameterAdvice]) -> list[str]:
    """The lines of the ``space`` block: entries in their order, new ones last."""
    lines = ["space:"]
    for name in [*raw_space, *(n for n in changed if n not in raw_space)]:
        old = raw_space.get(name)
        advice = changed.get(name)
        if advice is None:
            lines.append("  " + _flow(name, old))
            continue
        for step in advice.steps():
            lines.append(f"  # {step}")
        was = "task default" if old is None else _flow("was", old)
        lines.append(f"  {_flow(name, _new_entry(advice, old))}  # {was}")
    return lines


def _header(advice: Advice, base_name: str) -> list[str]:
    fit = advice.fits[0] if advice.fits else None
    how = f"{advice.method}"
    if fit is not None:
        how += (
            f"; {fit.surrogate} surrogate, cross-validated R2 {fit.r2:.2f} on {fit.n_trials} trials"
        )
    return [
        f"# The search space of study {base_name!r}, narrowed by hypersense's advice",
        f"# ({how}).",
        "# A new study: the original's trials stay where they are. Each change is",
        "# explained above its entry; the entry's trailing comment says what it was.",
    ]


def _unwritten_lines(unwritten: list[ParameterAdvice], config: StudyConfig) -> list[str]:
    if not unwritten:
        return []
    where = "the objective's code" if config.task is None else "the task"
    lines = [
        "",
        f"# Advice not written above (these parameters are suggested in {where}, not",
        "# declared in `space`); apply it there by hand:",
    ]
    for p in unwritten:
        lines.extend(f"#   {step}" for step in p.steps())
    return lines


def narrowed_config(
    config: StudyConfig | str | Path,
    advice: Advice,
    *,
    study_name: str | None = None,
    output_dir: str | Path | None = None,
) -> str:
    """The YAML text of ``config`` with its space changed as ``advice`` says.

    Args:
        config: The config the advised study ran (a file or a loaded config).
        advice: Advice on that study (:func:`~hypersense.analysis.advice.advise`).
        study_name: The new study's name (default ``<name>-narrowed``).
        output_dir: Where the text will be written; an objective module is
            imported from the config's directory, so a different one gets a
            warning comment.

    Raises:
        ConfigError: When the config cannot be read or has no name to derive
            the new study's name from.
    """
    loaded = load_config(config) if isinstance(config, (str, Path)) else config
    source = config_source(loaded)
    raw = dict(source.data) if isinstance(source.data, Mapping) else loaded.model_dump()
    new_name = study_name if study_name is not None else narrowed_study_name(loaded)
    check_study_name(new_name)
    raw_space = dict(raw.get("space") or {})
    writable = _writable(loaded, raw_space)
    changed = {p.name: p for p in advice.changed if p.name in writable}
    unwritten = [p for p in advice.changed if p.name not in writable]
    base_name = _base_name(loaded) or "?"
    lines = _header(advice, base_name)
    lines += _moved_objective_lines(loaded, source.directory, output_dir)
    lines.append(f"{_flow('study_name', new_name)}  # the advised study: {base_name!r}")
    for key, value in raw.items():
        if key == "study_name":
            continue
        if key == "space":
            lines += _space_lines(raw_space, changed)
        else:
            lines.append(_block(key, value))
    if "space" not in raw and changed:
        lines += _space_lines({}, changed)
    lines += _unwritten_lines(unwritten, loaded)
    return "\n".join(lines) + "\n"


def _moved_objective_lines(
    config: StudyConfig, source_dir: Path | None, output_dir: str | Path | None
) -> list[str]:
    if config.objective is None or source_dir is None or output_dir is None:
        return []
    if Path(output_dir).resolve() == source_dir.resolve():
        return []
    module = config.objective.partition(":")[0]
    _log.warning(
        "the narrowed config is written outside %s, where module %r of its objective lives; "
        "run it with that directory on PYTHONPATH",
        source_dir,
        module,
    )
    return [
        f"# The objective's module {module!r} lives in {str(source_dir)!r}: run this file",
        "# with that directory on PYTHONPATH (or move the file there).",
    ]


def write_narrowed_config(
    config: StudyConfig | str | Path,
    advice: Advice,
    path: str | Path,
    *,
    study_name: str | None = None,
) -> Path:
    """Write :func:`narrowed_config` to ``path`` (replacing it) and return the path.

    Raises:
        ConfigError: As :func:`narrowed_config`, or when ``path`` cannot be written.
    """
    out = Path(path)
    text = narrowed_config(config, advice, study_name=study_name, output_dir=out.parent)
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write the narrowed config to '{out}': {exc.strerror}") from None
    return out


def run_command(
    config: StudyConfig | str | Path, written: str | Path, *, storage: str | None = None
) -> str:
    """The shell command that runs the narrowed config ``written`` from ``config``.

    An objective module is imported from the directory of the config file
    that names it, so a narrowed config written elsewhere needs the original
    directory on ``PYTHONPATH``, which the command sets. ``storage`` (the URL
    the advised study was read from) is passed with ``--storage`` when the
    config does not name one itself, so the new study lands beside the old.

    Args:
        config: The config the advised study ran (a file or a loaded config).
        written: The narrowed config file.
        storage: The storage URL the study was analysed in, or None.
    """
    from hypersense.config.storage_url import DEFAULT_STORAGE

    loaded = load_config(config) if isinstance(config, (str, Path)) else config
    source_dir = config_source(loaded).directory
    out = Path(written)
    parts = ["hypersense", "run", str(out)]
    if storage is not None and loaded.storage is None and storage != DEFAULT_STORAGE:
        parts += ["--storage", storage]
    command = " ".join(shlex.quote(p) for p in parts)
    moved = source_dir is not None and out.parent.resolve() != source_dir.resolve()
    if loaded.objective is not None and moved:
        assert source_dir is not None
        command = f"PYTHONPATH={shlex.quote(str(source_dir.resolve()))} {command}"
    return command
