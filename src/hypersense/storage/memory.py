"""A storage that lives in the memory of one process."""

from __future__ import annotations

import dataclasses
import itertools
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hypersense.direction import StudyDirection
from hypersense.errors import DuplicatedStudyError, StaleTrialError, StudyNotFoundError
from hypersense.space.base import Distribution
from hypersense.storage.base import STALE_REASON, Storage, StudyRecord, StudySummary
from hypersense.storage.json_values import normalize, normalize_attrs
from hypersense.storage.validation import check_finish, check_param, check_study_name
from hypersense.trial.frozen import FrozenTrial, SystemAttr
from hypersense.trial.state import TrialState

__all__ = ["InMemoryStorage"]

_ABSENT = object()


@dataclass
class _TrialRow:
    trial_id: int
    study_id: int
    number: int
    state: TrialState
    values: tuple[float, ...] | None = None
    params: dict[str, Any] = field(default_factory=dict)
    distributions: dict[str, Distribution] = field(default_factory=dict)
    intermediate: dict[int, float] = field(default_factory=dict)
    user_attrs: dict[str, Any] = field(default_factory=dict)
    system_attrs: dict[str, Any] = field(default_factory=dict)
    started_at: float | None = None
    completed_at: float | None = None
    heartbeat_at: float | None = None
    fail_reason: str | None = None
    snapshot: FrozenTrial | None = None  # cached frozen copy, dropped on every write

    def freeze(self) -> FrozenTrial:
        if self.snapshot is None:
            self.snapshot = FrozenTrial(
                number=self.number,
                trial_id=self.trial_id,
                state=self.state,
                values=self.values,
                params=self.params,
                distributions=self.distributions,
                intermediate_values=self.intermediate,
                user_attrs=self.user_attrs,
                system_attrs=self.system_attrs,
                started_at=self.started_at,
                completed_at=self.completed_at,
                heartbeat_at=self.heartbeat_at,
                fail_reason=self.fail_reason,
            )
        return self.snapshot


@dataclass
class _StudyRow:
    record: StudyRecord
    trials: list[_TrialRow] = field(default_factory=list)
    waiting: list[int] = field(default_factory=list)  # numbers of WAITING trials, ascending


class InMemoryStorage(Storage):
    """Studies kept in this process's memory; gone when the process ends.

    Fast and dependency-free: the default of the Python API. With ``n_jobs > 1``
    it still works, because worker processes never touch the storage (the
    calling process coordinates).
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._studies: dict[int, _StudyRow] = {}
        self._trials: dict[int, _TrialRow] = {}
        self._study_ids = itertools.count()
        self._trial_ids = itertools.count()

    def __repr__(self) -> str:
        return "InMemoryStorage()"

    @property
    def is_shared(self) -> bool:
        return False

    def __getstate__(self) -> None:
        raise TypeError("InMemoryStorage lives in one process and cannot be pickled")

    # ----------------------------------------------------------------- studies
    def create_study(
        self,
        name: str,
        directions: Sequence[StudyDirection],
        *,
        user_attrs: Mapping[str, Any] | None = None,
        system_attrs: Mapping[str, Any] | None = None,
    ) -> StudyRecord:
        check_study_name(name)
        with self._lock:
            if any(s.record.name == name for s in self._studies.values()):
                raise DuplicatedStudyError(f"a study named {name!r} already exists")
            sid = next(self._study_ids)
            record = StudyRecord(
                study_id=sid,
                name=name,
                directions=tuple(directions),
                user_attrs=normalize_attrs(user_attrs),
                system_attrs=normalize_attrs(system_attrs),
                created_at=time.time(),
            )
            self._studies[sid] = _StudyRow(record)
            return record

    def _study(self, study_id: int) -> _StudyRow:
        try:
            return self._studies[study_id]
        except KeyError:
            raise StudyNotFoundError(f"no study with id {study_id}") from None

    def get_study(self, name: str) -> StudyRecord:
        with self._lock:
            for s in self._studies.values():
                if s.record.name == name:
                    return s.record
        raise StudyNotFoundError(f"no study named {name!r}")

    def list_studies(self) -> list[StudySummary]:
        with self._lock:
            out = []
            for s in self._studies.values():
                counts = {st: 0 for st in TrialState}
                for t in s.trials:
                    counts[t.state] += 1
                out.append(StudySummary(s.record, counts))
            return out

    def delete_study(self, study_id: int) -> None:
        with self._lock:
            row = self._study(study_id)
            for t in row.trials:
                del self._trials[t.trial_id]
            del self._studies[study_id]

    def set_study_attr(self, study_id: int, key: str, value: Any, *, system: bool = False) -> None:
        with self._lock:
            row = self._study(study_id)
            what = f"study attribute {key!r}"
            attrs = dict(row.record.system_attrs if system else row.record.user_attrs)
            attrs[key] = normalize(value, what=what)
            if system:
                row.record = dataclasses.replace(row.record, system_attrs=attrs)
            else:
                row.record = dataclasses.replace(row.record, user_attrs=attrs)

    # ------------------------------------------------------------------ trials
    def create_trial(
        self,
        study_id: int,
        *,
        state: TrialState = TrialState.RUNNING,
        system_attrs: Mapping[str, Any] | None = None,
        user_attrs: Mapping[str, Any] | None = None,
    ) -> FrozenTrial:
        if state not in (TrialState.RUNNING, TrialState.WAITING):
            raise ValueError(f"a new trial must be RUNNING or WAITING (got {state})")
        with self._lock:
            study = self._study(study_id)
            now = time.time()
            row = _TrialRow(
                trial_id=next(self._trial_ids),
                study_id=study_id,
                number=len(study.trials),
                state=state,
                system_attrs=normalize_attrs(system_attrs),
                user_attrs=normalize_attrs(user_attrs),
                started_at=now if state is TrialState.RUNNING else None,
                heartbeat_at=now if state is TrialState.RUNNING else None,
            )
            study.trials.append(row)
            if state is TrialState.WAITING:
                study.waiting.append(row.number)
            self._trials[row.trial_id] = row
            return row.freeze()

    def claim_waiting_trial(
        self, study_id: int, *, system_attrs: Mapping[str, Any] | None = None
    ) -> FrozenTrial | None:
        extra = normalize_attrs(system_attrs)
        with self._lock:
            study = self._study(study_id)
            if not study.waiting:
                return None
            row = study.trials[study.waiting.pop(0)]
            now = time.time()
            row.state = TrialState.RUNNING
            row.started_at = row.heartbeat_at = now
            row.system_attrs.update(extra)
            row.snapshot = None
            return row.freeze()

    def _running(self, trial_id: int, action: str) -> _TrialRow:
        row = self._trials.get(trial_id)
        if row is None:
            raise KeyError(f"no trial with id {trial_id}")
        if row.state is not TrialState.RUNNING:
            raise StaleTrialError(
                f"cannot {action} trial {row.number}: it is {row.state.name}, not RUNNING"
            )
        return row

    def set_trial_param(
        self, trial_id: int, name: str, distribution: Distribution, value: Any
    ) -> None:
        check_param(name, distribution, value)
        with self._lock:
            row = self._running(trial_id, f"set parameter {name!r} of")
            row.params[name] = value
            row.distributions[name] = distribution
            row.snapshot = None

    def set_trial_intermediate_value(self, trial_id: int, step: int, value: float) -> None:
        with self._lock:
            row = self._running(trial_id, "report to")
            row.intermediate[int(step)] = float(value)
            row.snapshot = None

    def set_trial_attrs(
        self,
        trial_id: int,
        attrs: Mapping[str, Any],
        *,
        system: bool = False,
        require_running: bool = True,
    ) -> None:
        values = normalize_attrs(attrs)
        with self._lock:
            if require_running:
                row = self._running(trial_id, f"set attributes {sorted(values)} of")
            elif trial_id in self._trials:
                row = self._trials[trial_id]
            else:
                raise KeyError(f"no trial with id {trial_id}")
            (row.system_attrs if system else row.user_attrs).update(values)
            row.snapshot = None

    def claim_unique_attr(self, trial_id: int, key: str, value: Any) -> bool:
        wanted = normalize(value, what=f"trial attribute {key!r}")
        with self._lock:
            row = self._running(trial_id, f"claim {key!r} for")
            for other in self._study(row.study_id).trials:
                held = other.system_attrs.get(key, _ABSENT)
                if other.trial_id != trial_id and held == wanted:
                    return False
            row.system_attrs[key] = wanted
            row.snapshot = None
            return True

    def record_heartbeat(self, trial_ids: Iterable[int]) -> None:
        now = time.time()
        with self._lock:
            for tid in trial_ids:
                row = self._trials.get(tid)
                if row is not None and row.state is TrialState.RUNNING:
                    row.heartbeat_at = now
                    row.snapshot = None

    def finish_trial(
        self,
        trial_id: int,
        state: TrialState,
        *,
        values: Sequence[float] | None = None,
        fail_reason: str | None = None,
        system_attrs: Mapping[str, Any] | None = None,
    ) -> float:
        vals = check_finish(state, values)
        extra = normalize_attrs(system_attrs)
        with self._lock:
            row = self._running(trial_id, f"finish ({state.name})")
            now = time.time()
            row.system_attrs.update(extra)
            row.state = state
            row.values = vals
            row.fail_reason = fail_reason
            row.completed_at = now
            row.snapshot = None
            return now

    def fail_stale_trials(self, study_id: int, *, grace_s: float) -> list[FrozenTrial]:
        with self._lock:
            cutoff = time.time() - grace_s
            stale = [
                row.trial_id
                for row in self._study(study_id).trials
                if row.state is TrialState.RUNNING
                and row.heartbeat_at is not None
                and row.heartbeat_at < cutoff
            ]
            return self.fail_running_trials(stale, reason=STALE_REASON)

    def fail_running_trials(self, trial_ids: Iterable[int], *, reason: str) -> list[FrozenTrial]:
        out = []
        with self._lock:
            now = time.time()
            for tid in trial_ids:
                row = self._trials.get(tid)
                if row is None or row.state is not TrialState.RUNNING:
                    continue
                row.state = TrialState.FAIL
                row.completed_at = now
                row.fail_reason = reason
                row.system_attrs[SystemAttr.INTERRUPTED] = True
                row.snapshot = None
                out.append(row.freeze())
        return out

    def add_trial(self, study_id: int, trial: FrozenTrial) -> FrozenTrial:
        check_finish(trial.state, trial.values)
        for name, value in trial.params.items():
            check_param(name, trial.distributions[name], value)
        now = time.time()
        with self._lock:
            study = self._study(study_id)
            row = _TrialRow(
                trial_id=next(self._trial_ids),
                study_id=study_id,
                number=len(study.trials),
                state=trial.state,
                values=trial.values,
                params=dict(trial.params),
                distributions=dict(trial.distributions),
                intermediate=dict(trial.intermediate_values),
                user_attrs=normalize_attrs(trial.user_attrs),
                system_attrs=normalize_attrs(trial.system_attrs),
                started_at=trial.started_at if trial.started_at is not None else now,
                completed_at=trial.completed_at if trial.completed_at is not None else now,
                fail_reason=trial.fail_reason,
            )
            study.trials.append(row)
            self._trials[row.trial_id] = row
            return row.freeze()

    def get_trial(self, trial_id: int) -> FrozenTrial:
        with self._lock:
            row = self._trials.get(trial_id)
            if row is None:
                raise KeyError(f"no trial with id {trial_id}")
            return row.freeze()

    def get_trials(
        self,
        study_id: int,
        *,
        states: Iterable[TrialState] | None = None,
        min_number: int = 0,
        numbers: Iterable[int] | None = None,
    ) -> list[FrozenTrial]:
        wanted = None if states is None else frozenset(states)
        with self._lock:
            trials = self._study(study_id).trials
            if numbers is None:
                rows = trials[max(min_number, 0) :]
            else:
                picked = sorted({n for n in numbers if min_number <= n < len(trials)})
                rows = [trials[n] for n in picked]
            return [r.freeze() for r in rows if wanted is None or r.state in wanted]

    def count_trials(self, study_id: int, *, states: Iterable[TrialState] | None = None) -> int:
        wanted = None if states is None else frozenset(states)
        with self._lock:
            rows = self._study(study_id).trials
            return len(rows) if wanted is None else sum(r.state in wanted for r in rows)
