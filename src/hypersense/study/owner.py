"""Who runs a trial, and whether that process is certainly gone.

Every trial started in a shared storage records its owner: the coordinator
process (host, pid, the pid's start time, the kernel's boot id and the pid
namespace). Another process on the same machine, in the same pid namespace,
can then tell at once that the owner died — its pid no longer exists, or now
belongs to a younger process — and fail the trial without waiting for its
heartbeat to go stale. Anywhere else (another host, another container, a
system without ``/proc``) nothing is concluded and the heartbeat decides.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from functools import cache
from typing import Any

__all__ = ["current_owner", "describe_owner", "is_owner_gone", "is_process_alive"]


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="ascii") as file:
            return file.read().strip()
    except OSError:
        return None


def _has_live_thread(pid: int) -> bool:
    """Whether a process whose main thread has ended still has a thread running.

    Its main thread then shows as a zombie, yet the process holds its files (pipe
    and socket ends) and cannot be reaped until its last thread ends."""
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return False
    for tid in threads:
        stat = _read(f"/proc/{pid}/task/{tid}/stat")
        if stat is not None and stat[stat.rfind(")") + 2 :][:1] not in ("Z", "X", ""):
            return True
    return False


def _start_ticks(pid: int) -> int | None:
    """The start time of a live ``pid`` in clock ticks after boot (``/proc/<pid>/stat``);
    None for no such process, or a dead one not yet reaped (a zombie)."""
    stat = _read(f"/proc/{pid}/stat")
    if stat is None:
        return None
    # The command name (field 2) may hold spaces and parentheses: split after its last ")".
    fields = stat[stat.rfind(")") + 2 :].split()
    if not fields or (fields[0] in ("Z", "X") and not _has_live_thread(pid)):
        return None
    try:
        return int(fields[19])  # field 22 of the whole line
    except (IndexError, ValueError):
        return None


def is_process_alive(pid: int) -> bool:
    """Whether process ``pid`` exists and has not ended (a zombie has ended)."""
    if os.path.isdir("/proc/self"):
        return _start_ticks(pid) is not None
    try:  # no /proc: ask the kernel (a zombie then counts as alive)
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _pid_namespace() -> int | None:
    try:
        return os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        return None


@cache
def _owner_of(pid: int) -> dict[str, Any]:
    return {
        "host": socket.gethostname(),
        "pid": pid,
        "start": _start_ticks(pid),
        "boot": _read("/proc/sys/kernel/random/boot_id"),
        "pid_ns": _pid_namespace(),
    }


def current_owner() -> dict[str, Any]:
    """This process as a trial's owner (computed once per process, fork-aware)."""
    return dict(_owner_of(os.getpid()))


def describe_owner(owner: Mapping[str, Any]) -> str:
    """``host:pid`` of an owner record, for messages."""
    return f"{owner.get('host', '?')}:{owner.get('pid', '?')}"


def is_owner_gone(owner: Any) -> bool:
    """Whether the process of ``owner`` certainly no longer runs.

    True only on the same machine (same boot), in the same pid namespace, when
    the pid is absent or belongs to a process started at another time. Any
    doubt (another host or container, missing fields, no ``/proc``) is False.
    """
    if not isinstance(owner, Mapping):
        return False
    me = _owner_of(os.getpid())
    if me["boot"] is None or me["pid_ns"] is None or owner.get("start") is None:
        return False
    if (owner.get("host"), owner.get("boot"), owner.get("pid_ns")) != (
        me["host"],
        me["boot"],
        me["pid_ns"],
    ):
        return False
    pid = owner.get("pid")
    if not isinstance(pid, int) or pid <= 0:
        return False
    if pid == me["pid"]:
        return bool(me["start"] != owner.get("start"))
    return _start_ticks(pid) != owner.get("start")
