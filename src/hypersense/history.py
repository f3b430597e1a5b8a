"""The read-only view of a study that samplers and pruners receive.

Plugins never see the study or its storage: only this narrow, typed history of
directions and trials. Trials are loaded lazily, on first access, so a sampler
that does not look at the past (random search) costs no database read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

from hypersense.direction import StudyDirection, to_minimization
from hypersense.trial.frozen import FrozenTrial
from hypersense.trial.state import TrialState

__all__ = ["StudyHistory"]


class StudyHistory:
    """Directions and trials of a study, as a snapshot taken when first read.

    Args:
        directions: One direction per objective.
        load: Returns every trial of the study in number order; called at most
            once, on first access.
    """

    def __init__(
        self,
        directions: Sequence[StudyDirection],
        load: Callable[[], Sequence[FrozenTrial]],
    ) -> None:
        self._directions = tuple(directions)
        self._load = load
        self._trials: tuple[FrozenTrial, ...] | None = None

    @classmethod
    def from_trials(
        cls, directions: Sequence[StudyDirection], trials: Iterable[FrozenTrial]
    ) -> StudyHistory:
        """A history over a fixed list of trials (tests, offline analysis)."""
        fixed = tuple(trials)
        return cls(directions, lambda: fixed)

    @property
    def directions(self) -> tuple[StudyDirection, ...]:
        """One direction per objective."""
        return self._directions

    @property
    def is_multi_objective(self) -> bool:
        """Whether the study has more than one objective."""
        return len(self._directions) > 1

    def trials(
        self,
        states: Iterable[TrialState] | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> tuple[FrozenTrial, ...]:
        """Trials in number order, optionally only some states and those whose
        tags include all of ``tags`` (e.g. ``{"bracket": "2"}``)."""
        if self._trials is None:
            self._trials = tuple(self._load())
        out: Iterable[FrozenTrial] = self._trials
        if states is not None:
            wanted = frozenset(states)
            out = (t for t in out if t.state in wanted)
        if tags:
            items = tuple(tags.items())
            out = (t for t in out if all(t.tags.get(k) == v for k, v in items))
        return tuple(out)

    def completed(self, tags: Mapping[str, str] | None = None) -> tuple[FrozenTrial, ...]:
        """COMPLETE trials with finite values."""
        return tuple(t for t in self.trials((TrialState.COMPLETE,), tags) if t.is_valid_value())

    def running(self) -> tuple[FrozenTrial, ...]:
        """RUNNING trials (pending results; useful to avoid proposing their points)."""
        return self.trials((TrialState.RUNNING,))

    def running_besides(self, number: int) -> tuple[FrozenTrial, ...]:
        """RUNNING trials other than trial ``number`` (the one being sampled):
        the pending work of the other workers."""
        return tuple(t for t in self.running() if t.number != number)

    def loss_matrix(self, trials: Sequence[FrozenTrial]) -> NDArray[np.float64]:
        """Values of ``trials`` in minimisation form; shape ``(len(trials), n_objectives)``."""
        if not trials:
            return np.zeros((0, len(self._directions)))
        v = np.array([t.values for t in trials], dtype=float)
        return to_minimization(v, self._directions)
