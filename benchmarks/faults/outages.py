"""Faults 4 and 6: the database goes away (PostgreSQL restarted) or its disk fills up,
under runners that must ride it out. Nothing is killed, so every result an objective
returned must be stored, and every runner must end normally."""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from benchmarks.faults.harness import (
    Assessment,
    HarnessError,
    RunSettings,
    Setup,
    assess,
    n_returned,
)
from benchmarks.faults.witness import Witness
from tests.postgres_server import PostgresServer

#: Settings of each fault (the README states them).
RESTART = RunSettings(n_trials=20, target=60)
DISK = RunSettings(n_trials=20, target=20)
DISK_SIZE = "4m"
DISK_FULL_S = 1.5
PADDING_BYTES = 2000
DOWN_S = 1.0


def _first_stored_after(witness: Witness, numbers: set[int], since: float) -> float | None:
    """Seconds from ``since`` until one of ``numbers`` was first seen COMPLETE after it."""
    times = [t for n in numbers if (t := witness.seen_at(n, "COMPLETE")) is not None and t >= since]
    return min(times) - since if times else None


def postgres_restart(setup: Setup, server: PostgresServer, mode: str) -> Assessment:
    """Fault 4: ``pg_ctl stop -m mode``, 1 s down, start, under three runners.

    Time to detect: from the server accepting connections again until every runner
    has stored a trial again (the slowest runner's first COMPLETE after the restart).
    """
    with Witness(setup.reader_url, setup.study, interval_s=0.03) as witness:
        runners = [setup.start(f"runner {i}", setup.command(RESTART)) for i in range(3)]
        setup.wait_records(lambda r: n_returned(r) >= 6, "six results")
        t0 = time.time()
        server.restart(mode, down_s=DOWN_S)
        ready = time.time()
        exits = [r.finish(timeout_s=300) for r in runners]
    result = assess(
        setup,
        witness,
        after_fault=witness.snapshot(),
        next_run=False,
        detect_since=None,
        exits=exits,
    )
    evaluations = setup.records().evaluations
    back = [
        _first_stored_after(witness, {e.number for e in evaluations if e.pid == r.pid}, ready)
        for r in runners
    ]
    result.detect_s = None if any(b is None for b in back) else max(b for b in back if b)
    result.times["outage_s"] = ready - t0
    return result


@contextlib.contextmanager
def small_disk(directory: Path) -> Iterator[int]:
    """A ``DISK_SIZE`` tmpfs on ``directory`` in a mount namespace of its own; yields the
    pid of a process inside it, to enter it with ``nsenter -t PID -m``.

    (Not reached through ``/proc/<pid>/root``: SQLite resolves that symbolic link and
    would open the file of the same name outside the namespace.)
    """
    directory.mkdir(parents=True, exist_ok=True)
    script = f'mount -t tmpfs -o size={DISK_SIZE} tmpfs "$0" && exec sleep 3600'
    holder = subprocess.Popen(["unshare", "--mount", "sh", "-c", script, str(directory)])
    try:
        deadline = time.monotonic() + 10
        mounts = Path(f"/proc/{holder.pid}/mountinfo")
        while f" {directory} " not in mounts.read_text():
            if holder.poll() is not None or time.monotonic() > deadline:
                raise HarnessError(f"could not mount a tmpfs on {directory}")
            time.sleep(0.01)
        yield holder.pid
    finally:
        holder.kill()
        holder.wait()


def _fill(path: Path) -> None:
    """Write ``path`` until the disk is full."""
    with path.open("wb") as f:
        try:
            while True:
                f.write(b"0" * 65536)
                f.flush()
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise


def disk_full(setup: Setup, disk: Path) -> Assessment:
    """Fault 6: the SQLite file's disk (a 4 MB tmpfs) is full for 1.5 s mid-study.

    Runs inside the disk's mount namespace (see ``inside_disk``), runners and witness
    alike. Time to detect: from the space being freed until the runner stores its
    next trial.
    """
    with Witness(setup.reader_url, setup.study, interval_s=0.03) as witness:
        env = {"HS_FAULTS_PADDING": str(PADDING_BYTES)}
        runner = setup.start("runner", setup.command(DISK), env=env)
        setup.wait_records(lambda r: n_returned(r) >= 5, "five results")
        filler = disk / "filler"
        _fill(filler)
        full = time.time()
        time.sleep(DISK_FULL_S)
        os.remove(filler)
        freed = time.time()
        exits = [runner.finish(timeout_s=300)]
    result = assess(
        setup,
        witness,
        after_fault=witness.snapshot(),
        next_run=False,
        detect_since=None,
        exits=exits,
    )
    numbers = {e.number for e in setup.records().evaluations}
    result.detect_s = _first_stored_after(witness, numbers, freed)
    result.times["full_s"] = freed - full
    # The fault was felt, not dodged: nothing could be stored while the disk was full.
    result.times["stored_while_full"] = float(
        sum(full < t["COMPLETE"] < freed for t in witness.first_seen.values() if "COMPLETE" in t)
    )
    return result
