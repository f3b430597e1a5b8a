"""Reading the trials of a designed experiment's companion study.

The experiments of :mod:`hypersense.analysis.experiments` store each design
point's coordinates on its trials as user attributes ``design_<name>`` and its
identity as ``design_key``; a point retried after a failure has several trials.
These helpers give one value per point (its latest valid trial, as the
experiments themselves pick) and group points by a coordinate, so the report
can summarise an experiment from its stored trials alone.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Hashable, Mapping
from typing import Any

from hypersense.report.data.snapshot import StudySnapshot
from hypersense.trial.frozen import FrozenTrial

__all__ = ["DESIGN_KEY", "design_points", "group_values", "params_key", "trial_by_params"]

#: User attribute naming a trial's design point (as the experiments write it).
DESIGN_KEY = "design_key"


def design_points(companion: StudySnapshot) -> list[tuple[Mapping[str, Any], float]]:
    """``(user attributes, value)`` of each design point, in order of first trial;
    the value is NaN when no trial of the point gave a finite one."""
    by_key: dict[str, list[FrozenTrial]] = {}
    for t in companion.trials:
        key = t.user_attrs.get(DESIGN_KEY)
        if isinstance(key, str):
            by_key.setdefault(key, []).append(t)
    points = []
    for trials in by_key.values():
        valid = [t for t in trials if t.is_valid_value()]
        chosen = valid[-1] if valid else trials[-1]
        value = chosen.objective_value() if valid else math.nan
        points.append((chosen.user_attrs, value))
    return points


def group_values(
    points: list[tuple[Mapping[str, Any], float]],
    group_of: Callable[[Mapping[str, Any]], Hashable | None],
) -> dict[Hashable, list[float]]:
    """Values of ``points`` grouped by ``group_of(attrs)`` (None leaves a point out),
    groups in order of first appearance."""
    groups: dict[Hashable, list[float]] = {}
    for attrs, value in points:
        group = group_of(attrs)
        if group is not None:
            groups.setdefault(group, []).append(value)
    return groups


def params_key(params: Mapping[str, Any]) -> str:
    """A key equal for equal configurations."""
    return json.dumps(dict(params), sort_keys=True, default=repr)


def trial_by_params(parent: StudySnapshot) -> dict[str, FrozenTrial]:
    """The parent's best COMPLETE trial of each configuration, by :func:`params_key`."""
    done = list(parent.completed())
    out: dict[str, FrozenTrial] = {}
    if not done or parent.is_multi_objective:
        return out
    losses = parent.losses(done)
    for i in sorted(range(len(done)), key=lambda j: (losses[j], done[j].number)):
        out.setdefault(params_key(done[i].params), done[i])
    return out
