"""Executors: where trials run (this thread, worker processes, a Dask cluster)."""

from hypersense.execution.base import Executor
from hypersense.execution.inline import InlineExecutor
from hypersense.execution.outcome import ObjectiveError, TrialOutcome, TrialTask
from hypersense.execution.process import ProcessExecutor

__all__ = [
    "Executor",
    "InlineExecutor",
    "ObjectiveError",
    "ProcessExecutor",
    "TrialOutcome",
    "TrialTask",
]
