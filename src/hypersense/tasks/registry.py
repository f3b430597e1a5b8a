"""Built-in tasks by name, for configuration files and the command line.

Each entry is ``module:Class``, imported only when asked for, so listing the
names costs nothing and a task's libraries load only when it runs (PyTorch is
imported only when a ``torch-*`` task is asked for; without it, the lookup
raises :class:`~hypersense.MissingDependencyError` naming the extra).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from hypersense.space.base import Distribution
from hypersense.tasks.base import Task

__all__ = ["TASKS", "make_task", "task_class"]

TASKS: dict[str, str] = {
    "sklearn-digits-mlp": "hypersense.tasks.sklearn_digits:DigitsMLPTask",
    "torch-digits-mlp": "hypersense.tasks.torch_digits:TorchDigitsMLPTask",
    "torch-digits-cnn": "hypersense.tasks.torch_digits:TorchDigitsCNNTask",
    "torch-breast-cancer-mlp": "hypersense.tasks.torch_tabular:BreastCancerMLPTask",
    "torch-diabetes-mlp": "hypersense.tasks.torch_tabular:DiabetesMLPTask",
    "torch-digits-transfer": "hypersense.tasks.torch_transfer:DigitsTransferTask",
}


def task_class(name: str) -> type[Task]:
    """The task class registered as ``name``; ValueError naming the choices."""
    key = name.strip().lower() if isinstance(name, str) else name
    if key not in TASKS:
        raise ValueError(f"unknown task {name!r}; choose one of {sorted(TASKS)}")
    module_name, _, class_name = TASKS[key].partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    if not (isinstance(cls, type) and issubclass(cls, Task)):
        raise TypeError(f"{TASKS[key]} is not a Task subclass")
    return cls


def make_task(
    name: str,
    options: Mapping[str, Any] | None = None,
    *,
    space: Mapping[str, Distribution] | None = None,
) -> Task:
    """Build the task registered as ``name`` with keyword ``options`` and ``space``.

    A bad option raises a TypeError naming the task and the option.
    """
    cls = task_class(name)
    try:
        return cls(space=space, **dict(options or {}))
    except TypeError as exc:
        raise TypeError(f"bad options for task {name!r}: {exc}") from exc
