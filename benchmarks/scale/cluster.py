"""A Dask cluster of real processes (``dask scheduler``, ``dask worker`` with a nanny),
started the way an operator would, so that the fault runs can SIGKILL a worker,
retire one, or kill the scheduler and start it again on the same address."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks.faults import processes

DASK = str(Path(sys.executable).with_name("dask"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ProcessCluster:
    """A scheduler and ``n_workers`` single-thread workers, each its own ``dask worker``
    command (so that a retired worker is replaced by starting one more command).

    Every process carries the tag ``tag`` (see :mod:`benchmarks.faults.processes`), so
    :meth:`close` also finds and kills what the nannies started.
    """

    def __init__(self, log_dir: Path, tag: str, n_workers: int) -> None:
        self.log_dir = log_dir
        self.tag = tag
        self.n_workers = n_workers
        self.address = f"tcp://127.0.0.1:{_free_port()}"
        self.scheduler = self._start_scheduler()
        self.workers = [self._start_worker() for _ in range(n_workers)]
        self.restarted_workers = 0  #: ``dask worker`` commands the supervisor started again
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._supervisor: threading.Thread | None = None

    def supervise(self, interval_s: float = 0.5) -> None:
        """From now on, start again every ``dask worker`` command that ends, as systemd
        or Kubernetes would (Dask workers close when their scheduler is gone)."""

        def loop() -> None:
            while not self._stop.wait(interval_s):
                self.restarted_workers += self.replace_gone_workers()

        self._supervisor = threading.Thread(target=loop, name="supervisor", daemon=True)
        self._supervisor.start()

    def _start_scheduler(self) -> processes.Runner:
        port = self.address.rsplit(":", 1)[1]
        command = [DASK, "scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard"]
        return processes.start("scheduler", command, log_dir=self.log_dir, tag=self.tag)

    def _start_worker(self) -> processes.Runner:
        command = [
            DASK,
            "worker",
            self.address,
            "--nthreads",
            "1",
            "--nworkers",
            "1",
            "--no-dashboard",
            "--death-timeout",
            "120",
        ]
        return processes.start("worker", command, log_dir=self.log_dir, tag=self.tag)

    def replace_gone_workers(self) -> int:
        """Start a worker for each ``dask worker`` command that ended; how many."""
        with self._lock:
            alive = [w for w in self.workers if w.popen.poll() is None]
            started = [self._start_worker() for _ in range(self.n_workers - len(alive))]
            self.workers = alive + started
            return len(started)

    def restart_scheduler(self, *, down_s: float = 0.5) -> None:
        """SIGKILL the scheduler (a crash), wait ``down_s``, start it on the same address."""
        self.scheduler.signal(signal.SIGKILL)
        self.scheduler.popen.wait()
        time.sleep(down_s)
        self.scheduler = self._start_scheduler()

    def wait_for_workers(self, client: Any, timeout_s: float = 120.0) -> float:
        """Seconds until the scheduler lists ``n_workers`` workers (raises on timeout)."""
        start = time.monotonic()
        client.wait_for_workers(self.n_workers, timeout=timeout_s)
        return time.monotonic() - start

    def close(self) -> list[int]:
        """Stop every process of the cluster; returns the pids that had to be SIGKILLed."""
        self._stop.set()
        if self._supervisor is not None:
            self._supervisor.join()
        for runner in [*self.workers, self.scheduler]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(runner.pid, signal.SIGTERM)
        for runner in [*self.workers, self.scheduler]:
            with contextlib.suppress(Exception):
                runner.popen.wait(timeout=20)
        return processes.orphans(self.tag, timeout_s=5.0)


@contextlib.contextmanager
def local_dask_client(n_workers: int) -> Iterator[Any]:
    """A client of a ``LocalCluster`` of ``n_workers`` single-thread worker processes,
    every worker up before it is handed over (so no clock counts their start)."""
    import distributed

    with (
        distributed.LocalCluster(
            n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster, set_as_default=False) as client,
    ):
        client.wait_for_workers(n_workers, timeout=120)
        yield client
