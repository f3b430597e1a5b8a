"""Starting runners, signalling them, and seeing from ``/proc`` what they left behind.

Every process a repetition starts carries ``HS_FAULTS_TAG=<tag>`` in its environment,
and so do its workers (forked or spawned), whatever hypersense does with them. After
the runners ended, a process that still carries the tag is an orphan: found by
reading ``/proc/*/environ``, never by asking hypersense.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.faults.metrics import Exit

REPO = Path(__file__).resolve().parents[2]
HYPERSENSE = str(Path(sys.executable).with_name("hypersense"))


def is_alive(pid: int) -> bool:
    """Whether ``pid`` exists and has not ended (a zombie has ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rfind(")") + 2 :][:1] not in ("Z", "X")


def children(pid: int) -> list[int]:
    """The live child processes of ``pid`` (from ``/proc/<pid>/task/*/children``)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return [c for c in found if is_alive(c)]


def tagged_pids(tag: str) -> list[int]:
    """Live processes whose environment carries ``HS_FAULTS_TAG=tag``."""
    marker = f"HS_FAULTS_TAG={tag}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if marker in environ.split(b"\0") and is_alive(int(entry.name)):
            found.append(int(entry.name))
    return found


def wait_until_gone(pids: Sequence[int], timeout_s: float) -> float | None:
    """Seconds until none of ``pids`` is alive; None if some still are after ``timeout_s``."""
    start = time.monotonic()
    while any(map(is_alive, pids)):
        if time.monotonic() - start > timeout_s:
            return None
        time.sleep(0.01)
    return time.monotonic() - start


def orphans(tag: str, timeout_s: float = 10.0) -> list[int]:
    """Processes of this repetition still alive ``timeout_s`` after its runners ended
    (killed once counted, so that they disturb nothing else)."""
    deadline = time.monotonic() + timeout_s
    while (left := tagged_pids(tag)) and time.monotonic() < deadline:
        time.sleep(0.05)
    for pid in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return left


def other_host(hostname: str, command: Sequence[str]) -> list[str]:
    """``command`` run in a UTS namespace of its own named ``hostname``: to the study, a
    runner on another machine (its pids stay those of this machine)."""
    # No --fork: unshare, then sh, exec the command, so its pid (and exit status) is ours.
    return ["unshare", "--uts", "sh", "-c", 'hostname "$0" && exec "$@"', hostname, *command]


@dataclass
class Runner:
    """A started process: its role, how it should end, where its stderr goes."""

    role: str
    popen: subprocess.Popen[bytes]
    stderr_path: Path
    expected: int = 0
    signalled: list[int] = field(default_factory=list)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def signal(self, sig: signal.Signals, pid: int | None = None) -> None:
        """Send ``sig`` to the runner (or to ``pid``, one of its processes)."""
        target = self.pid if pid is None else pid
        os.kill(target, sig)
        self.signalled.append(target)

    def finish(self, timeout_s: float = 120.0) -> Exit:
        """Wait for the end (kill it after ``timeout_s``) and say how it ended."""
        try:
            code: int | None = self.popen.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()
            code = None
        text = self.stderr_path.read_text(errors="replace")
        tail = "\n".join(text.splitlines()[-15:])
        return Exit(self.role, code, self.expected, "Traceback" in text, tail)

    def stderr_tail(self, n: int = 15) -> str:
        return "\n".join(self.stderr_path.read_text(errors="replace").splitlines()[-n:])


def python_env() -> dict[str, str]:
    """This environment with this repository's ``src`` and root first on ``PYTHONPATH``."""
    path = [str(REPO / "src"), str(REPO), os.environ.get("PYTHONPATH", "")]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in path if p)}


def start(
    role: str,
    command: Sequence[str],
    *,
    log_dir: Path,
    tag: str,
    env: dict[str, str] | None = None,
    expected: int = 0,
) -> Runner:
    """Start ``command`` from the repository root with the worktree's code first on the path."""
    full_env = {
        **python_env(),
        "HS_FAULTS_LOG_DIR": str(log_dir),
        "HS_FAULTS_TAG": tag,
        **(env or {}),
    }
    stderr_path = log_dir / f"stderr-{role}-{time.monotonic_ns()}.txt"
    with stderr_path.open("wb") as err:
        popen = subprocess.Popen(
            list(command),
            cwd=REPO,
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    return Runner(role, popen, stderr_path, expected)
