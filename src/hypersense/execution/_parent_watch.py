"""Ending a worker process as soon as its coordinator is gone.

A worker only runs objectives for its coordinator, which stores the results;
once the coordinator is dead (killed, crashed, terminated) nobody would store
anything, so the worker ends at once, also in the middle of an objective.
Three mechanisms, because each alone has a gap:

* **The lifeline**, a pipe whose write end only the coordinator holds (forked
  workers close the copies they inherit). The coordinator never writes to it,
  so its read end turns readable (EOF) exactly when the coordinator's process
  is gone, however it died. A daemon thread of the worker waits on it; this
  works with every start method and on every platform.
* The same thread notices a **change of parent** (the worker was reparented),
  should a copy of the write end have leaked into another live process.
* On Linux, **``prctl(PR_SET_PDEATHSIG, SIGKILL)``**: the kernel kills the
  worker when its parent dies, even while C code holds the GIL and the thread
  cannot run. The kernel ties it to the parent *thread*, so it is armed only
  for workers the coordinator's main thread started (that thread lives as
  long as the process), and only when the coordinator is the parent (not with
  ``forkserver``, whose server process is the parent).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait

__all__ = ["ORPHANED_EXIT_CODE", "ParentWatch", "watch_parent"]

#: Exit status of a worker that ended because its coordinator was gone.
ORPHANED_EXIT_CODE = 1
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_PARENT_CHECK_S = 1.0


@dataclass(frozen=True)
class ParentWatch:
    """What a worker needs to notice the end of its coordinator (picklable).

    Attributes:
        lifeline: Read end of the coordinator's lifeline pipe.
        coordinator_pid: The coordinator's process id.
        parent_is_coordinator: Whether the worker is the coordinator's own
            child (start methods fork and spawn).
        kill_on_parent_death: Whether to arm ``PR_SET_PDEATHSIG`` (the worker
            was started by the coordinator's main thread).
    """

    lifeline: Connection
    coordinator_pid: int
    parent_is_coordinator: bool
    kill_on_parent_death: bool


def _arm_parent_death_signal() -> bool:
    """Ask Linux to SIGKILL this process when its parent dies; False if unavailable."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        status = libc.prctl(
            _PR_SET_PDEATHSIG,
            ctypes.c_ulong(signal.SIGKILL),
            ctypes.c_ulong(0),
            ctypes.c_ulong(0),
            ctypes.c_ulong(0),
        )
    except (OSError, AttributeError):
        return False
    return bool(status == 0)


def watch_parent(watch: ParentWatch) -> None:
    """Make this worker end (``os._exit``) when its coordinator is gone.

    Call it first thing in the worker, after closing inherited pipe ends.
    """
    if watch.parent_is_coordinator and watch.kill_on_parent_death:
        _arm_parent_death_signal()
    parent_pid = os.getppid()
    # The coordinator may have died between the fork and the prctl above: the
    # kernel would then never send the signal, but we were reparented already.
    if watch.parent_is_coordinator and parent_pid != watch.coordinator_pid:
        os._exit(ORPHANED_EXIT_CODE)
    if watch.lifeline.poll():
        os._exit(ORPHANED_EXIT_CODE)
    threading.Thread(
        target=_watch,
        args=(watch.lifeline, parent_pid),
        name="hypersense-parent-watch",
        daemon=True,
    ).start()


def _watch(lifeline: Connection, parent_pid: int) -> None:
    while True:
        if wait([lifeline], timeout=_PARENT_CHECK_S) or os.getppid() != parent_pid:
            os._exit(ORPHANED_EXIT_CODE)
