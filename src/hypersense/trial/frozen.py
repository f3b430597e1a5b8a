"""The read-only record of a trial, as stored and as every plugin sees it."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hypersense.space.base import Distribution
from hypersense.trial.frozen_mapping import FrozenMapping
from hypersense.trial.state import FailKind, TrialState

__all__ = ["FrozenTrial", "SystemAttr"]


class SystemAttr:
    """Keys of the system attributes hypersense itself stores on a trial."""

    ENVIRONMENT = "environment"  #: the environment manifest (dict)
    TAGS = "tags"  #: plugin tags, e.g. a Hyperband bracket (dict str -> str)
    BUDGET = "budget"  #: a budget assigned by a multi-fidelity pruner (float)
    SEED = "seed"  #: the trial's integer seed for the objective's own RNGs
    WORKER = "worker"  #: "host:pid" of the process that ran the trial
    FIXED_PARAMS = "fixed_params"  #: parameters given by enqueue_trial / a retry
    RETRY_OF = "retry_of"  #: number of the failed trial this one retries
    RETRIED_BY = "retried_by"  #: number of the trial that retries this one
    INTERRUPTED = "interrupted"  #: True when Ctrl-C or a stale heartbeat ended it
    GRID_ID = "grid_id"  #: index of the grid point a GridSampler assigned
    PROPOSAL = "proposal"  #: the sampler's joint proposal made when the trial started
    TRACEBACK = "traceback"  #: the formatted traceback of a failed objective
    RETRY_COUNT = "retry_count"  #: how many retries led to this trial
    OWNER = "owner"  #: the coordinator process running the trial (host, pid, ...)
    NOT_RUN = "not_run"  #: True when the trial ended before its objective was called
    FAIL_KIND = "fail_kind"  #: why a FAIL trial failed, a FailKind value ("timeout", ...)
    CHECKPOINT_DIR = "checkpoint_dir"  #: where the trial saved its checkpoints (if it did)
    RESUMED_FROM = "resumed_from"  #: the checkpoint a trial resumed from (trial, path)
    #: intermediate vectors of a study with several objectives: {"step": [values]}
    INTERMEDIATE_VECTORS = "intermediate_vectors"
    #: prefix of a side series of intermediate values, e.g. "series:fold0": {"step": value}
    SERIES_PREFIX = "series:"


_MAPPING_FIELDS = ("params", "distributions", "intermediate_values", "user_attrs", "system_attrs")
_EMPTY: FrozenMapping[Any, Any] = FrozenMapping()


def _frozen(m: Mapping[Any, Any] | None) -> FrozenMapping[Any, Any]:
    return m if isinstance(m, FrozenMapping) else FrozenMapping(m)


@dataclass(frozen=True, eq=True)
class FrozenTrial:
    """An immutable snapshot of one trial.

    Attributes:
        number: Position of the trial in its study, 0-based, unique, gap-free.
        trial_id: The storage's key of the trial (unique across studies).
        state: Where the trial is in its life.
        values: The objective values (one per direction) once COMPLETE; the last
            reported value for a PRUNED trial when there is one; else None.
        params: Parameter name to value, in suggestion order.
        distributions: Parameter name to the distribution it was drawn from.
        intermediate_values: Step to reported value (NaN allowed).
        user_attrs: Attributes the objective set with ``set_user_attr``.
        system_attrs: Attributes hypersense and its plugins set (see SystemAttr).
        started_at: Unix time the trial started running, or None if WAITING.
        completed_at: Unix time the trial finished, or None.
        heartbeat_at: Unix time of the last heartbeat of a RUNNING trial.
        fail_reason: Why a FAIL trial failed (exception text, "interrupted", ...).
    """

    number: int
    state: TrialState
    values: tuple[float, ...] | None = None
    params: Mapping[str, Any] = field(default_factory=FrozenMapping)
    distributions: Mapping[str, Distribution] = field(default_factory=FrozenMapping)
    intermediate_values: Mapping[int, float] = field(default_factory=FrozenMapping)
    user_attrs: Mapping[str, Any] = field(default_factory=FrozenMapping)
    system_attrs: Mapping[str, Any] = field(default_factory=FrozenMapping)
    started_at: float | None = None
    completed_at: float | None = None
    heartbeat_at: float | None = None
    fail_reason: str | None = None
    trial_id: int = -1

    def __post_init__(self) -> None:
        for name in _MAPPING_FIELDS:
            value = getattr(self, name)
            if type(value) is not FrozenMapping:
                object.__setattr__(self, name, FrozenMapping(value) if value else _EMPTY)
        values = self.values
        if values is not None and (
            type(values) is not tuple or any(type(v) is not float for v in values)
        ):
            object.__setattr__(self, "values", tuple(float(v) for v in values))

    def replace(self, **changes: Any) -> FrozenTrial:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)

    @property
    def value(self) -> float | None:
        """The single objective value; raises for multi-objective trials."""
        if self.values is None:
            return None
        if len(self.values) != 1:
            raise RuntimeError(
                f"trial {self.number} has {len(self.values)} values; use `values` instead"
            )
        return self.values[0]

    def objective_value(self, objective: int | None = None) -> float:
        """The trial's value, for code that needs a float rather than ``float | None``.

        Args:
            objective: Index of the objective of a multi-objective trial; None
                asks for the one value of a single-objective trial.

        Raises:
            ValueError: The trial has no values (it is not finished, failed, or
                was pruned before reporting), it has several values and no
                ``objective`` was given, or ``objective`` is out of range.
        """
        values = self.values
        if values is None:
            raise ValueError(
                f"trial {self.number} ({self.state.name}) has no objective value; "
                "only COMPLETE trials (and PRUNED ones that reported) have one"
            )
        if objective is None:
            if len(values) != 1:
                raise ValueError(
                    f"trial {self.number} has {len(values)} objective values; "
                    "pass `objective` to choose one"
                )
            return values[0]
        if not 0 <= objective < len(values):
            raise ValueError(
                f"`objective` must be in [0, {len(values)}) for trial {self.number} "
                f"(got {objective!r})"
            )
        return values[objective]

    @property
    def tags(self) -> Mapping[str, str]:
        """Plugin tags (e.g. a Hyperband bracket) samplers can filter on."""
        return _frozen(self.system_attrs.get(SystemAttr.TAGS, {}))

    @property
    def proposed_params(self) -> Mapping[str, Any]:
        """Parameters drawn so far, completed by the sampler's joint proposal made
        when the trial started. For a RUNNING trial this tells a sampler where a
        pending evaluation will land before its objective has asked for values."""
        proposal = self.system_attrs.get(SystemAttr.PROPOSAL) or {}
        return _frozen({**proposal, **self.params})

    @property
    def fail_kind(self) -> FailKind | None:
        """Why a FAIL trial failed (None for other states, and for FAIL trials told
        by hand without a kind)."""
        if self.state is not TrialState.FAIL:
            return None
        attrs = self.system_attrs
        kind = attrs.get(SystemAttr.FAIL_KIND)
        if kind is not None:
            try:
                return FailKind(kind)
            except ValueError:
                return None
        if attrs.get(SystemAttr.NOT_RUN):
            return FailKind.NOT_RUN
        if attrs.get(SystemAttr.INTERRUPTED):
            return FailKind.INTERRUPTED
        return None

    @property
    def budget(self) -> float | None:
        """The budget a multi-fidelity pruner assigned, if any."""
        b = self.system_attrs.get(SystemAttr.BUDGET)
        return None if b is None else float(b)

    @property
    def intermediate_vectors(self) -> Mapping[int, tuple[float, ...]]:
        """Step to the vector of values reported there, in a study with several
        objectives whose objective reported one value per objective
        (``trial.report((loss, latency), step)``); empty otherwise."""
        stored = self.system_attrs.get(SystemAttr.INTERMEDIATE_VECTORS) or {}
        return _frozen({int(k): tuple(float(x) for x in v) for k, v in stored.items()})

    def series(self, name: str) -> Mapping[int, float]:
        """Step to value of the side series ``name`` (e.g. ``"fold0"``: the epochs of
        cross-validation fold 0, see :func:`hypersense.integrations.cross_validate_trial`);
        empty when the trial has none."""
        stored = self.system_attrs.get(SystemAttr.SERIES_PREFIX + name) or {}
        return _frozen({int(k): float(v) for k, v in stored.items()})

    @property
    def duration_s(self) -> float | None:
        """Wall time from start to completion, in seconds."""
        if self.started_at is None or self.completed_at is None:
            return None
        return self.completed_at - self.started_at

    @property
    def duration(self) -> _dt.timedelta | None:
        """Wall time from start to completion (Optuna's name; see ``duration_s``)."""
        seconds = self.duration_s
        return None if seconds is None else _dt.timedelta(seconds=seconds)

    @property
    def datetime_start(self) -> _dt.datetime | None:
        """Start time as a timezone-aware datetime (UTC)."""
        return _to_datetime(self.started_at)

    @property
    def datetime_complete(self) -> _dt.datetime | None:
        """Completion time as a timezone-aware datetime (UTC)."""
        return _to_datetime(self.completed_at)

    @property
    def last_step(self) -> int | None:
        """The largest step reported so far, or None."""
        return max(self.intermediate_values) if self.intermediate_values else None

    def is_valid_value(self) -> bool:
        """Whether the trial is COMPLETE with finite values."""
        return (
            self.state is TrialState.COMPLETE
            and self.values is not None
            and all(math.isfinite(v) for v in self.values)
        )


def _to_datetime(t: float | None) -> _dt.datetime | None:
    return None if t is None else _dt.datetime.fromtimestamp(t, tz=_dt.timezone.utc)
