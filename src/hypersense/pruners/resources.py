"""Minimum and maximum resources given as "auto", learnt from the history.

"auto" must mean the same thing to every process sharing a study and must not
move once known, so it is read from one trial that cannot change: the first
COMPLETE trial with intermediate values (earliest completion time, then lowest
number). Its length, ``last step + 1``, is the maximum resource. A trial that
completes later has a later completion time, so the choice is stable once a
process has seen it.
"""

from __future__ import annotations

import math

from hypersense.history import StudyHistory
from hypersense.pruners.options import Resource
from hypersense.trial.state import TrialState

__all__ = ["first_completed_length", "resolve_max_resource", "resolve_min_resource"]


def first_completed_length(history: StudyHistory) -> int | None:
    """``last step + 1`` of the study's first COMPLETE trial with intermediate
    values (earliest ``completed_at``, then lowest number), or None."""
    done = [
        t
        for t in history.trials((TrialState.COMPLETE,))
        if t.intermediate_values and t.last_step is not None
    ]
    if not done:
        return None
    first = min(
        done,
        key=lambda t: (math.inf if t.completed_at is None else t.completed_at, t.number),
    )
    assert first.last_step is not None  # filtered above
    return first.last_step + 1


def resolve_max_resource(setting: Resource, history: StudyHistory) -> int | None:
    """The maximum resource: ``setting`` itself, or for "auto" the length of the
    first completed trial (None while no trial has completed)."""
    if setting == "auto":
        return first_completed_length(history)
    return int(setting)


def resolve_min_resource(setting: Resource, max_resource: int | None) -> int | None:
    """The minimum resource: ``setting`` itself, or for "auto" a hundredth of the
    maximum resource, at least 1 (None while the maximum is unknown)."""
    if setting != "auto":
        return int(setting)
    if max_resource is None:
        return None
    return max(1, max_resource // 100)
