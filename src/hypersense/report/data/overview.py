"""The study's configuration, environment manifest and best trial, as tables."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hypersense.report.data.snapshot import COMPANION_PREFIX, StudySnapshot, as_snapshot
from hypersense.trial.frozen import FrozenTrial, SystemAttr

if TYPE_CHECKING:
    from hypersense.study.study import Study

__all__ = ["BestTrialData", "EnvironmentData", "OverviewData", "build_overview_data", "describe"]

#: Lists longer than this are described by their length and ends, not listed.
_MAX_LIST = 8


def describe(value: Any) -> str:
    """A short, readable text of an attribute value (long lists summarised)."""
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (list, tuple)) and len(value) > _MAX_LIST:
        return f"{len(value)} values: {describe(value[0])} … {describe(value[-1])}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(describe(v) for v in value) + "]"
    if isinstance(value, Mapping):
        text = json.dumps(value, default=str, sort_keys=True)
        return text if len(text) <= 200 else text[:197] + "..."
    return str(value)


@dataclass(frozen=True)
class BestTrialData:
    """A best trial: number, values, parameters and user attributes as text."""

    number: int
    values: tuple[float, ...]
    params: tuple[tuple[str, str], ...]
    user_attrs: tuple[tuple[str, str], ...]
    duration_s: float | None


@dataclass(frozen=True)
class EnvironmentData:
    """One distinct environment manifest and the trials that ran in it.

    Attributes:
        manifest: Flattened ``(key, text)`` rows (packages as ``packages.numpy``).
        n_trials: Trials that recorded it.
        workers: Their workers, by first appearance.
    """

    manifest: tuple[tuple[str, str], ...]
    n_trials: int
    workers: tuple[str, ...]


@dataclass(frozen=True)
class OverviewData:
    """What the study is, where it ran, and what it found.

    Attributes:
        study_name: The study.
        directions: ``"minimize"``/``"maximize"`` per objective.
        objective_names: A label per objective.
        n_trials: All trials.
        created_at: Unix time of creation, when known.
        storage: The storage's description.
        space: ``(parameter, distribution as text)`` rows.
        study_attrs: ``(key, text)`` rows of the study's user attributes.
        companions: ``(experiment, companion study name)`` rows.
        environments: Distinct manifests, most trials first.
        best: The best trial, or the Pareto front (several objectives).
    """

    study_name: str
    directions: tuple[str, ...]
    objective_names: tuple[str, ...]
    n_trials: int
    created_at: float | None
    storage: str
    space: tuple[tuple[str, str], ...]
    study_attrs: tuple[tuple[str, str], ...]
    companions: tuple[tuple[str, str], ...]
    environments: tuple[EnvironmentData, ...]
    best: tuple[BestTrialData, ...]


def _flatten(manifest: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    rows = []
    for key, value in manifest.items():
        if isinstance(value, Mapping):
            rows += _flatten(value, f"{prefix}{key}.")
        else:
            rows.append((f"{prefix}{key}", describe(value)))
    return rows


def _environments(trials: tuple[FrozenTrial, ...]) -> tuple[EnvironmentData, ...]:
    found: dict[str, tuple[Mapping[str, Any], list[FrozenTrial]]] = {}
    for t in trials:
        manifest = t.system_attrs.get(SystemAttr.ENVIRONMENT)
        if isinstance(manifest, Mapping):
            key = json.dumps(manifest, sort_keys=True, default=str)
            found.setdefault(key, (manifest, []))[1].append(t)
    out = [
        EnvironmentData(
            tuple(_flatten(m)),
            len(ts),
            tuple(dict.fromkeys(str(t.system_attrs.get(SystemAttr.WORKER, "?")) for t in ts)),
        )
        for m, ts in found.values()
    ]
    return tuple(sorted(out, key=lambda e: -e.n_trials))


def _best(trial: FrozenTrial) -> BestTrialData:
    return BestTrialData(
        number=trial.number,
        values=trial.values or (),
        params=tuple((k, describe(v)) for k, v in trial.params.items()),
        user_attrs=tuple((k, describe(v)) for k, v in trial.user_attrs.items()),
        duration_s=trial.duration_s,
    )


def _front(snap: StudySnapshot) -> tuple[FrozenTrial, ...]:
    best = snap.best_trial()
    if best is not None:
        return (best,)
    if not snap.is_multi_objective:
        return ()
    from hypersense.report.data.pareto import build_pareto_data

    pareto = build_pareto_data(snap)
    if pareto is None:
        return ()
    by_number = {t.number: t for t in snap.trials}
    return tuple(by_number[n] for n in pareto.front())


def build_overview_data(study: Study | StudySnapshot) -> OverviewData:
    """The overview tables (always available, even for an empty study)."""
    snap = as_snapshot(study)
    companions = tuple(
        (k[len(COMPANION_PREFIX) :], str(v))
        for k, v in snap.system_attrs.items()
        if k.startswith(COMPANION_PREFIX)
    )
    return OverviewData(
        study_name=snap.study_name,
        directions=tuple(d.value for d in snap.directions),
        objective_names=snap.objective_names(),
        n_trials=len(snap.trials),
        created_at=snap.created_at,
        storage=snap.storage,
        space=tuple((n, repr(d)) for n, d in snap.search_space().items()),
        study_attrs=tuple((k, describe(v)) for k, v in snap.user_attrs.items()),
        companions=companions,
        environments=_environments(snap.trials),
        best=tuple(_best(t) for t in _front(snap)),
    )
