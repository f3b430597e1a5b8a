"""What the objectives and the runners' callbacks wrote (see ``objective.py``), read back."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def planned_duration_s(params: dict[str, Any]) -> float:
    """How long the objective sleeps for ``params``: 20-200 ms, a function of the
    parameters (so a retry sleeps as long, and the injector knows what is left)."""
    return random.Random(json.dumps(params, sort_keys=True)).uniform(0.02, 0.2)


@dataclass(frozen=True)
class Evaluation:
    """One call of the objective: where it ran, with what, and whether it returned.

    Attributes:
        number: The trial's number.
        pid: The process that ran the objective (a worker, or the runner itself).
        coordinator: The process that coordinated it (the worker's parent, or ``pid``).
        params: The parameters the objective received.
        started_t: Wall-clock time of the ``start`` record.
        value: What it returned; None if it never returned.
        returned_t: Wall-clock time of the ``return`` record; None if it never returned.
    """

    number: int
    pid: int
    coordinator: int
    params: dict[str, Any]
    started_t: float
    value: float | None = None
    returned_t: float | None = None

    @property
    def returned(self) -> bool:
        return self.returned_t is not None

    def time_left_s(self) -> float:
        """Seconds until it would return (a trial of ordinary length)."""
        return self.started_t + planned_duration_s(self.params) - time.time()


@dataclass(frozen=True)
class Records:
    """Every evaluation and every ``stored`` record of one repetition."""

    evaluations: list[Evaluation] = field(default_factory=list)
    stored: dict[int, float] = field(default_factory=dict)  # number -> value, per callbacks


def _lines(paths: Iterable[Path]) -> Iterable[dict[str, Any]]:
    for path in sorted(paths):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                yield json.loads(line)


def parse_evaluations(lines: Iterable[dict[str, Any]]) -> list[Evaluation]:
    """Pair ``start`` and ``return`` records by (pid, number), in start order."""
    started: dict[tuple[int, int], dict[str, Any]] = {}
    returned: dict[tuple[int, int], dict[str, Any]] = {}
    for record in lines:
        key = (int(record["pid"]), int(record["number"]))
        (started if record["event"] == "start" else returned)[key] = record
    evaluations = []
    for key, start in started.items():
        end = returned.get(key)
        evaluations.append(
            Evaluation(
                number=key[1],
                pid=key[0],
                coordinator=int(start["coordinator"]),
                params=dict(start["params"]),
                started_t=float(start["t"]),
                value=None if end is None else float(end["value"]),
                returned_t=None if end is None else float(end["t"]),
            )
        )
    return sorted(evaluations, key=lambda e: e.started_t)


def read_records(log_dir: Path) -> Records:
    """Everything the runners of one repetition wrote into ``log_dir``."""
    stored = {int(r["number"]): float(r["value"]) for r in _lines(log_dir.glob("stored-*.jsonl"))}
    return Records(parse_evaluations(_lines(log_dir.glob("evals-*.jsonl"))), stored)


def in_flight(evaluations: Iterable[Evaluation]) -> list[Evaluation]:
    """Evaluations started and not (yet) returned."""
    return [e for e in evaluations if not e.returned]
