"""Finished trials made outside ``optimize``: written by hand, copied, or imported.

``create_trial`` builds a checked :class:`FrozenTrial` (Optuna's
``optuna.trial.create_trial``); ``add_trials`` stores such trials in a study
with new numbers, each in the storage's own ``add_trial`` (one transaction on
SQL storages), so a sampler learns from them like from trials it ran.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from hypersense.execution.outcome import check_objective_values
from hypersense.space.base import Distribution
from hypersense.storage.base import Storage
from hypersense.trial.frozen import FrozenTrial
from hypersense.trial.state import TrialState

__all__ = ["add_trials", "create_trial"]


def create_trial(
    *,
    state: TrialState = TrialState.COMPLETE,
    value: float | None = None,
    values: Sequence[float] | None = None,
    params: Mapping[str, Any] | None = None,
    distributions: Mapping[str, Distribution] | None = None,
    user_attrs: Mapping[str, Any] | None = None,
    system_attrs: Mapping[str, Any] | None = None,
    intermediate_values: Mapping[int, float] | None = None,
) -> FrozenTrial:
    """A finished trial to add to a study with :meth:`Study.add_trial`.

    Args:
        state: COMPLETE (needs values), PRUNED or FAIL.
        value: The single objective value (give ``value`` or ``values``).
        values: One value per objective.
        params: Parameter values; each must lie in its distribution.
        distributions: The distribution of every parameter.
        user_attrs: User attributes.
        system_attrs: System attributes.
        intermediate_values: Step to reported value.

    Raises:
        ValueError: Naming the field: both ``value`` and ``values``, a COMPLETE
            trial without finite values, a parameter without its distribution
            or outside it, a state that is not finished.
    """
    if value is not None and values is not None:
        raise ValueError("give either `value` or `values`, not both")
    raw = [value] if value is not None else (list(values) if values is not None else None)
    if not state.is_finished:
        raise ValueError(f"`state` must be COMPLETE, PRUNED or FAIL (got {state})")
    vals: tuple[float, ...] | None = None
    if raw is not None:
        vals, reason = check_objective_values(raw, len(raw)) if raw else (None, "no values")
        if vals is None and state is TrialState.COMPLETE:
            raise ValueError(f"`values` of a COMPLETE trial: {reason}")
        if vals is None:
            vals = tuple(float(v) for v in raw)
    elif state is TrialState.COMPLETE:
        raise ValueError("a COMPLETE trial needs `value` or `values`")
    params = dict(params or {})
    distributions = dict(distributions or {})
    for name, v in params.items():
        if name not in distributions:
            raise ValueError(f"`distributions` has no entry for parameter {name!r}")
        if not distributions[name].contains(v):
            raise ValueError(f"parameter {name!r}: {v!r} is not in {distributions[name]!r}")
    for step, v in (intermediate_values or {}).items():
        if not isinstance(step, int) or step < 0 or not isinstance(v, (int, float)):
            raise ValueError(f"`intermediate_values` must map steps >= 0 to numbers ({step!r})")
    return FrozenTrial(
        number=-1,
        state=state,
        values=vals,
        params=params,
        distributions={n: distributions[n] for n in params},
        intermediate_values={int(s): float(v) for s, v in (intermediate_values or {}).items()},
        user_attrs=dict(user_attrs or {}),
        system_attrs=dict(system_attrs or {}),
    )


def add_trials(
    storage: Storage, study_id: int, trials: Iterable[FrozenTrial], n_objectives: int
) -> list[FrozenTrial]:
    """Store finished ``trials`` in a study, in order, with new numbers.

    Every trial is checked before the first is written, so a bad one in the
    middle leaves the study as it was.
    """
    listed = list(trials)
    for i, trial in enumerate(listed):
        if not isinstance(trial, FrozenTrial):
            raise TypeError(f"trial {i} is a {type(trial).__name__}, not a FrozenTrial")
        if not trial.state.is_finished:
            raise ValueError(f"trial {i} is {trial.state.name}; only finished trials are added")
        if trial.values is not None and len(trial.values) != n_objectives:
            raise ValueError(
                f"trial {i} has {len(trial.values)} value(s); the study has "
                f"{n_objectives} objective(s)"
            )
        if trial.state is TrialState.COMPLETE and (
            trial.values is None or not all(math.isfinite(v) for v in trial.values)
        ):
            raise ValueError(f"trial {i} is COMPLETE without finite values")
    return [storage.add_trial(study_id, trial) for trial in listed]
