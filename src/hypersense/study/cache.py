"""An incremental cache of a study's trials.

Finished trials never change their state, values or parameters, so each is
read once. A refresh reads only the trials not yet seen and the unfinished
ones seen before (by number), so one trial left RUNNING does not make every
later refresh read everything after it again. A finished trial whose
attributes were changed afterwards (e.g. ``retried_by``) is refreshed by
:meth:`TrialCache.forget`.
"""

from __future__ import annotations

import threading

from hypersense.space.base import Distribution
from hypersense.storage.base import Storage
from hypersense.trial.frozen import FrozenTrial

__all__ = ["TrialCache"]


class TrialCache:
    """Every trial of one study, refreshed incrementally from its storage."""

    def __init__(self, storage: Storage, study_id: int) -> None:
        self._storage = storage
        self._study_id = study_id
        self._trials: dict[int, FrozenTrial] = {}  # number -> trial as last read
        self._unfinished: set[int] = set()
        self._next_number = 0  # every trial below it has been read (or was unreadable)
        self._first_distributions: dict[str, Distribution] = {}
        self._lock = threading.Lock()

    def load(self) -> list[FrozenTrial]:
        """All trials of the study, in number order, as stored now."""
        with self._lock:
            self._read()
            return [self._trials[n] for n in sorted(self._trials)]

    def refresh(self) -> list[FrozenTrial]:
        """Read what may have changed and return the trials that did: new ones and
        those whose record differs from the one read before, in number order."""
        with self._lock:
            return self._read()

    def _read(self) -> list[FrozenTrial]:
        fresh = self._storage.get_trials(self._study_id, min_number=self._next_number)
        if self._unfinished:
            fresh += self._storage.get_trials(self._study_id, numbers=self._unfinished)
        changed = [t for t in fresh if self._trials.get(t.number) != t]
        for trial in fresh:
            self._remember(trial)
        return sorted(changed, key=lambda t: t.number)

    def _remember(self, trial: FrozenTrial) -> None:
        number = trial.number
        self._trials[number] = trial
        if trial.state.is_finished:
            self._unfinished.discard(number)
        else:
            self._unfinished.add(number)
        self._next_number = max(self._next_number, number + 1)
        for name, distribution in trial.distributions.items():
            self._first_distributions.setdefault(name, distribution)

    def forget(self, number: int) -> None:
        """Read trial ``number`` again on the next load (its record changed)."""
        with self._lock:
            if number in self._trials:
                self._unfinished.add(number)

    def first_distribution(self, name: str) -> Distribution | None:
        """The distribution parameter ``name`` had in the earliest trial read that has it."""
        with self._lock:
            return self._first_distributions.get(name)
