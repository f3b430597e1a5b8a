"""An incremental cache of a study's trials.

Finished trials never change, so only trials from the oldest unfinished one
onwards are read again; a long study's history costs one small query per ask,
not a full reload.
"""

from __future__ import annotations

import threading

from hypersense.storage.base import Storage
from hypersense.trial.frozen import FrozenTrial

__all__ = ["TrialCache"]


class TrialCache:
    """Every trial of one study, refreshed incrementally from its storage."""

    def __init__(self, storage: Storage, study_id: int) -> None:
        self._storage = storage
        self._study_id = study_id
        self._prefix: list[FrozenTrial] = []  # finished trials 0 .. watermark-1
        self._lock = threading.Lock()

    def load(self) -> list[FrozenTrial]:
        """All trials of the study, in number order, as stored now."""
        with self._lock:
            watermark = len(self._prefix)
            fresh = self._storage.get_trials(self._study_id, min_number=watermark)
            for trial in fresh:
                if trial.number == len(self._prefix) and trial.state.is_finished:
                    self._prefix.append(trial)
                elif trial.number >= len(self._prefix):
                    break
            cut = len(self._prefix) - watermark
            return self._prefix + fresh[cut:]
