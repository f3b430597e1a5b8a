"""Building what a config describes: search space, sampler, pruner, task,
objective, and the limits of a run. Every error names file, line and field."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypersense.config.loader import config_source
from hypersense.config.objective import (
    ImportProblem,
    SpaceObjective,
    import_attribute,
    resolve_exception_class,
)
from hypersense.config.schema import (
    CategoricalParamConfig,
    FloatParamConfig,
    IntParamConfig,
    PluginConfig,
    RangeTestParamConfig,
    StudyConfig,
)
from hypersense.config.source import ConfigSource, FieldPath, short_repr
from hypersense.config.storage_url import DEFAULT_STORAGE
from hypersense.direction import StudyDirection, parse_direction
from hypersense.errors import InvalidDistributionError, PluginError
from hypersense.execution.base import Executor
from hypersense.execution.outcome import Objective
from hypersense.execution.registry import create_executor, executor_class
from hypersense.pruners.base import Pruner
from hypersense.pruners.registry import make_pruner, pruner_class
from hypersense.samplers.base import Sampler
from hypersense.samplers.registry import make_sampler, sampler_class
from hypersense.space.base import Distribution
from hypersense.space.categorical import CategoricalDistribution
from hypersense.space.numeric import FloatDistribution, IntDistribution
from hypersense.space.search_space import SearchSpace
from hypersense.storage.base import Storage
from hypersense.tasks.base import Task
from hypersense.tasks.registry import task_class

__all__ = ["RunSpec", "build_run", "build_space", "range_test_param"]


@dataclass(frozen=True)
class RunSpec:
    """Everything a config describes, built and checked, ready to run.

    Attributes:
        study_name: The study's name (the config's, else the file's stem).
        storage: The caller's storage, else the config's URL, else the default.
        storage_from_config: Whether ``storage`` came from the config file.
        directions: One direction per objective.
        sampler: The sampler, seeded as the config says.
        pruner: The pruner.
        objective: What each trial runs.
        space: The declared (or task's merged) space, if any.
        task: The built-in task, if the config names one.
        n_trials: Target number of finished trials, or None.
        timeout_s: Seconds after which a run starts no new trial, or None.
        trial_timeout_s: Seconds after which a running trial is stopped, or None.
        checkpoint_dir: Where trials save checkpoints (None: the default).
        n_jobs: Worker processes.
        executor: The config's executor, if it names one (it then overrides
            ``n_jobs``); the run owns it and shuts it down.
        max_retries: Re-queues of an interrupted or lost trial.
        catch: Exception classes that fail a trial but not the study.
        heartbeat_interval_s: Heartbeat interval of running trials.
        grace_period_s: Heartbeat age after which a trial is failed (None: 4 intervals).
        lr_from_range_test: The parameter whose range comes from a range test
            (``{from_range_test: true}``), or None. Until
            :func:`hypersense.config.lr_range.resolve_lr_range` replaces it,
            ``space`` holds a placeholder for it (the task's distribution, else
            the test's whole range).
    """

    study_name: str
    storage: str | Storage
    storage_from_config: bool
    directions: tuple[StudyDirection, ...]
    sampler: Sampler
    pruner: Pruner
    objective: Objective
    space: SearchSpace | None
    task: Task | None
    n_trials: int | None
    timeout_s: float | None
    n_jobs: int
    executor: Executor | None
    max_retries: int
    catch: tuple[type[Exception], ...]
    heartbeat_interval_s: float = 30.0
    grace_period_s: float | None = None
    lr_from_range_test: str | None = None
    trial_timeout_s: float | None = None
    checkpoint_dir: str | None = None


def _relative_to_config(path: str | None, source: ConfigSource) -> str | None:
    """A relative ``checkpoint_dir`` is read from the config file's directory."""
    if path is None or source.path is None or Path(path).is_absolute():
        return path
    return str(source.path.parent / path)


def build_run(config: StudyConfig, *, storage: str | Storage | None = None) -> RunSpec:
    """Build the sampler, pruner, space and objective of ``config``.

    Args:
        config: A validated config (:func:`~hypersense.config.load_config`).
        storage: Overrides the config's ``storage`` (e.g. a ``--storage`` flag).

    Raises:
        ConfigError: Naming file, line and field: an unknown sampler, pruner
            or task, a bad option, an invalid distribution, an objective
            module that does not import, an unknown exception class.
    """
    source = config_source(config)
    lr_param = range_test_param(config, source)
    cls = _task_class(config, source)
    space = build_space(config, source, None if cls is None else cls.default_space())
    task = None if cls is None else _task(config, source, cls, space)
    objective = _objective(config, source, task, space)  # puts the config dir on sys.path
    study_name = config.study_name
    if study_name is None:
        if source.path is None:
            raise source.error(("study_name",), "a config without a file needs a `study_name`")
        study_name = source.path.stem
    return RunSpec(
        study_name=study_name,
        storage=storage if storage is not None else config.storage or DEFAULT_STORAGE,
        storage_from_config=storage is None and config.storage is not None,
        directions=_directions(config, source, cls),
        sampler=_sampler(config, source, space),
        pruner=_plugin(config, source, "pruner", {}),
        objective=objective,
        space=space,
        task=task,
        n_trials=config.n_trials,
        timeout_s=config.timeout_s,
        n_jobs=config.n_jobs,
        executor=None if config.executor is None else _plugin(config, source, "executor", {}),
        max_retries=config.max_retries,
        catch=tuple(_catch(config, source)),
        heartbeat_interval_s=config.heartbeat_interval_s,
        grace_period_s=config.grace_period_s,
        lr_from_range_test=lr_param,
        trial_timeout_s=config.trial_timeout_s,
        checkpoint_dir=_relative_to_config(config.checkpoint_dir, source),
    )


# ------------------------------------------------------------------ space
def _fixed(value: Any, like: Distribution | None) -> Distribution:
    """A one-value distribution for a fixed ``value``, of the kind of ``like``
    (the task's default distribution of that parameter, if any)."""
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(like, (FloatDistribution, IntDistribution)) and not number:
        raise InvalidDistributionError(
            f"a fixed value of a{'n' if like.kind == 'int' else ''} {like.kind} parameter "
            "must be a number",
            f"{value!r}",
        )
    if not number or isinstance(like, CategoricalDistribution):
        return CategoricalDistribution((value,))
    if isinstance(like, IntDistribution) or (like is None and isinstance(value, int)):
        if not float(value).is_integer():
            raise InvalidDistributionError(
                "a fixed value of an int parameter must be an integer", f"{value!r}"
            )
        return IntDistribution(int(value), int(value))
    return FloatDistribution(float(value), float(value))


def _distribution(spec: Any, like: Distribution | None) -> Distribution:
    if isinstance(spec, FloatParamConfig):
        return FloatDistribution(spec.low, spec.high, log=spec.log, step=spec.step)
    if isinstance(spec, IntParamConfig):
        return IntDistribution(spec.low, spec.high, log=spec.log, step=spec.step)
    if isinstance(spec, CategoricalParamConfig):
        return CategoricalDistribution(tuple(spec.choices))
    if isinstance(spec, RangeTestParamConfig):  # a placeholder until the range is known
        return like if like is not None else FloatDistribution(spec.start_lr, spec.end_lr, log=True)
    if isinstance(spec, list):
        return CategoricalDistribution(tuple(spec))
    return _fixed(spec, like)


def build_space(
    config: StudyConfig, source: ConfigSource, default: SearchSpace | None
) -> SearchSpace | None:
    """The config's ``space`` as distributions; with a task's ``default`` space,
    that space with the config's entries replacing those of the same name."""
    if default is None and not config.space:
        return None
    built: dict[str, Distribution] = {}
    for name, spec in config.space.items():
        if default is not None and name not in default:
            raise source.error(
                ("space", name),
                f"task {config.task!r} has no parameter {name!r}; "
                f"its parameters are: {', '.join(default.names)}",
            )
        try:
            built[name] = _distribution(spec, None if default is None else default[name])
        except InvalidDistributionError as exc:
            raise source.error(("space", name), str(exc.for_parameter(name))) from None
    if default is None:
        return SearchSpace(built)
    return SearchSpace({n: built.get(n, d) for n, d in default.items()})


def range_test_param(config: StudyConfig, source: ConfigSource) -> str | None:
    """The one ``space`` entry with ``from_range_test: true``, checked, or None."""
    names = [n for n, spec in config.space.items() if isinstance(spec, RangeTestParamConfig)]
    if len(names) > 1:
        raise source.error(
            ("space", names[1]),
            f"only one parameter can take its range from the range test (also {names[0]!r})",
        )
    if not names:
        return None
    spec = config.space[names[0]]
    assert isinstance(spec, RangeTestParamConfig)
    if not spec.start_lr < spec.end_lr:
        raise source.error(
            ("space", names[0], "start_lr"),
            f"`start_lr` must be < `end_lr` (got start_lr={spec.start_lr!r}, "
            f"end_lr={spec.end_lr!r})",
        )
    return names[0]


# ------------------------------------------------------------- directions
def _directions(
    config: StudyConfig, source: ConfigSource, cls: type[Task] | None
) -> tuple[StudyDirection, ...]:
    if cls is None:
        if config.directions is not None:
            return tuple(parse_direction(d) for d in config.directions)
        return (parse_direction(config.direction or "minimize"),)
    wanted = cls.direction.value
    if config.directions is not None:
        raise source.error(
            ("directions",),
            f"task {cls.name!r} has one objective ({cls.metric_name}, {wanted}); "
            f"use `direction: {wanted}` or leave it out",
        )
    if config.direction is not None and config.direction != wanted:
        raise source.error(
            ("direction",),
            f"task {cls.name!r} should {wanted[:-1]}e {cls.metric_name}; "
            f"expected {wanted!r} or no direction (got {config.direction!r})",
        )
    return (cls.direction,)


# ---------------------------------------------------- sampler, pruner, task
_QUOTED = re.compile(r"[`'](\w+)[`']")


def _blame_option(base: FieldPath, options: Mapping[str, Any], message: str) -> FieldPath:
    """The option a constructor's error message names (``seed`` or 'seed'), if any."""
    for name in _QUOTED.findall(message):
        if name in options:
            return (*base, name)
    return base


def _name_field(source: ConfigSource, kind: str) -> FieldPath:
    return (kind,) if isinstance(source.raw((kind,)), str) else (kind, "name")


_PLUGIN_KINDS: dict[str, tuple[Callable[[str], type], Callable[..., Any]]] = {
    "sampler": (sampler_class, make_sampler),
    "pruner": (pruner_class, make_pruner),
    "executor": (executor_class, create_executor),
}


def _plugin(config: StudyConfig, source: ConfigSource, kind: str, extra: Mapping[str, Any]) -> Any:
    """Build the sampler, pruner or executor ``kind`` of ``config`` with ``extra`` options."""
    spec = getattr(config, kind)
    assert isinstance(spec, PluginConfig)  # callers ask only for kinds the config has
    lookup, make = _PLUGIN_KINDS[kind]
    try:
        lookup(spec.name)
    except PluginError as exc:
        raise source.error(_name_field(source, kind), str(exc)) from None
    except ValueError as exc:
        raise source.error(_name_field(source, kind), f"{exc} (got {spec.name!r})") from None
    options = {**spec.options, **extra}
    try:
        return make(spec.name, options)
    except (TypeError, ValueError) as exc:
        message = str(exc)
        if "seed" in extra and "seed" in _QUOTED.findall(message):
            raise source.error(("seed",), message) from None
        path = _blame_option((kind, "options"), spec.options, message)
        if path == (kind, "options") and not spec.options:
            path = _name_field(source, kind)
        raise source.error(path, message) from None


def _sampler(config: StudyConfig, source: ConfigSource, space: SearchSpace | None) -> Sampler:
    extra: dict[str, Any] = {}
    if config.seed is not None:
        extra["seed"] = config.seed
    try:
        cls = sampler_class(config.sampler.name)
    except (ValueError, PluginError):
        cls = None  # _plugin reports it with file and field
    # A sampler that needs the space up front (a grid) gets the config's.
    takes_space = cls is not None and "search_space" in inspect.signature(cls).parameters
    if takes_space and "search_space" not in config.sampler.options:
        if space is None:
            raise source.error(
                _name_field(source, "sampler"),
                f"sampler {config.sampler.name!r} needs the search space up front: "
                "declare `space` (or give `sampler.options.search_space`)",
            )
        extra["search_space"] = dict(space)
    sampler: Sampler = _plugin(config, source, "sampler", extra)
    return sampler


def _task_class(config: StudyConfig, source: ConfigSource) -> type[Task] | None:
    if config.task is None:
        return None
    try:
        return task_class(config.task)
    except (ValueError, PluginError) as exc:
        raise source.error(("task",), str(exc)) from None


def _task(
    config: StudyConfig, source: ConfigSource, cls: type[Task], space: SearchSpace | None
) -> Task:
    try:
        return cls(space=space, **config.task_options)
    except (TypeError, ValueError) as exc:
        message = f"bad options for task {cls.name!r}: {exc}"
        path = _blame_option(("task_options",), config.task_options, message)
        raise source.error(path, message) from None


# ---------------------------------------------------------------- objective
def _objective(
    config: StudyConfig, source: ConfigSource, task: Task | None, space: SearchSpace | None
) -> Objective:
    if task is not None:
        return task.objective
    assert config.objective is not None  # the loader checked objective xor task
    try:
        function = import_attribute(config.objective, search_dir=source.directory)
    except ImportProblem as exc:
        raise source.error(("objective",), f"{exc} (got {config.objective!r})") from None
    if not callable(function):
        raise source.error(
            ("objective",),
            f"expected a function taking a trial (got {short_repr(function)} "
            f"for {config.objective!r})",
        )
    return SpaceObjective(function, space) if space else function


def _catch(config: StudyConfig, source: ConfigSource) -> list[type[Exception]]:
    out = []
    for i, name in enumerate(config.catch):
        try:
            out.append(resolve_exception_class(name, search_dir=source.directory))
        except ImportProblem as exc:
            raise source.error(("catch", i), str(exc)) from None
    return out
