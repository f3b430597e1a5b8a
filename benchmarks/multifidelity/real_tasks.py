"""The built-in PyTorch tasks as multi-fidelity problems (CPU, bundled data only).

Each trial trains with the task's own code (:meth:`TorchTask.train`, i.e.
:func:`hypersense.torch.fit` with the task's model, data, split, loss and
recipe) for at most ``n_epochs`` epochs; after each epoch a signal goes to the
method, and training stops when the method says so. The signal is the
validation error (1 - accuracy for the digits, the RMSE for diabetes) or, with
``signal="loss"``, the validation loss (cross-entropy for the digits, the mean
squared error of the scaled target for diabetes); either way the trial's final
value is its validation error after the last epoch, and the training is the
same (the task still monitors its metric: early stopping, plateau schedule).
The task's split is fixed
(``split_seed=0``: 60% training, 20% validation, 20% test rows, the test rows
sealed and unused); the benchmark seed is the training seed of every trial,
so a configuration has the same curve in every method of a seed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import hypersense as hs
from benchmarks.multifidelity.problems import SIGNALS, EpochCallback
from benchmarks.multifidelity.records import TrialRecord
from hypersense.direction import StudyDirection
from hypersense.space.base import Distribution
from hypersense.tasks.registry import task_class
from hypersense.tasks.torch_task import Prepared, TorchTask
from hypersense.trial.trial import FixedTrial

__all__ = ["TASKS", "TorchTaskProblem"]

#: Benchmark task name to the registered hypersense task.
TASKS: dict[str, str] = {
    "digits-mlp": "torch-digits-mlp",
    "digits-cnn": "torch-digits-cnn",
    "tabular": "torch-diabetes-mlp",
}


class _LossBesideMetric:
    """The task's validation metric, recording the batch's loss beside it.

    The task validates in one batch (``eval_batch_size`` = the validation
    rows), so the recorded loss is the epoch's validation loss, and it is
    recorded just before the epoch's report.
    """

    def __init__(self, metric: Any, loss: Any, sink: list[float]) -> None:
        self._metric, self._loss, self._sink = metric, loss, sink

    def __call__(self, outputs: Any, target: Any) -> Any:
        self._sink.append(float(self._loss(outputs, target)))
        return self._metric(outputs, target)


def _task_recording_losses(name: str, n_epochs: int, sink: list[float]) -> TorchTask:
    """The registered task ``name`` whose validation also appends each epoch's
    validation loss to ``sink``; its training is the task's own."""
    base = task_class(TASKS[name])
    assert issubclass(base, TorchTask)

    class Recording(base):  # type: ignore[misc,valid-type]
        def metric(self, prepared: Prepared) -> Any:
            return _LossBesideMetric(super().metric(prepared), self.loss(prepared), sink)

    task = Recording(max_epochs=n_epochs, n_threads=1, device="cpu")
    assert isinstance(task, TorchTask)
    return task


class _EpochRelay(FixedTrial):
    """A trial of fixed parameters whose epoch reports go to ``on_epoch``, which
    decides whether training stops (the task's training loop asks
    ``should_prune`` after each report). ``on_epoch`` gets the epoch's error,
    or its validation loss (the last of ``losses``) when ``losses`` is given."""

    def __init__(
        self,
        params: Mapping[str, Any],
        *,
        seed: int,
        on_epoch: EpochCallback,
        maximize: bool,
        losses: list[float] | None = None,
    ) -> None:
        super().__init__(params, seed=seed)
        self._on_epoch = on_epoch
        self._maximize = maximize
        self._losses = losses
        self.errors: list[float] = []
        self._stop = False

    def report(self, value: float | Sequence[float], step: int) -> None:
        super().report(value, step)
        score = float(value[0]) if isinstance(value, Sequence) else float(value)
        error = 1.0 - score if self._maximize else score
        self.errors.append(error)
        signal = error if self._losses is None else self._losses[-1]
        self._stop = self._on_epoch(step, signal)

    def should_prune(self) -> bool:
        return self._stop


class TorchTaskProblem:
    """A registered PyTorch task trained for at most ``n_epochs`` epochs, one
    thread, reporting ``signal`` (one of :data:`SIGNALS`) after each epoch."""

    def __init__(self, name: str, n_epochs: int, signal: str = "error") -> None:
        if name not in TASKS:
            raise ValueError(f"unknown task {name!r}; choose from {sorted(TASKS)}")
        if signal not in SIGNALS:
            raise ValueError(f"unknown signal {signal!r}; choose from {list(SIGNALS)}")
        self.name = name
        self.n_epochs = n_epochs
        self.signal = signal
        self._losses: list[float] = []
        task = _task_recording_losses(name, n_epochs, self._losses)
        self._task = task
        # Accuracy becomes an error; a minimised metric (RMSE) is one already.
        self._maximize = task.direction == StudyDirection.MAXIMIZE

    def space(self) -> dict[str, Distribution]:
        return dict(self._task.space.items())

    def train(self, params: Mapping[str, Any], seed: int, on_epoch: EpochCallback) -> TrialRecord:
        data = self._task.data()
        self._losses.clear()
        relay = _EpochRelay(
            params,
            seed=seed,
            on_epoch=on_epoch,
            maximize=self._maximize,
            losses=self._losses if self.signal == "loss" else None,
        )
        try:
            self._task.train(params, data.train, data.validation, seed=seed, trial=relay)
        except hs.TrialPruned:
            return TrialRecord(len(relay.errors), False, None, None)
        errors = relay.errors
        if len(errors) < self.n_epochs:  # training diverged (a non-finite loss)
            return TrialRecord(len(errors), False, None, None)
        return TrialRecord(self.n_epochs, True, errors[-1], errors[-1])
