"""Generations of a genetic sampler, defined from the history alone.

Each trial a genetic sampler starts carries its generation number in a
system attribute written at ask time. A new trial joins the highest generation
that some finished trial belongs to until that generation has
``population_size`` COMPLETE members; then it opens the next one. Parallel
workers and resumed studies in other processes therefore agree on the
generation, with no state outside the storage. Trials started while a
generation was still filling (parallel runs) stay in it: a generation may end
up with more than ``population_size`` members, and all of them compete.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from hypersense.trial.frozen import FrozenTrial
from hypersense.trial.state import TrialState

__all__ = [
    "complete_generation",
    "completed_by_generation",
    "generation_after",
    "generation_of",
    "group_by_generation",
    "next_generation",
]


def generation_of(trial: FrozenTrial, key: str) -> int | None:
    """The generation tag ``key`` of ``trial``, or None when it has none."""
    value = trial.system_attrs.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def completed_by_generation(
    trials: Sequence[FrozenTrial], key: str
) -> dict[int, list[FrozenTrial]]:
    """COMPLETE trials grouped by their generation tag, each group in number order."""
    return group_by_generation((t, complete_generation(t, key)) for t in trials)


def complete_generation(trial: FrozenTrial, key: str) -> int | None:
    """The generation of a COMPLETE trial with valid values, else None."""
    if trial.state is not TrialState.COMPLETE or not trial.is_valid_value():
        return None
    return generation_of(trial, key)


def group_by_generation(
    pairs: Iterable[tuple[FrozenTrial, int | None]],
) -> dict[int, list[FrozenTrial]]:
    """Trials grouped by a generation computed beforehand (None: left out), each
    group in number order."""
    groups: dict[int, list[FrozenTrial]] = {}
    for trial, generation in pairs:
        if generation is not None:
            groups.setdefault(generation, []).append(trial)
    for members in groups.values():
        members.sort(key=lambda t: t.number)
    return groups


def generation_after(groups: Mapping[int, Sequence[FrozenTrial]], population_size: int) -> int:
    """The generation a trial starting now joins, given the COMPLETE members of
    each generation so far (see :func:`next_generation`)."""
    if not groups:
        return 0
    newest = max(groups)
    return newest + 1 if len(groups[newest]) >= population_size else newest


def next_generation(trials: Sequence[FrozenTrial], key: str, population_size: int) -> int:
    """The generation a trial starting now belongs to.

    Args:
        trials: The trials the sampler considers (any state).
        key: The system attribute holding the generation.
        population_size: Members a generation needs before the next one opens.
    """
    return generation_after(completed_by_generation(trials, key), population_size)
