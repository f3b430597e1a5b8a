"""Executors by name, for configuration files and other packages.

Other packages add executors (a cluster, a job queue) through entry points in
the group ``hypersense.executors`` (see :mod:`hypersense.registry`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hypersense.execution.base import Executor
from hypersense.registry import Registry

__all__ = ["EXECUTORS", "EXECUTOR_REGISTRY", "create_executor", "executor_class"]

#: Built-in executor names to ``module:Class``.
EXECUTORS: dict[str, str] = {
    "dask": "hypersense.execution.dask:DaskExecutor",
    "inline": "hypersense.execution.inline:InlineExecutor",
    "process": "hypersense.execution.process:ProcessExecutor",
}

#: Built-in executors and those of installed plugins.
EXECUTOR_REGISTRY: Registry[Executor] = Registry(
    "executor", Executor, EXECUTORS, group="hypersense.executors"
)


def executor_class(name: str) -> type[Executor]:
    """The executor class registered as ``name``; ValueError naming the choices."""
    return EXECUTOR_REGISTRY.get(name)


def create_executor(name: str, options: Mapping[str, Any] | None = None) -> Executor:
    """Build the executor registered as ``name`` with keyword ``options``.

    (:func:`hypersense.execution.executor_choice.make_executor` picks one from
    ``n_jobs`` instead.)
    """
    return EXECUTOR_REGISTRY.create(name, options)
