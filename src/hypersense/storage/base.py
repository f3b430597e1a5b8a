"""The contract every storage backend keeps.

A storage holds studies and their trials; it is typed records in, typed records
out, and knows nothing of samplers, pruners or objectives.

Lifecycle of a trial, as the study drives it:

1. ``create_trial`` (state RUNNING, or WAITING for an enqueued trial) gives the
   trial its number: unique and gap-free within the study even with many
   processes writing at once. ``claim_waiting_trial`` turns the oldest WAITING
   trial into a RUNNING one atomically, so two workers never run the same one;
   ``start_trial`` does "claim, or else create", as every ask needs.
2. While it runs, ``set_trial_param``, ``set_trial_intermediate_value``,
   ``set_trial_attrs`` and ``record_heartbeat`` write to it. These writes, like
   ``finish_trial``, succeed only while the trial is RUNNING; otherwise they
   raise :class:`~hypersense.errors.StaleTrialError` and change nothing.
3. ``finish_trial`` moves it to COMPLETE, PRUNED or FAIL, once and for all.
4. Any process may call ``fail_stale_trials``: RUNNING trials whose heartbeat is
   older than a grace period are marked FAIL, and exactly one caller gets each
   of them back (to re-queue it if the study asks for retries).

Every method is safe to call from several threads; the SQL backend is also safe
across processes and machines.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hypersense.direction import StudyDirection
from hypersense.space.base import Distribution
from hypersense.trial.frozen import FrozenTrial
from hypersense.trial.frozen_mapping import FrozenMapping
from hypersense.trial.state import TrialState

__all__ = ["Storage", "StudyRecord", "StudySummary"]


@dataclass(frozen=True)
class StudyRecord:
    """A study as stored: its key, name, directions and attributes."""

    study_id: int
    name: str
    directions: tuple[StudyDirection, ...]
    user_attrs: Mapping[str, Any] = field(default_factory=FrozenMapping)
    system_attrs: Mapping[str, Any] = field(default_factory=FrozenMapping)
    created_at: float | None = None

    def __post_init__(self) -> None:
        for name in ("user_attrs", "system_attrs"):
            value = getattr(self, name)
            if not isinstance(value, FrozenMapping):
                object.__setattr__(self, name, FrozenMapping(value))


@dataclass(frozen=True)
class StudySummary:
    """A study with its trial counts per state, for listings."""

    record: StudyRecord
    n_trials_by_state: Mapping[TrialState, int]

    @property
    def n_trials(self) -> int:
        """All trials of the study, in any state."""
        return sum(self.n_trials_by_state.values())


class Storage(ABC):
    """Where studies and trials live (in memory, a SQLite file, PostgreSQL)."""

    # ----------------------------------------------------------------- studies
    @abstractmethod
    def create_study(
        self,
        name: str,
        directions: Sequence[StudyDirection],
        *,
        user_attrs: Mapping[str, Any] | None = None,
        system_attrs: Mapping[str, Any] | None = None,
    ) -> StudyRecord:
        """Create a study; raises DuplicatedStudyError if ``name`` is taken."""

    @abstractmethod
    def get_study(self, name: str) -> StudyRecord:
        """The study called ``name``; raises StudyNotFoundError if there is none."""

    @abstractmethod
    def list_studies(self) -> list[StudySummary]:
        """Every study with its trial counts, oldest first."""

    @abstractmethod
    def delete_study(self, study_id: int) -> None:
        """Delete a study and all its trials; raises StudyNotFoundError if absent."""

    @abstractmethod
    def set_study_attr(self, study_id: int, key: str, value: Any, *, system: bool = False) -> None:
        """Set a JSON-serialisable user (or system) attribute of a study."""

    # ------------------------------------------------------------------ trials
    @abstractmethod
    def create_trial(
        self,
        study_id: int,
        *,
        state: TrialState = TrialState.RUNNING,
        system_attrs: Mapping[str, Any] | None = None,
        user_attrs: Mapping[str, Any] | None = None,
    ) -> FrozenTrial:
        """Append a RUNNING or WAITING trial with the next number and return it."""

    @abstractmethod
    def claim_waiting_trial(self, study_id: int) -> FrozenTrial | None:
        """Atomically turn the oldest WAITING trial into RUNNING and return it."""

    def start_trial(self, study_id: int) -> FrozenTrial:
        """Claim the oldest WAITING trial, or else create a RUNNING one: the start of
        every trial of ``Study.ask``. Backends may do both in one transaction."""
        claimed = self.claim_waiting_trial(study_id)
        return claimed if claimed is not None else self.create_trial(study_id)

    @abstractmethod
    def set_trial_param(
        self, trial_id: int, name: str, distribution: Distribution, value: Any
    ) -> None:
        """Record a parameter value of a RUNNING trial."""

    @abstractmethod
    def set_trial_intermediate_value(self, trial_id: int, step: int, value: float) -> None:
        """Record an intermediate value of a RUNNING trial (NaN allowed)."""

    @abstractmethod
    def set_trial_attrs(
        self,
        trial_id: int,
        attrs: Mapping[str, Any],
        *,
        system: bool = False,
        require_running: bool = True,
    ) -> None:
        """Set JSON-serialisable user (or system) attributes of a trial, in one write.

        With ``require_running`` (the default) the write is refused with
        StaleTrialError unless the trial is RUNNING.
        """

    @abstractmethod
    def record_heartbeat(self, trial_ids: Iterable[int], now: float) -> None:
        """Stamp the heartbeat of RUNNING trials; finished ones are skipped silently."""

    @abstractmethod
    def finish_trial(
        self,
        trial_id: int,
        state: TrialState,
        *,
        values: Sequence[float] | None = None,
        fail_reason: str | None = None,
        system_attrs: Mapping[str, Any] | None = None,
        now: float,
    ) -> None:
        """Move a RUNNING trial to a finished state, with last system attributes,
        in one write; StaleTrialError (and nothing written) if not RUNNING."""

    @abstractmethod
    def fail_stale_trials(self, study_id: int, *, cutoff: float, now: float) -> list[FrozenTrial]:
        """Mark FAIL (with system attribute ``interrupted``) every RUNNING trial whose
        heartbeat is older than ``cutoff``.

        Returns the trials this call failed (never one another caller failed).
        """

    @abstractmethod
    def get_trial(self, trial_id: int) -> FrozenTrial:
        """One trial by its storage key; raises KeyError if absent."""

    @abstractmethod
    def get_trials(
        self,
        study_id: int,
        *,
        states: Iterable[TrialState] | None = None,
        min_number: int = 0,
    ) -> list[FrozenTrial]:
        """Trials of a study with ``number >= min_number``, in number order."""

    def count_trials(self, study_id: int, *, states: Iterable[TrialState] | None = None) -> int:
        """How many trials the study has (in the given states)."""
        return len(self.get_trials(study_id, states=states))

    @property
    def is_shared(self) -> bool:
        """Whether other processes may use this storage at the same time (then
        running trials send heartbeats and stale ones are failed)."""
        return True

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections; the storage must not be used afterwards."""
