"""The loop a worker process runs: receive a trial, run it, send the outcome.

Every ``suggest_*``/``report``/``should_prune`` of the trial is a request on the
worker's pipe; the coordinator answers it before the objective goes on.
"""

from __future__ import annotations

import os
import pickle
import signal
from collections.abc import Mapping, Sequence
from multiprocessing.connection import Connection
from types import FrameType
from typing import Any

from hypersense.execution._parent_watch import ParentWatch, watch_parent
from hypersense.execution._relay import RelayBackend
from hypersense.execution.outcome import Objective, run_objective

__all__ = ["PipeBackend", "worker_main"]


class PipeBackend(RelayBackend):
    """A TrialBackend that forwards every call over a pipe and waits for the reply."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def _call(self, method: str, *args: Any) -> Any:
        self._conn.send(("call", method, args))
        ok, payload = self._conn.recv()
        if not ok:
            raise payload
        return payload


def _leave_to_the_coordinator(signum: int, frame: FrameType | None) -> None:
    """Ctrl-C is the coordinator's to handle (see worker_main)."""


def worker_main(
    conn: Connection,
    objective: Objective | None,
    watch: ParentWatch,
    inherited: Sequence[Connection],
    environment: Mapping[str, str],
) -> None:
    """Serve trials until told to stop, the pipe closes, or the coordinator dies.

    Args:
        conn: This worker's end of its pipe to the coordinator.
        objective: The objective to run until a task brings another one.
        watch: How to notice the coordinator's death (see ``_parent_watch``).
        inherited: Pipe ends the coordinator holds that a forked worker got
            copies of; closed here, so they reach EOF when the coordinator dies.
        environment: Variables set first (``CUDA_VISIBLE_DEVICES``: this
            worker's GPU, read by CUDA when the objective first uses it).
    """
    os.environ.update(environment)
    # A terminal's Ctrl-C reaches the whole process group; the coordinator fails
    # the running trials as interrupted and stops us. A Python handler rather
    # than SIG_IGN, which would stay ignored in programs the objective starts.
    # SIGTERM gets its default action back: multiprocessing ends leftover workers
    # with it when the coordinator exits, and a worker it reaches dies as if
    # killed (its trial fails as lost; the coordinator's own SIGTERM is handled).
    # A forked worker would otherwise inherit the handler optimize installs in
    # the coordinator, turn a SIGTERM meant for it alone into a stop of the whole
    # study, and ignore the one multiprocessing sends at exit.
    signal.signal(signal.SIGINT, _leave_to_the_coordinator)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    for end in inherited:
        end.close()
    watch_parent(watch)
    backend = PipeBackend(conn)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message[0] == "stop":
            return
        _, task, blob = message
        if blob is not None:
            objective = pickle.loads(blob)
        assert objective is not None
        trial = task.trial(backend)
        outcome = run_objective(objective, trial, task, remote=True)
        try:
            conn.send(("done", outcome))
        except (BrokenPipeError, OSError):
            return  # the coordinator is gone
