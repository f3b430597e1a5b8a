"""Connecting the DaskExecutor to a cluster, and measuring the room it has."""

from __future__ import annotations

import contextlib
import importlib
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hypersense.errors import ExecutorError
from hypersense.execution.executor_choice import usable_cpu_count

__all__ = ["DaskConnection", "cluster_capacity", "wait_for_room"]

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
