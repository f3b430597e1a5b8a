"""Executors: where trials run (this thread, worker processes, a Dask cluster)."""

from hypersense.execution.base import Executor
from hypersense.execution.dask import DaskExecutor
from hypersense.execution.inline import InlineExecutor
from hypersense.execution.outcome import ObjectiveError, TrialOutcome, TrialTask
from hypersense.execution.process import ProcessExecutor
from hypersense.execution.registry import (
    EXECUTOR_REGISTRY,
    EXECUTORS,
    create_executor,
    executor_class,
)

__all__ = [
    "EXECUTORS",
    "EXECUTOR_REGISTRY",
    "DaskExecutor",
    "Executor",
    "InlineExecutor",
    "ObjectiveError",
    "ProcessExecutor",
    "TrialOutcome",
    "TrialTask",
    "create_executor",
    "executor_class",
]
