"""The searched study as a designed experiment sees it.

An experiment needs three things from the study it follows: its finished
configurations ranked best first, the search space (read from the trials'
own distributions, since a define-by-run study declares no space up front),
and the reference configuration that designs are built around (the best
trial's parameters unless the user gives one). Parameters a design does not
move are fixed from the reference; parameters inactive at the reference (the
other branch of a conditional space) are fixed from the best trial in which
they were active, so switching a branch still runs a known configuration.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from hypersense.direction import to_minimization
from hypersense.space.base import Distribution
from hypersense.space.search_space import SearchSpace
from hypersense.study.study import Study
from hypersense.trial.frozen import FrozenTrial

__all__ = [
    "distinct_configurations",
    "fill_values",
    "ranked_trials",
    "resolve_reference",
    "searched_space",
    "stratified_ranks",
]


def ranked_trials(study: Study) -> list[FrozenTrial]:
    """COMPLETE trials with finite values, best first (earlier trial on ties).

    Raises:
        ValueError: If the study has several objectives or no such trial.
    """
    if study.is_multi_objective:
        raise ValueError(
            f"designed experiments need a single-objective study; study "
            f"{study.study_name!r} has {len(study.directions)} directions"
        )
    completed = [t for t in study.trials if t.is_valid_value()]
    if not completed:
        raise ValueError(f"study {study.study_name!r} has no COMPLETE trial to start from")
    values = np.array([t.objective_value() for t in completed], dtype=np.float64)
    losses = to_minimization(values, study.directions)
    order = np.argsort(losses, kind="stable")
    return [completed[int(i)] for i in order]


def distinct_configurations(ranked: Sequence[FrozenTrial]) -> list[FrozenTrial]:
    """The first (best-ranked) trial of each distinct parameter configuration."""
    seen: set[str] = set()
    out = []
    for trial in ranked:
        key = json.dumps(dict(trial.params), sort_keys=True, default=repr)
        if key not in seen:
            seen.add(key)
            out.append(trial)
    return out


def searched_space(ranked: Sequence[FrozenTrial]) -> SearchSpace:
    """Every parameter the trials drew, with its distribution.

    Parameters appear in the order the best trial suggested them, then in
    order of first appearance among the others. When a parameter was drawn
    from different distributions in different trials, the best-ranked trial's
    one wins: that is where the designs will move it.

    Args:
        ranked: Trials, best first (as :func:`ranked_trials` returns them).
    """
    out: dict[str, Distribution] = {}
    for trial in ranked:
        for name, dist in trial.distributions.items():
            out.setdefault(name, dist)
    return SearchSpace(out)


def fill_values(space: SearchSpace, ranked: Sequence[FrozenTrial]) -> dict[str, Any]:
    """For each parameter of ``space``, its value in the best trial that drew it
    from that distribution (the fixed value when a design does not move it)."""
    out: dict[str, Any] = {}
    for trial in ranked:
        for name, value in trial.params.items():
            if name in space and name not in out and trial.distributions.get(name) == space[name]:
                out[name] = value
    return out


def resolve_reference(
    space: SearchSpace, ranked: Sequence[FrozenTrial], reference: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The configuration designs are built around: ``reference`` (checked against
    ``space``) or, when None, the parameters of the best trial.

    Raises:
        ValueError: If ``reference`` names an unknown parameter or holds a value
            outside its distribution.
    """
    if reference is None:
        best = ranked[0]
        return {name: best.params[name] for name in best.params if name in space}
    if not isinstance(reference, Mapping):
        raise TypeError(
            f"`reference` must be a mapping of parameter values or None "
            f"(got {type(reference).__name__})"
        )
    out: dict[str, Any] = {}
    for name, value in reference.items():
        if name not in space:
            raise ValueError(
                f"`reference` names parameter {name!r}, which the study never drew "
                f"(known: {list(space.names)})"
            )
        if not space[name].contains(value):
            raise ValueError(
                f"`reference` value {value!r} of parameter {name!r} is not in {space[name]!r}"
            )
        out[name] = value
    return out


def stratified_ranks(n_ranked: int, n_others: int) -> list[int]:
    """Rank 0 (the best) and the ranks at the midpoints of ``n_others``
    equal-probability strata of ranks ``1 .. n_ranked - 1`` (duplicates dropped).

    Example: 101 ranked configurations and 4 others give ranks 0, 13, 38, 63, 88.
    """
    m = n_ranked - 1
    others = [1 + math.floor((j + 0.5) * m / n_others) for j in range(n_others)] if m else []
    return list(dict.fromkeys([0, *others]))
