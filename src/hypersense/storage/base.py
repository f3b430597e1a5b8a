"""The contract every storage backend keeps.

A storage holds studies and their trials; it is typed records in, typed records
out, and knows nothing of samplers, pruners or objectives.

Lifecycle of a trial, as the study drives it:

1. ``create_trial`` (state RUNNING, or WAITING for an enqueued trial) gives the
   trial its number: unique and gap-free within the study even with many
   processes writing at once. ``claim_waiting_trial`` turns the oldest WAITING
   trial into a RUNNING one atomically, so two workers never run the same one;
   ``start_trial`` does "claim, or else create", as every ask needs, and
   writes the starter's system attributes in the same step.
2. While it runs, ``set_trial_param``, ``set_trial_intermediate_value``,
   ``set_trial_attrs``, ``claim_unique_attr`` and ``record_heartbeat`` write to
   it. These writes, like ``finish_trial``, succeed only while the trial is
   RUNNING; otherwise they raise :class:`~hypersense.errors.StaleTrialError`
   and change nothing.
3. ``finish_trial`` moves it to COMPLETE, PRUNED or FAIL, once and for all.
4. Any process may call ``fail_stale_trials``: RUNNING trials whose heartbeat is
   older than a grace period are marked FAIL, and exactly one caller gets each
   of them back (to re-queue it if the study asks for retries).
   ``fail_running_trials`` does the same for trials whose process is known to
   be gone.

Times (``started_at``, ``heartbeat_at``, ``completed_at``) come from the
storage's own clock — the database server's for PostgreSQL — so that runners
on hosts whose clocks disagree never judge each other's heartbeats wrongly.

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

__all__ = ["STALE_REASON", "Storage", "StudyRecord", "StudySummary"]

#: The fail reason of a trial failed by :meth:`Storage.fail_stale_trials`.
STALE_REASON = "stale heartbeat: the worker stopped responding"


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
    def claim_waiting_trial(
        self, study_id: int, *, system_attrs: Mapping[str, Any] | None = None
    ) -> FrozenTrial | None:
        """Atomically turn the oldest WAITING trial into RUNNING, add
        ``system_attrs`` to it, and return it (None if no trial is waiting)."""

    def start_trial(
        self, study_id: int, *, system_attrs: Mapping[str, Any] | None = None
    ) -> FrozenTrial:
        """Claim the oldest WAITING trial, or else create a RUNNING one, with
        ``system_attrs`` (e.g. who runs it): the start of every trial of
        ``Study.ask``. Backends may do both in one transaction."""
        claimed = self.claim_waiting_trial(study_id, system_attrs=system_attrs)
        if claimed is not None:
            return claimed
        return self.create_trial(study_id, system_attrs=system_attrs)

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
    def claim_unique_attr(self, trial_id: int, key: str, value: Any) -> bool:
        """Set system attribute ``key`` = ``value`` on a RUNNING trial unless another
        trial of its study already holds that pair; atomic across processes.

        Returns whether this trial holds it now (True again when it already
        did). This is how a grid point is taken by exactly one trial.
        """

    @abstractmethod
    def record_heartbeat(self, trial_ids: Iterable[int]) -> None:
        """Stamp the heartbeat of RUNNING trials with the storage's clock; finished
        ones are skipped silently."""

    @abstractmethod
    def finish_trial(
        self,
        trial_id: int,
        state: TrialState,
        *,
        values: Sequence[float] | None = None,
        fail_reason: str | None = None,
        system_attrs: Mapping[str, Any] | None = None,
    ) -> float:
        """Move a RUNNING trial to a finished state, with last system attributes,
        in one write; StaleTrialError (and nothing written) if not RUNNING.

        Returns the completion time stored (the storage's clock). Repeating a
        finish that already landed with the same state and values is not an
        error: a retry after a lost connection must not fail.
        """

    @abstractmethod
    def fail_stale_trials(self, study_id: int, *, grace_s: float) -> list[FrozenTrial]:
        """Mark FAIL (with system attribute ``interrupted``) every RUNNING trial whose
        heartbeat is more than ``grace_s`` seconds old by the storage's clock.

        Returns the trials this call failed (never one another caller failed).
        """

    @abstractmethod
    def fail_running_trials(self, trial_ids: Iterable[int], *, reason: str) -> list[FrozenTrial]:
        """Mark FAIL (with system attribute ``interrupted``) those of ``trial_ids``
        that are still RUNNING, e.g. because their process is known to be gone.

        Returns the trials this call failed (never one another caller failed).
        """

    def add_trial(self, study_id: int, trial: FrozenTrial) -> FrozenTrial:
        """Store a finished ``trial`` (made elsewhere: by hand, copied, imported) with the
        study's next number, keeping its parameters, intermediate values, attributes
        and, where the backend can, its start and completion times.

        This default writes step by step; the built-in backends write it at once.
        """
        new = self.create_trial(
            study_id, system_attrs=trial.system_attrs, user_attrs=trial.user_attrs
        )
        for name, value in trial.params.items():
            self.set_trial_param(new.trial_id, name, trial.distributions[name], value)
        for step, value in trial.intermediate_values.items():
            self.set_trial_intermediate_value(new.trial_id, step, value)
        self.finish_trial(
            new.trial_id, trial.state, values=trial.values, fail_reason=trial.fail_reason
        )
        return self.get_trial(new.trial_id)

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
        numbers: Iterable[int] | None = None,
    ) -> list[FrozenTrial]:
        """Trials of a study with ``number >= min_number`` (and, if given, a number
        in ``numbers``), in number order.

        A trial whose stored record cannot be read (a corrupted value) is left
        out with a warning naming it, so one bad row never hides a study.
        """

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
