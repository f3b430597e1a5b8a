"""The objective of the Dask fault runs, importable on the workers.

It trains for :data:`STEPS` steps of :data:`STEP_S` seconds, saving a checkpoint
after each, and resumes from the last checkpoint when retried. It writes the
records of :mod:`benchmarks.faults.objective` (``evals-<pid>.jsonl``: start, return)
into ``$HS_FAULTS_LOG_DIR``, plus ``resumes-<pid>.jsonl`` (the step it started from).

A trial hangs when it can take the ``hang`` token: the injector creates the file
``hang`` in the log directory, and the first objective to rename it to its own name
sleeps for an hour (only ``trial_timeout_s`` ends it).
"""

from __future__ import annotations

import os
import time

import hypersense as hs
from benchmarks.faults.objective import write_record

STEPS = 10
STEP_S = 0.15
HANG_S = 3600.0


def _now() -> float:
    return time.clock_gettime(time.CLOCK_REALTIME)


def _takes_hang_token(number: int) -> bool:
    log_dir = os.environ["HS_FAULTS_LOG_DIR"]
    try:
        os.rename(os.path.join(log_dir, "hang"), os.path.join(log_dir, f"hang-taken-{number}"))
    except FileNotFoundError:
        return False
    return True


def objective(trial: hs.Trial) -> float:
    """``x`` in [0, 1], after :data:`STEPS` checkpointed steps; the value is ``x``."""
    x = trial.suggest_float("x", 0.0, 1.0)
    state = trial.load_checkpoint()
    first = 0 if state is None else int(state["step"])
    base = {"number": trial.number, "pid": os.getpid(), "coordinator": 0}
    write_record("evals", {**base, "event": "start", "params": {"x": x}, "t": _now()})
    write_record("resumes", {**base, "from_step": first, "t": _now()})
    if _takes_hang_token(trial.number):
        time.sleep(HANG_S)
    for step in range(first, STEPS):
        time.sleep(STEP_S)
        trial.save_checkpoint({"step": step + 1})
    write_record("evals", {**base, "event": "return", "value": x, "t": _now()})
    return x
