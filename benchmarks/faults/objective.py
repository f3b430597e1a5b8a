"""The objectives every runner evaluates, API and CLI alike, and the records they write.

Each evaluation appends two JSON lines to ``$HS_FAULTS_LOG_DIR/evals-<pid>.jsonl``:
``start`` once its parameters are known and ``return`` just before it returns its value.
One ``os.write`` per line on a file opened with ``O_APPEND``: a process killed at any
instant leaves whole lines. These records, not hypersense's logs, tell the benchmark
what really ran, where, with which parameters, and which results an objective returned.

Timestamps come from ``CLOCK_REALTIME`` directly, so a runner whose ``time.time`` is
patched to simulate a skewed clock still writes true times.

Settings come from the environment, so that ``hypersense run`` (which imports this
module by name from a config) and the API runner behave the same:

- ``HS_FAULTS_LOG_DIR``: where the records go (required);
- ``HS_FAULTS_LONG_AT`` / ``HS_FAULTS_LONG_S``: the evaluation of that index in this
  process (0-based) sleeps that long instead of 20-200 ms;
- ``HS_FAULTS_PADDING``: bytes of a user attribute stored with each trial (fills a disk).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from typing import Any

from benchmarks.faults.records import planned_duration_s

import hypersense as hs

#: The grid of the grid fault: 27 points.
GRID: dict[str, list[Any]] = {"a": [1, 2, 3], "b": ["x", "y", "z"], "c": [0.5, 1.0, 1.5]}

_evaluations_here = 0  # evaluations started in this process


def _now() -> float:
    return time.clock_gettime(time.CLOCK_REALTIME)


def _coordinator_pid() -> int:
    """The process that coordinates this evaluation: our parent in a worker, else us."""
    parent = multiprocessing.parent_process()
    return os.getpid() if parent is None or parent.pid is None else int(parent.pid)


def write_record(kind: str, record: dict[str, Any]) -> None:
    """Append one JSON line to this process's ``<kind>-<pid>.jsonl`` log."""
    path = os.path.join(os.environ["HS_FAULTS_LOG_DIR"], f"{kind}-{os.getpid()}.jsonl")
    line = (json.dumps(record, sort_keys=True) + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def _evaluate(trial: hs.Trial, params: dict[str, Any], value: float) -> float:
    global _evaluations_here
    index = _evaluations_here
    _evaluations_here += 1
    base = {"number": trial.number, "pid": os.getpid(), "coordinator": _coordinator_pid()}
    write_record("evals", {**base, "event": "start", "params": params, "t": _now()})
    padding = int(os.environ.get("HS_FAULTS_PADDING", "0"))
    if padding:
        trial.set_user_attr("padding", "p" * padding)
    if index == int(os.environ.get("HS_FAULTS_LONG_AT", "-1")):
        time.sleep(float(os.environ["HS_FAULTS_LONG_S"]))
    else:
        time.sleep(planned_duration_s(params))
    write_record("evals", {**base, "event": "return", "value": value, "t": _now()})
    return value


def objective(trial: hs.Trial) -> float:
    """One float parameter ``x`` in [0, 1]; the value is ``x`` (unique per trial)."""
    x = trial.suggest_float("x", 0.0, 1.0)
    return _evaluate(trial, {"x": x}, x)


def grid_objective(trial: hs.Trial) -> float:
    """The 3x3x3 grid of :data:`GRID`."""
    params = {name: trial.suggest_categorical(name, values) for name, values in GRID.items()}
    return _evaluate(trial, params, float(params["a"]) * float(params["c"]))
