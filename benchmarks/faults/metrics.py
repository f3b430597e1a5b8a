"""The promises, counted: pure functions of what the objectives wrote, what the
database held during and after a repetition, and which processes were signalled.

Definitions (the README's "Fault matrix" section repeats them):

- a **victim** is a trial not COMPLETE at the end whose owner (the coordinator
  that started it) or whose evaluating process was signalled: the fault hit it;
- a result is **lost** when it was seen stored (COMPLETE, by the witness or by a
  runner's callback), or returned by an objective in a process that was not
  signalled (nor its coordinator), and the final rows do not hold it as COMPLETE
  with that value;
- a trial is **wrongly failed** when it is FAIL but no victim and not a grid
  trial that never ran (``not_run``);
- an **extra evaluation** is an objective call beyond one per trial number
  (beyond one per grid point on a grid);
- a victim is **retried with the same parameters** when a later trial whose
  objective received exactly the victim's parameters ended COMPLETE.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from benchmarks.faults.records import Evaluation
from benchmarks.faults.witness import StoredTrial

UNFINISHED = ("RUNNING", "WAITING")


def victims(
    final: Mapping[int, StoredTrial],
    evaluations: Iterable[Evaluation],
    signalled: Collection[int],
) -> list[int]:
    """Numbers of the trials the fault hit (see the module doc)."""
    hit = {e.number for e in evaluations if e.pid in signalled or e.coordinator in signalled}
    return sorted(
        n
        for n, t in final.items()
        if t.state != "COMPLETE" and (n in hit or t.owner_pid in signalled)
    )


def lost_results(
    final: Mapping[int, StoredTrial],
    *,
    seen_stored: Mapping[int, float],
    evaluations: Iterable[Evaluation],
    signalled: Collection[int],
) -> list[int]:
    """Numbers of results that were stored, or returned by a surviving process, and are
    not COMPLETE with the same value in ``final``."""
    must_hold = dict(seen_stored)
    for e in evaluations:
        survived = e.pid not in signalled and e.coordinator not in signalled
        if e.returned and survived:
            must_hold.setdefault(e.number, e.value)  # type: ignore[arg-type]
    lost = []
    for number, value in sorted(must_hold.items()):
        trial = final.get(number)
        if trial is None or trial.state != "COMPLETE" or trial.value != value:
            lost.append(number)
    return lost


def unfinished(final: Mapping[int, StoredTrial]) -> list[int]:
    """Numbers of the trials left RUNNING or WAITING."""
    return sorted(n for n, t in final.items() if t.state in UNFINISHED)


def wrongly_failed(final: Mapping[int, StoredTrial], hit: Collection[int]) -> list[int]:
    """FAIL trials that no fault hit (grid trials that never ran excepted)."""
    return sorted(
        n for n, t in final.items() if t.state == "FAIL" and n not in hit and not t.not_run
    )


def _key(params: Mapping[str, object]) -> str:
    return json.dumps(dict(params), sort_keys=True)


def extra_evaluations(evaluations: Iterable[Evaluation], *, grid: bool = False) -> int:
    """Objective calls beyond one per trial number, or per grid point with ``grid``."""
    listed = list(evaluations)
    distinct = {_key(e.params) for e in listed} if grid else {e.number for e in listed}
    return len(listed) - len(distinct)


def retried_with_same_params(
    hit: Iterable[int],
    final: Mapping[int, StoredTrial],
    evaluations: Iterable[Evaluation],
) -> list[int]:
    """The victims that a later COMPLETE trial ran again with exactly their parameters.

    A victim's parameters are those its objective received, or, if it never
    reached the objective, those stored with it.
    """
    listed = list(evaluations)
    received = {e.number: _key(e.params) for e in listed}
    done = [
        (e.number, _key(e.params))
        for e in listed
        if e.returned and final.get(e.number, StoredTrial(e.number, "")).state == "COMPLETE"
    ]
    retried = []
    for n in hit:
        params = received.get(n)
        if params is None and n in final and final[n].params:
            params = _key(final[n].params)
        if params is not None and any(m > n and p == params for m, p in done):
            retried.append(n)
    return retried


def detection_s(
    first_seen: Mapping[int, Mapping[str, float]], hit: Iterable[int], since: float
) -> float | None:
    """Seconds from ``since`` until every trial of ``hit`` was seen FAIL (None: some
    never were, or nothing was hit)."""
    times = [first_seen.get(n, {}).get("FAIL") for n in hit]
    if not times or any(t is None for t in times):
        return None
    return max(0.0, max(t for t in times if t is not None) - since)


@dataclass(frozen=True)
class Exit:
    """How one process of a repetition ended, against how it should have."""

    role: str
    returncode: int | None
    expected: int
    traceback: bool
    detail: str = ""  # the end of its stderr, kept for a crash

    @property
    def is_crash(self) -> bool:
        return self.returncode != self.expected or self.traceback


def crashes(exits: Iterable[Exit]) -> list[Exit]:
    """Processes that ended otherwise than the promise says (or with a traceback)."""
    return [e for e in exits if e.is_crash]
