"""Connecting the DaskExecutor to a cluster, and measuring the room it has."""

from __future__ import annotations

import contextlib
import importlib
import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hypersense.errors import ExecutorError
from hypersense.execution.executor_choice import usable_cpu_count

__all__ = [
    "DaskConnection",
    "await_scheduler",
    "cluster_capacity",
    "is_scheduler_replaced",
    "restart_workers_in_background",
    "wait_for_room",
]

_log = logging.getLogger(__name__)


def cluster_capacity(
    workers: Mapping[str, Mapping[str, Any]], resources: Mapping[str, float]
) -> int:
    """How many trials needing ``resources`` the ``workers`` can run at once.

    Args:
        workers: Worker address to its ``scheduler_info()`` entry (``nthreads``
            and ``resources``).
        resources: What one trial needs, e.g. ``{"GPU": 1}``; empty: a thread.

    Returns:
        The sum over workers of the threads, each worker limited by how many
        trials its resources hold.
    """
    total = 0
    for info in workers.values():
        slots = int(info.get("nthreads", 0) or 0)
        offered = info.get("resources") or {}
        for name, need in resources.items():
            slots = min(slots, int(float(offered.get(name, 0)) // float(need)))
        total += max(0, slots)
    return total


def wait_for_room(client: Any, resources: Mapping[str, float], *, timeout_s: float) -> None:
    """Wait until a worker of ``client``'s cluster can run a trial needing ``resources``.

    Raises:
        ExecutorError: None could after ``timeout_s`` (a trial would wait forever).
    """
    give_up = time.monotonic() + timeout_s
    while True:
        workers = client.scheduler_info(n_workers=-1).get("workers", {})
        if cluster_capacity(workers, resources) > 0:
            return
        if time.monotonic() > give_up:
            raise ExecutorError(
                f"no Dask worker offers {dict(resources)!r} (the `resources` each trial "
                f"needs) at {client.scheduler.address}; start workers with "
                "`dask worker ADDRESS --resources NAME=AMOUNT`"
            )
        time.sleep(0.1)


def await_scheduler(
    client: Any, resources: Mapping[str, float], *, lost_at: float, window_s: float, shown: str
) -> None:
    """Wait until ``client`` is connected again and a worker has room for a trial.

    A scheduler's workers shut down when they lose it, so a restarted scheduler
    has none until new ones (a supervisor's, or the user's) join it.

    Raises:
        ExecutorError: Either did not happen within ``window_s`` of ``lost_at``
            (``time.monotonic()``), or the client gave up reconnecting; the
            message names the scheduler ``shown``.
    """
    give_up = lost_at + window_s
    while client.status != "running":
        if client.status in ("closed", "closing") or time.monotonic() > give_up:
            raise ExecutorError(
                f"the Dask scheduler {shown} did not come back within {window_s:g} s; "
                "run the study again once it is up"
            )
        time.sleep(0.1)
    try:
        wait_for_room(client, resources, timeout_s=max(0.0, give_up - time.monotonic()))
    except ExecutorError:
        offering = f"offering {dict(resources)!r} " if resources else ""
        raise ExecutorError(
            f"the Dask scheduler {shown} came back, but no worker {offering}joined it "
            f"within {window_s:g} s; start workers and run the study again"
        ) from None


def is_scheduler_replaced(client: Any, scheduler_id: str | None) -> bool:
    """Whether ``client`` is disconnected, or connected to another scheduler than the
    one of id ``scheduler_id`` (a client reconnects by itself to a restarted one)."""
    if client.status != "running":
        return True
    try:
        current = client.scheduler_info(n_workers=0).get("id")
    except OSError:
        return True
    return bool(current != scheduler_id)


def restart_workers_in_background(
    client: Any, addresses: list[str | None]
) -> threading.Thread | None:
    """Restart these workers through their nannies in a thread (None: no address).

    A worker that cannot be restarted (no nanny, or its restart timed out) is
    retired from the cluster instead: its thread is stuck in an objective, and
    the scheduler would otherwise count it as room for the next trial, which
    would wait behind the stuck one forever.
    """
    workers = [a for a in addresses if a is not None]
    if not workers:
        return None

    def restart() -> None:
        try:
            results = client.restart_workers(workers, raise_for_error=False)
            stuck = [w for w in workers if results.get(w) not in ("OK", "removed")]
        except Exception:  # noqa: BLE001 - e.g. no nanny: retire them below
            _log.debug("restarting Dask workers %s failed", workers, exc_info=True)
            stuck = workers
        if not stuck:
            return
        _log.warning("could not restart Dask workers %s; retiring them", stuck)
        try:
            client.retire_workers(stuck, close_workers=True)
        except Exception:  # noqa: BLE001 - the thread can only log
            _log.warning("could not retire Dask workers %s either", stuck, exc_info=True)

    thread = threading.Thread(target=restart, name="hypersense-dask-restart", daemon=True)
    thread.start()
    return thread


@dataclass
class DaskConnection:
    """A client, and what of it (the client, a LocalCluster) the executor owns."""

    client: Any
    owns_client: bool
    cluster: Any = None  #: a LocalCluster started for the executor, closed with it
    shown: str = ""

    def __str__(self) -> str:
        return self.shown

    @classmethod
    def open(
        cls, target: Any, *, n_workers: int | None, reconnect_timeout_s: float
    ) -> DaskConnection:
        """Connect to ``target``: a Client, an address, a cluster, or None (start a
        LocalCluster of ``n_workers`` single-thread processes)."""
        distributed: Any = importlib.import_module("distributed")
        if isinstance(target, distributed.Client):
            return cls(target, owns_client=False, shown=str(target.scheduler_info().get("address")))
        if target is None:
            cluster = distributed.LocalCluster(
                n_workers=n_workers or usable_cpu_count(),
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",  # no fixed port: other clusters may hold 8787
            )
            client = distributed.Client(cluster, set_as_default=False)
            return cls(client, owns_client=True, cluster=cluster, shown=cluster.scheduler_address)
        if not isinstance(target, str) and not hasattr(target, "scheduler_address"):
            raise TypeError(
                "`client_or_address` must be a distributed.Client, a scheduler address "
                f"such as 'tcp://host:8786', a Dask cluster or None (got {target!r})"
            )
        client = distributed.Client(target, set_as_default=False, timeout=reconnect_timeout_s)
        shown = target if isinstance(target, str) else str(target.scheduler_address)
        return cls(client, owns_client=True, shown=shown)

    def close(self) -> None:
        """Stop listening to the scheduler's events; close what this connection owns."""
        with contextlib.suppress(Exception):
            self.client.unsubscribe_topic("all")
        if self.owns_client:
            with contextlib.suppress(Exception):
                self.client.close()
        if self.cluster is not None:
            with contextlib.suppress(Exception):
                self.cluster.close()
