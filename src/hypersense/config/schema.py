"""The fields of a study configuration file, as pydantic models.

This is the one description of what a config file may say. Every model
forbids unknown fields (a misspelled field is an error, not a silent default)
and is strict about types (``n_trials: "10"`` is an error, not a conversion).
What the fields *mean* is decided in :mod:`hypersense.config.build`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, PrivateAttr, Tag, field_validator

from hypersense.direction import parse_direction
from hypersense.storage.validation import check_study_name

__all__ = [
    "CategoricalParamConfig",
    "FloatParamConfig",
    "IntParamConfig",
    "ParamConfig",
    "PluginConfig",
    "RangeTestParamConfig",
    "ScalarValue",
    "StudyConfig",
]

_STRICT = ConfigDict(extra="forbid", strict=True, frozen=True)

#: A value a categorical choice or a fixed parameter may take.
ScalarValue = str | int | float | bool | None

_OBJECTIVE_SPEC = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")


class FloatParamConfig(BaseModel):
    """``{type: float, low, high, log, step}``: a real range."""

    model_config = _STRICT

    type: Literal["float"]
    low: float
    high: float
    log: bool = False
    step: float | None = None


class IntParamConfig(BaseModel):
    """``{type: int, low, high, log, step}``: an integer range."""

    model_config = _STRICT

    type: Literal["int"]
    low: int
    high: int
    log: bool = False
    step: int = 1


class CategoricalParamConfig(BaseModel):
    """``{type: categorical, choices: [...]}``: one of a list of values."""

    model_config = _STRICT

    type: Literal["categorical"]
    choices: list[ScalarValue]


class RangeTestParamConfig(BaseModel):
    """``{from_range_test: true, ...}``: a learning rate whose log-scale range comes
    from a learning-rate range test (see :mod:`hypersense.lr`).

    The test stored on the study is used (``hypersense lr-find CONFIG --study
    NAME`` stores one); without one, a built-in PyTorch task runs it before the
    first trial, and a config with an ``objective`` is refused. The range is the
    test's interval widened by ``span`` each way, capped at ``cap_fraction`` of
    the rate at which the test diverged.
    """

    model_config = _STRICT

    from_range_test: Literal[True]
    span: float = Field(default=10.0**0.5, gt=1)
    cap_fraction: float = Field(default=0.5, gt=0, le=1)
    num_steps: int = Field(default=100, ge=5)
    seeds: list[int] = Field(default_factory=lambda: [0, 1, 2], min_length=1)
    start_lr: float = Field(default=1e-7, gt=0)
    end_lr: float = Field(default=10.0, gt=0)


def _param_kind(value: Any) -> str | None:
    """Which form a space entry takes: a typed mapping, a range-test mapping, a
    list, or a fixed value."""
    if isinstance(value, Mapping):
        if "from_range_test" in value:
            return "range_test"
        kind = value.get("type")
        return kind if kind in ("float", "int", "categorical") else None
    if isinstance(value, list):
        return "choices"
    return "fixed"


#: One entry of ``space``: a range, a categorical, a list of choices (short
#: for a categorical), a learning rate from a range test, or a plain scalar
#: that fixes the parameter.
ParamConfig = Annotated[
    Annotated[FloatParamConfig, Tag("float")]
    | Annotated[IntParamConfig, Tag("int")]
    | Annotated[CategoricalParamConfig, Tag("categorical")]
    | Annotated[RangeTestParamConfig, Tag("range_test")]
    | Annotated[list[ScalarValue], Tag("choices")]
    | Annotated[ScalarValue, Tag("fixed")],
    Discriminator(
        _param_kind,
        custom_error_type="param_spec",
        custom_error_message=(
            "expected `type` to be 'float', 'int' or 'categorical' "
            "(or `from_range_test: true`, a list of choices, or a plain value that fixes "
            "the parameter)"
        ),
    ),
]


class PluginConfig(BaseModel):
    """``{name, options}`` of a sampler, pruner or executor (a bare name is short for it)."""

    model_config = _STRICT

    name: str
    options: dict[str, Any] = Field(default_factory=dict)


def _name_or_mapping(value: Any) -> Any:
    if isinstance(value, str):
        return {"name": value}
    if not isinstance(value, Mapping):
        raise ValueError(
            "expected a name such as 'random' or a mapping {name: ..., options: {...}}"
        )
    return value


class StudyConfig(BaseModel):
    """A study to run: what to optimise, over which space, how, and where to store it.

    Attributes:
        study_name: The study's name in its storage (default: the config
            file's name without extension, so re-running a file resumes it).
        storage: Database URL (default ``sqlite:///hypersense.db``, relative
            to the working directory); a command-line ``--storage`` wins.
        direction: ``minimize`` or ``maximize`` (default: the task's, else
            ``minimize``).
        directions: One direction per objective, for multi-objective studies.
        objective: ``"module:function"``; the module is imported with the
            config file's directory first on ``sys.path``.
        task: A built-in task name instead of ``objective``.
        task_options: Keyword options of the task.
        space: Parameter name to a range, a categorical, a list of choices,
            ``{from_range_test: true}`` (a learning rate; at most one entry),
            or a plain value that fixes the parameter. With ``objective``
            these are suggested before the function is called; with ``task``
            they replace the task's default distributions of the same name.
        sampler: A sampler name, or ``{name, options}``.
        pruner: A pruner name, or ``{name, options}``.
        n_trials: Target number of finished trials of the study (see
            :func:`hypersense.config.counts_toward_target`).
        timeout_s: Seconds after which a run starts no new trial.
        trial_timeout_s: Seconds after which a running trial is stopped and
            stored FAIL with ``fail_kind`` ``timeout``.
        n_jobs: Worker processes (-1: one per CPU).
        executor: Where trials run, by name with options, instead of
            ``n_jobs``: ``inline``, ``process`` (``options: {n_workers: 4}``),
            ``dask`` (``options: {address: "tcp://host:8786"}``, or in short
            ``{dask: "tcp://host:8786"}``) or an executor an installed plugin
            registers.
        checkpoint_dir: Where trials save checkpoints (default: beside a
            SQLite file); on a cluster, a path every worker reaches.
        max_retries: How often an interrupted or lost trial is re-queued with
            the same parameters.
        heartbeat_interval_s: How often running trials stamp their heartbeat
            in the storage (default 30).
        grace_period_s: After how long without a heartbeat another process
            fails a RUNNING trial (default: 4 heartbeat intervals). Trials of
            a process that died on the same machine are failed at once.
        catch: Exception class names (``ValueError``, ``mypkg.MyError``) that
            fail a trial but let the study go on.
        seed: Seed of the sampler (and so of every ``trial.seed``); the same
            as ``sampler.options.seed``, which may not be given as well.
    """

    model_config = _STRICT

    study_name: str | None = None
    storage: str | None = None
    direction: str | None = None
    directions: list[str] | None = Field(default=None, min_length=1)
    objective: str | None = None
    task: str | None = None
    task_options: dict[str, Any] = Field(default_factory=dict)
    space: dict[str, ParamConfig] = Field(default_factory=dict)
    sampler: PluginConfig = PluginConfig(name="auto")
    pruner: PluginConfig = PluginConfig(name="none")
    n_trials: int | None = Field(default=None, ge=1)
    timeout_s: float | None = Field(default=None, gt=0)
    trial_timeout_s: float | None = Field(default=None, gt=0)
    n_jobs: int = 1
    executor: PluginConfig | None = None
    checkpoint_dir: str | None = None
    max_retries: int = Field(default=0, ge=0)
    heartbeat_interval_s: float = Field(default=30.0, gt=0)
    grace_period_s: float | None = Field(default=None, gt=0)
    catch: list[str] = Field(default_factory=list)
    seed: int | None = Field(default=None, ge=0)

    # Where the config came from (file, raw data, line numbers), for error messages.
    _source: Any = PrivateAttr(default=None)

    @field_validator("study_name")
    @classmethod
    def _check_study_name(cls, value: str | None) -> str | None:
        if value is not None:
            check_study_name(value)
        return value

    @field_validator("direction")
    @classmethod
    def _check_direction(cls, value: str | None) -> str | None:
        return None if value is None else _direction_value(value)

    @field_validator("directions")
    @classmethod
    def _check_directions(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else [_direction_value(v) for v in value]

    @field_validator("objective")
    @classmethod
    def _check_objective(cls, value: str | None) -> str | None:
        if value is not None and not _OBJECTIVE_SPEC.match(value):
            raise ValueError("expected 'module:function', e.g. 'my_objectives:train'")
        return value

    @field_validator("sampler", "pruner", mode="before")
    @classmethod
    def _expand_name(cls, value: Any) -> Any:
        return _name_or_mapping(value)

    @field_validator("executor", mode="before")
    @classmethod
    def _expand_executor(cls, value: Any) -> Any:
        # ``{dask: ADDRESS}`` is short for ``{name: dask, options: {address: ADDRESS}}``.
        if isinstance(value, Mapping) and set(value) == {"dask"}:
            return {"name": "dask", "options": {"address": value["dask"]}}
        return _name_or_mapping(value)

    @field_validator("n_jobs")
    @classmethod
    def _check_n_jobs(cls, value: int) -> int:
        if value == 0 or value < -1:
            raise ValueError("expected a positive integer, or -1 for one worker per CPU")
        return value


def with_dask_scheduler(config: StudyConfig, address: str) -> StudyConfig:
    """``config`` running its trials on the Dask scheduler at ``address`` (``--dask``),
    whatever executor or ``n_jobs`` it names."""
    executor = PluginConfig(name="dask", options={"address": address})
    changed = config.model_copy(update={"executor": executor, "n_jobs": 1})
    changed._source = config._source
    return changed


def _direction_value(value: str) -> str:
    try:
        return parse_direction(value).value
    except ValueError:
        raise ValueError("expected 'minimize' or 'maximize'") from None
