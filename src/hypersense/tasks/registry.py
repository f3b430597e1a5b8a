"""Tasks by name, for configuration files and the command line.

Built-in entries are ``module:Class``, imported only when asked for, so listing
the built-in names costs nothing and a task's libraries load only when it runs
(PyTorch is imported only when a ``torch-*`` task is asked for, Keras only for
a ``keras-*`` one; without it, the lookup raises
:class:`~hypersense.MissingDependencyError` naming the extra).
Other packages add tasks through entry points in the group ``hypersense.tasks``
(see :mod:`hypersense.registry`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hypersense.registry import Registry
from hypersense.space.base import Distribution
from hypersense.tasks.base import Task

__all__ = ["TASKS", "TASK_REGISTRY", "make_task", "task_class"]

#: Built-in task names to ``module:Class``.
TASKS: dict[str, str] = {
    "sklearn-digits-mlp": "hypersense.tasks.sklearn_digits:DigitsMLPTask",
    "torch-digits-mlp": "hypersense.tasks.torch_digits:TorchDigitsMLPTask",
    "torch-digits-cnn": "hypersense.tasks.torch_digits:TorchDigitsCNNTask",
    "torch-breast-cancer-mlp": "hypersense.tasks.torch_tabular:BreastCancerMLPTask",
    "torch-diabetes-mlp": "hypersense.tasks.torch_tabular:DiabetesMLPTask",
    "torch-digits-transfer": "hypersense.tasks.torch_transfer:DigitsTransferTask",
    "keras-digits-mlp": "hypersense.tasks.keras_digits:KerasDigitsMLPTask",
}

#: Built-in tasks and those of installed plugins.
TASK_REGISTRY: Registry[Task] = Registry("task", Task, TASKS, group="hypersense.tasks")


def task_class(name: str) -> type[Task]:
    """The task class registered as ``name``; ValueError naming the choices."""
    return TASK_REGISTRY.get(name)


def make_task(
    name: str,
    options: Mapping[str, Any] | None = None,
    *,
    space: Mapping[str, Distribution] | None = None,
) -> Task:
    """Build the task registered as ``name`` with keyword ``options`` and ``space``.

    A bad option raises a TypeError naming the task and the option.
    """
    return TASK_REGISTRY.create(name, options, space=space)
