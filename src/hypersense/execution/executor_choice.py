"""Choosing the executor of an ``optimize`` call from ``n_jobs``."""

from __future__ import annotations

import os

from hypersense.execution.base import Executor
from hypersense.execution.inline import InlineExecutor
from hypersense.execution.process import ProcessExecutor

__all__ = ["ExecutorSpec", "make_executor", "resolve_n_jobs"]

#: What ``optimize(executor=...)`` accepts: an executor, or None to follow n_jobs.
ExecutorSpec = Executor | None


def resolve_n_jobs(n_jobs: int) -> int:
    """``n_jobs`` as a worker count: -1 means one per CPU."""
    if not isinstance(n_jobs, int) or isinstance(n_jobs, bool) or n_jobs == 0 or n_jobs < -1:
        raise ValueError(f"`n_jobs` must be a positive integer or -1 (got {n_jobs!r})")
    return os.cpu_count() or 1 if n_jobs == -1 else n_jobs


def make_executor(n_jobs: int) -> Executor:
    """In-thread for one job, worker processes for more."""
    n = resolve_n_jobs(n_jobs)
    return InlineExecutor() if n == 1 else ProcessExecutor(n)
