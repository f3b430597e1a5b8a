"""How a designed experiment runs new trials through a study.

Lifecycle, as every experiment (Morris screening, one-at-a-time sweeps, seed
repeats, re-evaluation of the best) drives it:

1. The experiment builds its design: a list of :class:`DesignPoint`, each a
   full configuration to run plus its coordinates in the design (which
   parameter is swept, which level, which repeat) and a stable ``key``.
2. :func:`run_design` opens the *companion study* ``"<study>:<experiment>"``
   in the searched study's storage (created on first use, loaded after),
   links it both ways with study system attributes, enqueues every design
   point that has no COMPLETE trial there yet, and runs the waiting trials
   with ``Study.optimize(objective, n_jobs=...)``. Design trials are thus
   stored, run in worker processes and may be pruned like any trial, while
   the searched study's history stays clean for its sampler.
3. It returns a :class:`DesignOutcome`: the value, seed and trial of each
   design point, in design order (NaN for a point that failed or was pruned).

Resuming: a point is matched to stored trials by its ``key`` (user attribute
``design_key``), so running the same design again (after a crash, Ctrl-C or
with more repeats) only runs what is missing: points without a trial, and
points whose trials all failed. Pruned points stay pruned. Points left WAITING
by an interrupted run are run, not enqueued twice. One process should drive a
given experiment at a time.

Seeds: repeats of a configuration differ only by ``trial.seed``, which the
companion study's sampler derives from its seed and the trial number. That
seed is derived from the experiment's ``seed`` and name, so each experiment
gets its own stream of trial seeds, fresh with respect to the search.
"""

from __future__ import annotations

import json
import logging
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hypersense.analysis.experiments.options import RunOptions
from hypersense.execution.outcome import Objective
from hypersense.pruners.base import Pruner
from hypersense.samplers.random import RandomSampler
from hypersense.study.management import create_study
from hypersense.study.study import Study
from hypersense.trial.frozen import FrozenTrial, SystemAttr
from hypersense.trial.state import TrialState

__all__ = [
    "COMPANION_ATTR_PREFIX",
    "DESIGN_KEY_ATTR",
    "DesignOutcome",
    "DesignPoint",
    "companion_study_name",
    "config_key",
    "open_companion_study",
    "run_design",
]

_log = logging.getLogger(__name__)

#: User attribute of a design trial that names its design point.
DESIGN_KEY_ATTR = "design_key"
#: Prefix of the searched study's system attributes naming its companions
#: (``"companion:noise"`` -> ``"<study>:noise"``).
COMPANION_ATTR_PREFIX = "companion:"
#: System attributes of a companion study naming its parent and experiment.
PARENT_ATTR = "parent_study"
EXPERIMENT_ATTR = "experiment"


@dataclass(frozen=True)
class DesignPoint:
    """One run of a design: a full configuration and where it sits in the design.

    Attributes:
        key: Identity of the point across runs of the design (resuming matches
            stored trials by it); two points with one key share one trial.
        params: Every parameter value to enqueue (the objective may leave some
            unused, e.g. an inactive conditional branch).
        coordinates: JSON-ready design coordinates, stored on the trial as
            user attributes ``design_<name>`` (e.g. ``design_parameter``).
    """

    key: str
    params: Mapping[str, Any]
    coordinates: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DesignOutcome:
    """What running a design gave, point by point in design order.

    Attributes:
        companion_study_name: The study holding the design's trials.
        values: Shape ``(n_points,)``; NaN where the point's trial failed or
            was pruned.
        seeds: The ``trial.seed`` each point ran with (None if it never ran).
        trial_numbers: The point's trial number in the companion study (None
            if it never ran).
        n_new_trials: Trials run by this call (the rest were stored already).
    """

    companion_study_name: str
    values: NDArray[np.float64]
    seeds: tuple[int | None, ...]
    trial_numbers: tuple[int | None, ...]
    n_new_trials: int


def config_key(params: Mapping[str, Any], *suffix: object) -> str:
    """A stable key of a configuration (and e.g. a repeat index) for :class:`DesignPoint`."""
    body = json.dumps(dict(params), sort_keys=True, separators=(",", ":"), default=repr)
    return body + "".join(f"#{s}" for s in suffix)


def companion_study_name(study: Study, experiment: str) -> str:
    """The name of ``study``'s companion for ``experiment``: ``"<study>:<experiment>"``."""
    return f"{study.study_name}:{experiment}"


def _companion_seed(seed: int | None, experiment: str) -> int | None:
    """The companion sampler's seed: a mix of ``seed`` and the experiment's name, so
    two experiments (and the search itself, seeded with ``seed``) draw different
    trial seeds."""
    if seed is None:
        return None
    mixed = np.random.SeedSequence([seed, zlib.crc32(experiment.encode("utf-8"))])
    return int(mixed.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


def open_companion_study(
    study: Study, experiment: str, *, seed: int | None, pruner: Pruner | None
) -> Study:
    """Create (or load) the companion study of ``experiment`` and link it to ``study``.

    It lives in ``study``'s storage, has its direction and retry policy, and a
    random sampler that only serves ``trial.seed`` (designs fix every value).
    """
    name = companion_study_name(study, experiment)
    policy = study.retry_policy
    companion = create_study(
        name,
        study.storage,
        direction=study.direction,
        sampler=RandomSampler(seed=_companion_seed(seed, experiment)),
        pruner=pruner,
        load_if_exists=True,
        heartbeat_interval_s=policy.heartbeat_interval_s,
        grace_period_s=policy.grace_period_s,
        max_retries=policy.max_retries,
    )
    link = COMPANION_ATTR_PREFIX + experiment
    if study.system_attrs.get(link) != name:
        study.set_system_attr(link, name)
    if companion.system_attrs.get(PARENT_ATTR) != study.study_name:
        companion.set_system_attr(PARENT_ATTR, study.study_name)
        companion.set_system_attr(EXPERIMENT_ATTR, experiment)
    return companion


def _trials_by_key(trials: Sequence[FrozenTrial]) -> dict[str, list[FrozenTrial]]:
    out: dict[str, list[FrozenTrial]] = {}
    for t in trials:
        key = t.user_attrs.get(DESIGN_KEY_ATTR)
        if isinstance(key, str):
            out.setdefault(key, []).append(t)
    return out


def _enqueue_missing(companion: Study, points: Sequence[DesignPoint]) -> int:
    """Enqueue the points with no COMPLETE, PRUNED or WAITING trial; returns how many.

    A pruned point stays pruned (the pruner's decision is final); a failed or
    interrupted one is tried again.
    """
    by_key = _trials_by_key(companion.trials)
    done = {TrialState.COMPLETE, TrialState.PRUNED, TrialState.WAITING}
    n = 0
    for point in {p.key: p for p in points}.values():
        if any(t.state in done for t in by_key.get(point.key, ())):
            continue
        attrs = {f"design_{k}": v for k, v in point.coordinates.items()}
        attrs[DESIGN_KEY_ATTR] = point.key
        companion.enqueue_trial(point.params, user_attrs=attrs)
        n += 1
    return n


def _pick(trials: Sequence[FrozenTrial]) -> FrozenTrial | None:
    """The trial that stands for a point: its latest valid one, else its latest."""
    valid = [t for t in trials if t.is_valid_value()]
    if valid:
        return valid[-1]
    finished = [t for t in trials if t.state.is_finished]
    return finished[-1] if finished else None


def _outcome(
    name: str, points: Sequence[DesignPoint], trials: Sequence[FrozenTrial], n_new: int
) -> DesignOutcome:
    by_key = _trials_by_key(trials)
    values = np.full(len(points), np.nan)
    seeds: list[int | None] = []
    numbers: list[int | None] = []
    for i, point in enumerate(points):
        trial = _pick(by_key.get(point.key, ()))
        seed = None if trial is None else trial.system_attrs.get(SystemAttr.SEED)
        seeds.append(None if seed is None else int(seed))
        numbers.append(None if trial is None else trial.number)
        if trial is not None and trial.is_valid_value():
            values[i] = trial.objective_value()
    return DesignOutcome(name, values, tuple(seeds), tuple(numbers), n_new)


def _warn_on_reused_seeds(study: Study, outcome: DesignOutcome) -> None:
    searched = {t.system_attrs.get(SystemAttr.SEED) for t in study.trials}
    reused = sum(1 for s in outcome.seeds if s is not None and s in searched)
    if reused:
        _log.warning(
            "%d design trials of %r ran with a seed a trial of %r already used; their "
            "values are not independent of the search",
            reused,
            outcome.companion_study_name,
            study.study_name,
        )


def run_design(
    study: Study,
    objective: Objective,
    points: Sequence[DesignPoint],
    *,
    experiment: str,
    options: RunOptions,
) -> DesignOutcome:
    """Run the design ``points`` of ``experiment`` in ``study``'s companion study.

    Args:
        study: The searched study (only read, and linked to its companion).
        objective: The objective of the search, ``objective(trial) -> float``.
        points: The design; points sharing a key share one trial.
        experiment: Short name of the experiment (``"morris"``, ``"noise"``...).
        options: Workers, seed, pruner and caught exceptions of the trials.
    """
    companion = open_companion_study(study, experiment, seed=options.seed, pruner=options.pruner)
    try:
        n_enqueued = _enqueue_missing(companion, points)
        n_waiting = len(companion.get_trials((TrialState.WAITING,)))
        _log.info(
            "%s: %d design points, %d new, %d trials to run in %r",
            experiment,
            len(points),
            n_enqueued,
            n_waiting,
            companion.study_name,
        )
        if n_waiting:
            companion.optimize(
                objective, n_trials=n_waiting, n_jobs=options.n_jobs, catch=options.catch
            )
        outcome = _outcome(companion.study_name, points, companion.trials, n_waiting)
    finally:
        companion.close()
    _warn_on_reused_seeds(study, outcome)
    n_missing = int(np.count_nonzero(~np.isfinite(outcome.values)))
    if n_missing:
        _log.warning(
            "%s: %d of %d design points gave no value (failed or pruned)",
            experiment,
            n_missing,
            len(points),
        )
    return outcome
