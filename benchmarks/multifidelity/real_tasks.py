"""The built-in PyTorch tasks as multi-fidelity problems (CPU, bundled data only).

Each trial trains with the task's own code (:meth:`TorchTask.train`, i.e.
:func:`hypersense.torch.fit` with the task's model, data, split, loss and
recipe) for at most ``n_epochs`` epochs; after each epoch its validation error
(1 - accuracy for the digits, the RMSE for diabetes) goes to the method, and
training stops when the method says so. The task's split is fixed
(``split_seed=0``: 60% training, 20% validation, 20% test rows, the test rows
sealed and unused); the benchmark seed is the training seed of every trial,
so a configuration has the same curve in every method of a seed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import hypersense as hs
from benchmarks.multifidelity.problems import EpochCallback
from benchmarks.multifidelity.records import TrialRecord
from hypersense.direction import StudyDirection
from hypersense.space.base import Distribution
from hypersense.tasks.registry import make_task
from hypersense.tasks.torch_task import TorchTask
from hypersense.trial.trial import FixedTrial

__all__ = ["TASKS", "TorchTaskProblem"]

#: Benchmark task name to the registered hypersense task.
TASKS: dict[str, str] = {
    "digits-mlp": "torch-digits-mlp",
    "digits-cnn": "torch-digits-cnn",
    "tabular": "torch-diabetes-mlp",
}


class _EpochRelay(FixedTrial):
    """A trial of fixed parameters whose epoch reports go to ``on_epoch``, which
    decides whether training stops (the task's training loop asks
    ``should_prune`` after each report)."""

    def __init__(
        self, params: Mapping[str, Any], *, seed: int, on_epoch: EpochCallback, maximize: bool
    ) -> None:
        super().__init__(params, seed=seed)
        self._on_epoch = on_epoch
        self._maximize = maximize
        self.errors: list[float] = []
        self._stop = False

    def report(self, value: float | Sequence[float], step: int) -> None:
        super().report(value, step)
        score = float(value[0]) if isinstance(value, Sequence) else float(value)
        error = 1.0 - score if self._maximize else score
        self.errors.append(error)
        self._stop = self._on_epoch(step, error)

    def should_prune(self) -> bool:
        return self._stop


class TorchTaskProblem:
    """A registered PyTorch task trained for at most ``n_epochs`` epochs, one thread."""

    def __init__(self, name: str, n_epochs: int) -> None:
        if name not in TASKS:
            raise ValueError(f"unknown task {name!r}; choose from {sorted(TASKS)}")
        self.name = name
        self.n_epochs = n_epochs
        task = make_task(TASKS[name], {"max_epochs": n_epochs, "n_threads": 1, "device": "cpu"})
        assert isinstance(task, TorchTask)
        self._task = task
        # Accuracy becomes an error; a minimised metric (RMSE) is one already.
        self._maximize = task.direction == StudyDirection.MAXIMIZE

    def space(self) -> dict[str, Distribution]:
        return dict(self._task.space.items())

    def train(self, params: Mapping[str, Any], seed: int, on_epoch: EpochCallback) -> TrialRecord:
        data = self._task.data()
        relay = _EpochRelay(params, seed=seed, on_epoch=on_epoch, maximize=self._maximize)
        try:
            self._task.train(params, data.train, data.validation, seed=seed, trial=relay)
        except hs.TrialPruned:
            return TrialRecord(len(relay.errors), False, None, None)
        errors = relay.errors
        if len(errors) < self.n_epochs:  # training diverged (a non-finite loss)
            return TrialRecord(len(errors), False, None, None)
        return TrialRecord(self.n_epochs, True, errors[-1], errors[-1])
