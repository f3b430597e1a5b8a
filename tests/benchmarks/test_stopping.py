"""SIGTERM to a benchmark stops its worker processes with it (benchmarks/stopping.py).

Each test runs a small parent program in a subprocess, as a user runs a
benchmark: it starts worker processes that would run for minutes, writes their
process ids, and waits. The test sends SIGTERM to the parent only (as ``kill``
does) and checks that the parent ends with status 143 and no worker is left.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

_POOL = """
import multiprocessing, os, sys, time
from benchmarks.stopping import stop_workers_on_exit

def work(_):
    time.sleep(600)

if __name__ == "__main__":
    out = sys.argv[1]
    pool = multiprocessing.get_context("spawn").Pool(2)
    try:
        with stop_workers_on_exit():
            result = pool.map_async(work, range(2))
            with open(out + ".tmp", "w") as f:
                f.write(" ".join(str(p.pid) for p in multiprocessing.active_children()))
            os.replace(out + ".tmp", out)
            result.get()
    except BaseException:
        pool.terminate()
        raise
"""

_EXECUTOR = """
import multiprocessing, os, sys, time
from concurrent.futures import ProcessPoolExecutor
from benchmarks.stopping import stop_workers_on_exit

def work(_):
    time.sleep(600)

if __name__ == "__main__":
    out = sys.argv[1]
    with (
        ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool,
        stop_workers_on_exit(),
    ):
        futures = [pool.submit(work, i) for i in range(2)]
        while len(multiprocessing.active_children()) < 2:
            time.sleep(0.05)
        with open(out + ".tmp", "w") as f:
            f.write(" ".join(str(p.pid) for p in multiprocessing.active_children()))
        os.replace(out + ".tmp", out)
        for future in futures:
            future.result()
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (ended, not yet reaped by its parent's parent) counts as ended.
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split(")")[-1].split()[0] != "Z"


def _run_and_terminate(program: str, tmp_path: Path) -> tuple[int, list[int]]:
    script, pids_file = tmp_path / "parent.py", tmp_path / "pids"
    script.write_text(textwrap.dedent(program))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    parent = subprocess.Popen([sys.executable, str(script), str(pids_file)], env=env)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while not pids_file.exists():
            assert parent.poll() is None, "the parent ended before starting its workers"
            assert time.monotonic() < deadline, "the workers did not start within 60 s"
            time.sleep(0.05)
        workers = [int(p) for p in pids_file.read_text().split()]
        assert len(workers) == 2
        assert all(_alive(pid) for pid in workers)
        parent.send_signal(signal.SIGTERM)
        status = parent.wait(timeout=30)
    except BaseException:
        _kill(workers)  # a failure must not leave sleeping workers behind
        raise
    finally:
        if parent.poll() is None:
            parent.kill()
    return status, workers


def _kill(pids: list[int]) -> None:
    for pid in pids:
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("program", [_POOL, _EXECUTOR], ids=["pool", "process-pool-executor"])
def test_sigterm_ends_the_benchmark_and_its_workers(program: str, tmp_path: Path) -> None:
    status, workers = _run_and_terminate(program, tmp_path)
    try:
        assert status == 143  # Terminated: 128 + SIGTERM, not killed by the signal (-15)
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(pid) for pid in workers), "a worker outlived its benchmark"
    finally:
        _kill(workers)
