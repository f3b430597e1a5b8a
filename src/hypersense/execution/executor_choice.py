"""Choosing the executor of an ``optimize`` call from ``n_jobs``."""

from __future__ import annotations

import os

from hypersense.execution.base import Executor
from hypersense.execution.devices import visible_gpus
from hypersense.execution.inline import InlineExecutor
from hypersense.execution.process import ProcessExecutor

__all__ = ["ExecutorSpec", "make_executor", "resolve_n_jobs", "usable_cpu_count"]

#: What ``optimize(executor=...)`` accepts: an executor, or None to follow n_jobs.
ExecutorSpec = Executor | None


def usable_cpu_count() -> int:
    """How many CPUs this process may run on.

    Its CPU affinity where the system has one (``taskset``, cpusets of Slurm,
    Docker ``--cpuset-cpus``), not every CPU of the machine: more workers than
    usable CPUs only contend for them. CPU quotas (``docker --cpus``) are not
    seen.
    """
    process_cpu_count = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if process_cpu_count is not None:
        count = process_cpu_count()
    elif hasattr(os, "sched_getaffinity"):
        count = len(os.sched_getaffinity(0))
    else:
        count = os.cpu_count()
    return max(1, count or 1)


def resolve_n_jobs(n_jobs: int) -> int:
    """``n_jobs`` as a worker count: -1 means one per CPU this process may use."""
    if not isinstance(n_jobs, int) or isinstance(n_jobs, bool) or n_jobs == 0 or n_jobs < -1:
        raise ValueError(f"`n_jobs` must be a positive integer or -1 (got {n_jobs!r})")
    return usable_cpu_count() if n_jobs == -1 else n_jobs


def make_executor(n_jobs: int) -> Executor:
    """In-thread for one job, worker processes for more (one GPU each, in turn,
    when this process sees CUDA devices)."""
    n = resolve_n_jobs(n_jobs)
    if n == 1:
        return InlineExecutor()
    # With CUDA in this process, each worker gets its own device, round-robin.
    return ProcessExecutor(n, gpus=visible_gpus() or None)
