"""Turning a study's history into the arrays the Parzen estimators are fitted on.

This is the adapter half of TPE: it reads trials, never models them. For one
group of parameters (a :class:`SearchSpace`) it collects

* completed trials that drew every parameter of the group from the same
  distribution: their encoded points, losses and (optionally) constraint
  violations;
* pruned trials and *pending* trials (running in other workers; their
  ``proposed_params`` say where they will land): points that are always put
  in the bad set. For pending points this is the "constant liar" rule: a
  parallel worker's point is treated as a poor result until it is known, so
  two workers do not propose the same point.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hypersense.history import StudyHistory
from hypersense.space.base import Distribution
from hypersense.space.search_space import SearchSpace
from hypersense.trial.frozen import FrozenTrial
from hypersense.trial.state import TrialState

__all__ = ["GroupObservations", "collect_observations", "drew_from"]

#: Returns the total constraint violation of a finished trial (0 = feasible).
ViolationOf = Callable[[FrozenTrial], float]


@dataclass(frozen=True, eq=False)
class GroupObservations:
    """What the history says about one group of parameters.

    Attributes:
        completed_points: Shape ``(n, d)``, encoded points of completed trials.
        losses: Shape ``(n, k)``, their objective values in minimisation form.
        violations: Shape ``(n,)`` total constraint violations, or None when
            the study has no constraints.
        bad_points: Shape ``(p, d)``, points of pruned and pending trials.
    """

    completed_points: NDArray[np.float64]
    losses: NDArray[np.float64]
    violations: NDArray[np.float64] | None
    bad_points: NDArray[np.float64]


def drew_from(trial: FrozenTrial, space: SearchSpace) -> bool:
    """Whether a finished trial drew every parameter of ``space`` from the same distribution."""
    dists = trial.distributions
    for name, dist in space.items():
        got = dists.get(name)
        if got is not dist and got != dist:
            return False
    return True


def _pending_values(trial: FrozenTrial, space: SearchSpace) -> Mapping[str, Any] | None:
    """Where a running trial lands in ``space``, if it is known for every parameter."""
    values = trial.proposed_params
    dists = trial.distributions
    for name, dist in space.items():
        if name not in values:
            return None
        drawn_from: Distribution | None = dists.get(name)
        if drawn_from is not None and drawn_from != dist:
            return None
        if drawn_from is None and not dist.contains(values[name]):
            return None
    return values


def _encode(space: SearchSpace, params: Sequence[Mapping[str, Any]]) -> NDArray[np.float64]:
    """Encode configurations known to hold every name of ``space``; shape ``(n, d)``."""
    out = np.empty((len(params), len(space)))
    for j, (name, dist) in enumerate(space.items()):
        out[:, j] = [dist.to_unit(p[name]) for p in params]
    return out


def collect_observations(
    history: StudyHistory,
    space: SearchSpace,
    *,
    current_number: int,
    include_pending: bool,
    violation_of: ViolationOf | None,
) -> GroupObservations:
    """Collect the observations of the parameters of ``space`` from ``history``.

    Args:
        history: The study's history (as seen when the current trial started).
        space: The group of parameters to collect.
        current_number: The trial being proposed for; never its own observation.
        include_pending: Add running trials' proposed points as bad points.
        violation_of: Total constraint violation of a completed trial, or None.
    """
    completed = [t for t in history.completed() if drew_from(t, space)]
    pruned = [t.params for t in history.trials((TrialState.PRUNED,)) if drew_from(t, space)]
    pending: list[Mapping[str, Any]] = []
    if include_pending:
        for t in history.running():
            if t.number != current_number:
                values = _pending_values(t, space)
                if values is not None:
                    pending.append(values)
    violations = None
    if violation_of is not None:
        violations = np.array([violation_of(t) for t in completed], dtype=float)
    return GroupObservations(
        completed_points=_encode(space, [t.params for t in completed]),
        losses=history.loss_matrix(completed),
        violations=violations,
        bad_points=_encode(space, [*pruned, *pending]),
    )
