"""What the fault runs observe: trial ends seen by the coordinator's callback, the
objectives' records, and one injected fault with what became of its victims."""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import hypersense as hs
from benchmarks.faults.records import Evaluation, in_flight, read_records
from hypersense.trial.frozen import SystemAttr


@dataclass(frozen=True)
class End:
    """A trial's end, as the coordinator stored it (seen by an ``optimize`` callback)."""

    number: int
    state: str
    fail_kind: str | None
    t: float
    value: float | None
    retry_of: int | None
    resumed_from: int | None  #: the trial whose checkpoint it resumed from


class Ends:
    """Every end the coordinator stored, by trial number (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ends: dict[int, End] = {}

    def __call__(self, study: hs.Study, trial: hs.FrozenTrial) -> None:
        resumed = trial.system_attrs.get(SystemAttr.RESUMED_FROM)
        end = End(
            number=trial.number,
            state=trial.state.name,
            fail_kind=None if trial.fail_kind is None else trial.fail_kind.value,
            t=time.time(),
            value=trial.value if trial.state is hs.TrialState.COMPLETE else None,
            retry_of=trial.system_attrs.get(SystemAttr.RETRY_OF),
            resumed_from=None if resumed is None else int(resumed["trial"]),
        )
        with self._lock:
            self._ends[trial.number] = end

    def absorb(self, trials: list[hs.FrozenTrial]) -> None:
        """Add the ends of finished ``trials`` read from the storage that no callback
        saw (``optimize`` fails its running trials without callbacks when it raises)."""
        for trial in trials:
            if trial.state.is_finished and self.get(trial.number) is None:
                stamp = trial.datetime_complete
                self(None, trial)  # type: ignore[arg-type]
                if stamp is not None:
                    with self._lock:
                        end = self._ends[trial.number]
                        self._ends[trial.number] = dataclasses.replace(end, t=stamp.timestamp())

    def get(self, number: int) -> End | None:
        with self._lock:
            return self._ends.get(number)

    def retry_of(self, number: int) -> End | None:
        """The last stored retry of trial ``number`` (retries of retries followed)."""
        with self._lock:
            ends = list(self._ends.values())
        found = None
        current = number
        while (nxt := next((e for e in ends if e.retry_of == current), None)) is not None:
            found, current = nxt, nxt.number
        return found

    def completed(self) -> dict[int, float]:
        with self._lock:
            return {n: e.value for n, e in self._ends.items() if e.value is not None}


def running_evaluations(log_dir: Path, ends: Ends, *, older_than_s: float) -> list[Evaluation]:
    """Objectives running now (started, not returned, trial not ended) for at least
    ``older_than_s`` seconds, that are not retries (they started at step 0)."""
    fresh = {n for n, step in resumed_steps(log_dir).items() if step == 0}
    now = time.time()
    return [
        e
        for e in in_flight(read_records(log_dir).evaluations)
        if ends.get(e.number) is None and e.number in fresh and now - e.started_t >= older_than_s
    ]


def resumed_steps(log_dir: Path) -> dict[int, int]:
    """Trial number -> the step its objective started from (0: from scratch)."""
    steps: dict[int, int] = {}
    for path in sorted(log_dir.glob("resumes-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                steps[int(record["number"])] = int(record["from_step"])
    return steps


@dataclass
class Injection:
    """One injected fault and what became of the trials it hit.

    Attributes:
        kind: sigkill, retire, hang or scheduler.
        at: When the fault took effect (for a hang: the trial's deadline).
        victims: The trials running where the fault struck.
        detected_s: Per victim, seconds from ``at`` to its end being stored.
        victim_states: Per victim, its stored state and fail kind.
        retries_complete: Victims whose retry (or a retry of it) ended COMPLETE.
        resumed: Victims whose COMPLETE retry resumed from a checkpoint.
        notes: Anything that went otherwise than planned.
    """

    kind: str
    at: float
    victims: list[int]
    signalled_pids: list[int] = field(default_factory=list)
    detected_s: dict[int, float | None] = field(default_factory=dict)
    victim_states: dict[int, str] = field(default_factory=dict)
    retries_complete: list[int] = field(default_factory=list)
    resumed: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def missed(self) -> bool:
        """Every victim had ended COMPLETE before the fault took effect."""
        return all(
            self.victim_states.get(n, "").startswith("COMPLETE")
            and (self.detected_s.get(n) or 0.0) <= 0.0
            for n in self.victims
        )

    def as_json(self) -> dict[str, Any]:
        return asdict(self)
