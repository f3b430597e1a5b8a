"""Built-in tasks: ready-made objectives on data sets that ship with installed
packages, runnable by name from a config file (``task: sklearn-digits-mlp``)."""

from hypersense.tasks.base import Task
from hypersense.tasks.registry import TASK_REGISTRY, TASKS, make_task, task_class

__all__ = ["TASKS", "TASK_REGISTRY", "DigitsMLPTask", "Task", "make_task", "task_class"]


def __getattr__(name: str) -> object:
    # scikit-learn's neural network module is imported only when the task is used.
    if name == "DigitsMLPTask":
        from hypersense.tasks.sklearn_digits import DigitsMLPTask

        return DigitsMLPTask
    raise AttributeError(f"module 'hypersense.tasks' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
