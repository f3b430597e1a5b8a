"""Hand-made trial records for pruner tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import hypersense as hs
from hypersense.history import StudyHistory

MIN = (hs.StudyDirection.MINIMIZE,)
MAX = (hs.StudyDirection.MAXIMIZE,)
MIN_MAX = (hs.StudyDirection.MINIMIZE, hs.StudyDirection.MAXIMIZE)


def curve_of(values: Sequence[float] | Mapping[int, float]) -> dict[int, float]:
    """Steps 0, 1, ... for a list; the mapping itself otherwise."""
    return dict(values) if isinstance(values, Mapping) else dict(enumerate(values))


def complete(
    number: int,
    curve: Sequence[float] | Mapping[int, float],
    *,
    value: float | None = None,
    tags: Mapping[str, str] | None = None,
    completed_at: float | None = None,
) -> hs.FrozenTrial:
    """A COMPLETE trial whose value is its last reported value unless given."""
    steps = curve_of(curve)
    final = steps[max(steps)] if value is None else value
    return hs.FrozenTrial(
        number=number,
        state=hs.TrialState.COMPLETE,
        values=(final,),
        intermediate_values=steps,
        system_attrs={"tags": dict(tags)} if tags else {},
        completed_at=completed_at,
    )


def running(
    number: int,
    curve: Sequence[float] | Mapping[int, float],
    *,
    tags: Mapping[str, str] | None = None,
    state: hs.TrialState = hs.TrialState.RUNNING,
    attrs: Mapping[str, object] | None = None,
) -> hs.FrozenTrial:
    """A trial (RUNNING unless told) with these intermediate values, no value,
    and these tags and other system attributes."""
    system = dict(attrs or {})
    if tags:
        system["tags"] = dict(tags)
    return hs.FrozenTrial(
        number=number, state=state, intermediate_values=curve_of(curve), system_attrs=system
    )


def history(
    trials: Sequence[hs.FrozenTrial], directions: Sequence[hs.StudyDirection] = MIN
) -> StudyHistory:
    """A fixed history over ``trials``."""
    return StudyHistory.from_trials(directions, trials)
