"""The fault matrix: which faults run on which backend through which interface, and
the loop that runs every cell ``repeats`` times and writes the raw results."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.faults.harness import Assessment, Setup

from benchmarks.faults import kills, outages, processes, sharing

SIGNALS = {"SIGKILL": signal.SIGKILL, "SIGTERM": signal.SIGTERM}

#: fault -> its variants (and the backends it applies to; None: every backend)
FAULTS: dict[str, tuple[tuple[str, ...], tuple[str, ...] | None]] = {
    "worker-kill": (("SIGKILL", "SIGTERM"), None),
    "coordinator-kill": (("SIGKILL", "SIGTERM"), None),
    "runner-kill": (("SIGKILL", "SIGTERM"), None),
    "postgres-restart": (("fast", "immediate"), ("postgres",)),
    "clock-skew": (("+5min/-5min",), None),
    "disk-full": (("1.5s",), ("sqlite",)),
    "grid": (("4 processes",), None),
    "cross-host-kill": (("SIGKILL",), None),
}
INTERFACES = ("api", "cli")
BACKENDS = ("sqlite", "postgres")


@dataclass(frozen=True)
class Cell:
    """One fault variant on one backend through one interface."""

    fault: str
    variant: str
    backend: str
    interface: str

    @property
    def key(self) -> str:
        return f"{self.fault}/{self.variant}/{self.backend}/{self.interface}"


def cells(faults: Sequence[str], backends: Sequence[str], interfaces: Sequence[str]) -> list[Cell]:
    """Every cell of the chosen faults, backends and interfaces, in matrix order."""
    found = []
    for fault in faults:
        variants, only = FAULTS[fault]
        for backend in backends:
            if only is not None and backend not in only:
                continue
            for variant in variants:
                found += [Cell(fault, variant, backend, i) for i in interfaces]
    return found


def _scenario(cell: Cell, server: Any) -> Callable[[Setup], Assessment]:
    if cell.fault == "worker-kill":
        return lambda s: kills.worker_kill(s, SIGNALS[cell.variant])
    if cell.fault == "coordinator-kill":
        return lambda s: kills.coordinator_kill(s, SIGNALS[cell.variant])
    if cell.fault == "runner-kill":
        return lambda s: kills.independent_kill(s, SIGNALS[cell.variant])
    if cell.fault == "postgres-restart":
        return lambda s: outages.postgres_restart(s, server, cell.variant)
    if cell.fault == "clock-skew":
        return sharing.clock_skew
    if cell.fault == "grid":
        return sharing.grid
    if cell.fault == "cross-host-kill":
        return kills.cross_host_kill
    raise ValueError(f"no scenario for {cell.fault!r}")


def _repetition(cell: Cell, rep: int, root: Path, database: str | None, server: Any) -> Assessment:
    log_dir = root / cell.key.replace("/", "_").replace("+", "p") / f"rep{rep:03d}"
    log_dir.mkdir(parents=True)
    tag = f"{uuid.uuid4().hex}"
    study = f"{cell.fault.replace('-', '_')}_{rep}"
    if cell.fault == "disk-full":
        return _inside_disk(cell, study, log_dir, tag)
    url = database if database is not None else f"sqlite:///{log_dir / 'study.db'}"
    setup = Setup(cell.interface, url, url, study, log_dir, tag)
    return _guarded(lambda: _scenario(cell, server)(setup), setup)


def _inside_disk(cell: Cell, study: str, log_dir: Path, tag: str) -> Assessment:
    """A disk-full repetition, run by a process inside the small disk's mount namespace."""
    disk = log_dir / "disk"
    setup = Setup(cell.interface, "", "", study, log_dir, tag)

    def run() -> Assessment:
        with outages.small_disk(disk) as holder:
            args = [cell.interface, study, str(log_dir), tag, str(disk)]
            done = subprocess.run(
                [
                    "nsenter",
                    "-t",
                    str(holder),
                    "-m",
                    "--",
                    sys.executable,
                    "-m",
                    "benchmarks.faults.inside_disk",
                    *args,
                ],
                env=processes.python_env(),
                cwd=processes.REPO,
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
        if done.returncode != 0:
            raise RuntimeError(f"inside_disk failed ({done.returncode}):\n{done.stderr[-3000:]}")
        return Assessment(**json.loads(done.stdout.strip().splitlines()[-1]))

    return _guarded(run, setup)


def _guarded(run: Callable[[], Assessment], setup: Setup) -> Assessment:
    """Run a repetition; a harness problem is recorded as its error, never hidden."""
    try:
        return run()
    except Exception as exc:
        for runner in setup.runners:
            with contextlib.suppress(ProcessLookupError):
                runner.popen.kill()
        left = processes.orphans(setup.tag, timeout_s=0.0)
        message = "".join(traceback.format_exception_only(exc)).strip()
        return Assessment(
            lost=[],
            unfinished_after_fault=[],
            unfinished_after_next=None,
            orphans=left,
            wrongly_failed=[],
            detect_s=None,
            victims=[],
            retried_same_params=[],
            extra_evaluations=0,
            crashes=[],
            n_trials=0,
            n_complete=0,
            error=f"{message}\n{traceback.format_exc(limit=-3)}",
        )


@contextlib.contextmanager
def _postgres(needed: bool) -> Iterator[Any]:
    if not needed:
        yield None
        return
    from tests.postgres_server import running_postgres

    with running_postgres() as server:
        yield server


def _machine() -> dict[str, Any]:
    import platform

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "commit": commit,
        "load_average": list(os.getloadavg()),
    }


def run_matrix(
    chosen: Sequence[Cell],
    *,
    repeats: int,
    out: Path,
    keep_logs: bool = False,
    progress: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Run every cell ``repeats`` times; write the results to ``out`` after each cell."""
    results: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "repeats": repeats,
        "machine": _machine(),
        "settings": settings_summary(),
        "cells": [],
    }
    root = Path(tempfile.mkdtemp(prefix="hs-faults-"))
    start = time.monotonic()
    with _postgres(any(c.backend == "postgres" for c in chosen)) as server:
        for cell in chosen:
            database = server.new_database() if cell.backend == "postgres" else None
            began = time.monotonic()
            reps = []
            for rep in range(repeats):
                t = time.monotonic()
                outcome = _repetition(cell, rep, root / "cells", database, server)
                row = dataclasses.asdict(outcome)
                row["elapsed_s"] = round(time.monotonic() - t, 3)
                reps.append(row)
                if outcome.error:
                    progress(
                        f"  {cell.key} rep {rep}: harness error: {outcome.error.splitlines()[0]}"
                    )
            results["cells"].append({**dataclasses.asdict(cell), "repetitions": reps})
            progress(f"{cell.key}: {repeats} repetitions in {time.monotonic() - began:.0f} s")
            results["elapsed_s"] = round(time.monotonic() - start, 1)
            results["machine"]["load_average_end"] = list(os.getloadavg())
            out.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
    out.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    if not keep_logs:
        subprocess.run(["rm", "-rf", str(root)], check=False)
    else:
        progress(f"logs kept in {root}")
    return results


def settings_summary() -> dict[str, Any]:
    """The settings of every fault, for the results file."""
    runs = {
        "worker-kill": kills.WORKER,
        "coordinator-kill": kills.COORDINATOR,
        "runner-kill": kills.INDEPENDENT,
        "cross-host-kill": kills.CROSS_HOST,
        "postgres-restart": outages.RESTART,
        "disk-full": outages.DISK,
        "clock-skew": sharing.SKEW,
        "grid": sharing.GRID,
    }
    summary: dict[str, Any] = {k: dataclasses.asdict(v) for k, v in runs.items()}
    summary["postgres-restart"]["down_s"] = outages.DOWN_S
    summary["disk-full"].update(
        disk=outages.DISK_SIZE, full_s=outages.DISK_FULL_S, padding_bytes=outages.PADDING_BYTES
    )
    summary["clock-skew"].update(skew_s=sharing.SKEW_S, long_trial_s=sharing.LONG_S)
    return summary
