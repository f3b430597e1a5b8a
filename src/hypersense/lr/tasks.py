"""The range test on a built-in PyTorch task (``torch-digits-mlp`` ...).

A task's space tunes the architecture as well as the recipe, and a range test
needs one model: the *reference configuration*. Parameters given (by the
caller, or fixed in a config's space) keep their values; every other one takes
the middle of its distribution (``Distribution.middle``: the geometric middle of a
log range, the middle choice of a categorical). The test then trains the
task's model on the task's training rows with the task's loss, optimiser
(with its momentum, betas and weight decay) and batch size, under the task's
thread and device settings; the learning rate is the one thing it varies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from hypersense.lr.batch_scaling import BatchSizeStudy
from hypersense.lr.batch_size import study_from_range_tests
from hypersense.lr.range_finder import range_test
from hypersense.lr.result import RangeTestResult
from hypersense.space.base import Distribution
from hypersense.tasks.base import Task
from hypersense.tasks.registry import make_task
from hypersense.tasks.torch_task import TorchTask

__all__ = [
    "reference_params",
    "task_batch_size_study",
    "task_context",
    "task_range_test",
    "torch_task",
]

_OPTIMIZER_FIELDS = ("momentum", "nesterov", "beta1", "beta2", "weight_decay")


def reference_params(
    space: Mapping[str, Distribution], given: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The given values, and the middle of every other distribution of ``space``.

    Raises:
        ValueError: ``given`` names a parameter the space does not have.
    """
    given = dict(given or {})
    unknown = sorted(set(given) - set(space))
    if unknown:
        raise ValueError(
            f"`params` names unknown parameter(s) {unknown}; the task's are {list(space)}"
        )
    return {name: given.get(name, dist.middle()) for name, dist in space.items()}


def torch_task(task: Task | str, options: Mapping[str, Any] | None = None) -> TorchTask:
    """``task`` (or the task registered under that name, built with ``options``),
    checked to be a PyTorch task a range test can train."""
    built = make_task(task, options) if isinstance(task, str) else task
    if not isinstance(built, TorchTask):
        name = getattr(built, "name", type(built).__name__)
        raise TypeError(
            f"a range test trains a PyTorch task with one model and one training loss; "
            f"task {name!r} is not one (torch-digits-mlp, torch-digits-cnn, "
            "torch-breast-cancer-mlp and torch-diabetes-mlp are)"
        )
    return built


def task_range_test(
    task: Task | str,
    *,
    params: Mapping[str, Any] | None = None,
    task_options: Mapping[str, Any] | None = None,
    **options: Any,
) -> RangeTestResult:
    """Run :func:`~hypersense.lr.range_test` on a task's reference configuration.

    Args:
        task: A PyTorch task, or its registered name.
        params: Values of some of the task's parameters (the rest take the
            middle of their distributions); ``lr`` is ignored (ramped).
        task_options: Keyword options building a task given by name.
        **options: Options of :func:`~hypersense.lr.range_test` (``num_steps``,
            ``seeds``, ``start_lr``, ``end_lr`` ...). A ``batch_size`` replaces
            the configuration's (the task drops a lonely last row for it).

    Raises:
        TypeError: ``task`` is no PyTorch task.
        ValueError: ``params`` names an unknown parameter, or a bad option.
    """
    built = torch_task(task, task_options)
    values = reference_params(built.space, params)
    if "batch_size" in options and "batch_size" in values:
        values["batch_size"] = options["batch_size"]
    setup = built.training_setup(values)
    recipe = setup.recipe
    settings: dict[str, Any] = {
        "optimizer": recipe.optimizer,
        "optimizer_options": {k: getattr(recipe, k) for k in _OPTIMIZER_FIELDS},
        "batch_size": recipe.batch_size,
        "n_threads": setup.n_threads,
        "device": setup.device,
        **options,
    }
    return range_test(setup.model_factory, train=setup.train, loss=setup.loss, **settings)


def task_context(task: TorchTask, params: Mapping[str, Any] | None) -> dict[str, Any]:
    """What a task's range test trained, JSON-ready, to store with its result."""
    values = reference_params(task.space, params)
    values.pop("lr", None)
    return {"task": task.name, "params": values}


def task_batch_size_study(
    task: Task | str,
    *,
    batch_sizes: Sequence[int],
    params: Mapping[str, Any] | None = None,
    task_options: Mapping[str, Any] | None = None,
    confidence: float = 0.95,
    **options: Any,
) -> BatchSizeStudy:
    """:func:`task_range_test` at each batch size, and the power law through them.

    Args:
        task: A PyTorch task, or its registered name.
        batch_sizes: Three or more distinct batch sizes.
        params: Values of some of the task's parameters (see :func:`task_range_test`).
        task_options: Keyword options building a task given by name.
        confidence: Coverage of the exponent's interval.
        **options: Options of :func:`~hypersense.lr.range_test`.
    """
    built = torch_task(task, task_options)

    def run(batch: int) -> RangeTestResult:
        return task_range_test(built, params=params, batch_size=batch, **options)

    return study_from_range_tests(run, batch_sizes, confidence=confidence)
