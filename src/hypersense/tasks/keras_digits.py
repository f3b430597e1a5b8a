"""A Keras 3 MLP classifying scikit-learn's bundled 8x8 digits (``keras-digits-mlp``).

The Keras twin of ``torch-digits-mlp``: the same data, split and sealed test
rows (:func:`~hypersense.tasks.torch_data.split_dataset`), the same training
recipe space (AdamW; learning rate, weight decay, schedule, batch size), and
an MLP of tuned width, depth, dropout and activation, trained with
``model.fit`` under the recipe's Keras optimiser and schedule
(:mod:`hypersense.integrations.keras`). Each epoch's validation accuracy is
reported through :class:`~hypersense.integrations.keras.KerasPruningCallback`,
so a pruner stops hopeless trials; the trial's value is the best epoch's.

Keras runs on its PyTorch backend: ``KERAS_BACKEND=torch`` is set when the
variable is unset and Keras is not imported yet (an explicit choice is left
alone). A run touches no global state beyond that: the layers' initialisers
and dropout get seeds derived from the trial's seed, and Python's, NumPy's
and PyTorch's global generators (Keras shuffles with PyTorch's) are seeded for
the run and restored after it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hypersense._options import check_int, check_number
from hypersense.direction import StudyDirection
from hypersense.integrations.keras import (
    KerasPruningCallback,
    PlateauCallback,
    RecipeSchedule,
    build_optimizer,
    lr_schedule,
)
from hypersense.integrations.keras._backend import import_keras
from hypersense.space.categorical import CategoricalDistribution
from hypersense.space.numeric import FloatDistribution, IntDistribution
from hypersense.space.search_space import SearchSpace
from hypersense.tasks.base import Task
from hypersense.tasks.options import check_optional_int
from hypersense.tasks.torch_data import DatasetSplit, split_dataset
from hypersense.tasks.torch_digits import DIGITS_RECIPE_SPACE
from hypersense.torch.result import TrainingAttr
from hypersense.torch.runtime import torch_threads
from hypersense.torch.seeding import derive_seeds, seeded_global_rngs
from hypersense.trial.trial import FixedTrial, Trial

keras = import_keras()
_Callback: Any = keras.callbacks.Callback

__all__ = ["KERAS_ACTIVATIONS", "KerasDigitsMLPTask"]

#: Activations of the hidden layers (Keras's names; GELU is the exact one, as PyTorch's).
KERAS_ACTIVATIONS = ("relu", "gelu", "tanh")
_N_PIXELS = 64
_N_CLASSES = 10
_MONITOR = "val_accuracy"


@dataclass(frozen=True)
class _Run:
    """One training run: the model (best epoch's weights) and its curves."""

    model: Any
    val_accuracy: list[float]
    best_epoch: int | None

    @property
    def best_value(self) -> float:
        return math.nan if self.best_epoch is None else self.val_accuracy[self.best_epoch]


class _BestEpoch(_Callback):  # type: ignore[misc]
    """Record each epoch's losses and validation accuracy, keep the best epoch's
    weights and put them back when training ends."""

    def __init__(self) -> None:
        super().__init__()
        self.curves: dict[str, list[float]] = {"loss": [], "val_loss": [], _MONITOR: []}
        self.best_epoch: int | None = None
        self._best_weights: list[Any] | None = None

    def on_epoch_end(self, epoch: int, logs: Mapping[str, Any] | None = None) -> None:
        logs = logs or {}
        for name, values in self.curves.items():
            values.append(float(logs.get(name, math.nan)))
        value = self.curves[_MONITOR][-1]
        best = -math.inf if self.best_epoch is None else self.curves[_MONITOR][self.best_epoch]
        if math.isfinite(value) and value > best:
            self.best_epoch = epoch
            # Backend tensors, not get_weights()'s NumPy copies: on the torch
            # backend those go through Tensor.__array__, which NumPy 2 warns about.
            ops = keras.ops
            self._best_weights = [ops.copy(ops.stop_gradient(v.value)) for v in self.model.weights]

    def on_train_end(self, logs: Mapping[str, Any] | None = None) -> None:
        if self._best_weights is not None:
            for variable, best in zip(self.model.weights, self._best_weights, strict=True):
                variable.assign(best)


class KerasDigitsMLPTask(Task):
    """A Keras MLP on the digits' 64 pixels (scaled to [0, 1]), maximising accuracy.

    Parameters: the recipe's ``lr``, ``weight_decay``, ``schedule`` and
    ``batch_size`` (AdamW), then ``width``, ``depth``, ``dropout`` and
    ``activation`` of the hidden layers.

    Args:
        space: Distributions to suggest (default: :meth:`default_space`).
        max_epochs: Training epochs per run (the schedule's horizon).
        patience: Stop a run after this many epochs without a better
            validation accuracy (None: train every epoch).
        validation_fraction: Share of all rows used for validation, in [0.01, 0.5].
        test_fraction: Share of all rows held out for the final test, in
            [0, 0.5]; 0 holds out none (no :meth:`evaluate_test`).
        split_seed: Seed of the split.
        n_threads: PyTorch CPU threads per run (None: its default).
    """

    name = "keras-digits-mlp"
    direction = StudyDirection.MAXIMIZE
    metric_name = "accuracy"

    def __init__(
        self,
        *,
        space: Mapping[str, Any] | None = None,
        max_epochs: int = 20,
        patience: int | None = None,
        validation_fraction: float = 0.2,
        test_fraction: float = 0.2,
        split_seed: int = 0,
        n_threads: int | None = 1,
    ) -> None:
        super().__init__(space=space)
        self._max_epochs = check_int("max_epochs", max_epochs, minimum=1)
        self._patience = check_optional_int("patience", patience, minimum=1)
        self._validation_fraction = check_number(
            "validation_fraction", validation_fraction, minimum=0.01, maximum=0.5
        )
        self._test_fraction = check_number("test_fraction", test_fraction, minimum=0.0, maximum=0.5)
        self._split_seed = check_int("split_seed", split_seed, minimum=0)
        self._n_threads = check_optional_int("n_threads", n_threads, minimum=1)
        self._data: DatasetSplit | None = None

    @classmethod
    def default_space(cls) -> SearchSpace:
        """The digits recipe space of the PyTorch tasks, then width (log scale),
        depth, dropout and activation of the hidden layers."""
        return SearchSpace(
            {
                **DIGITS_RECIPE_SPACE.tuned,
                "width": IntDistribution(16, 256, log=True),
                "depth": IntDistribution(1, 3),
                "dropout": FloatDistribution(0.0, 0.5),
                "activation": CategoricalDistribution(KERAS_ACTIVATIONS),
            }
        )

    @property
    def has_test_set(self) -> bool:
        return self._test_fraction > 0.0

    def data(self) -> DatasetSplit:
        """The split data (test rows sealed), built on first use and kept."""
        if self._data is None:
            self._data = split_dataset(
                "digits",
                validation_fraction=self._validation_fraction,
                test_fraction=self._test_fraction,
                seed=self._split_seed,
            )
        return self._data

    def objective(self, trial: Trial) -> float:
        """Train on the training rows, validating every epoch; the best epoch's accuracy."""
        params = self.suggest_params(trial)
        data = self.data()
        with data.test.sealed():
            return self.train(params, seed=trial.seed, trial=trial).best_value

    def evaluate_test(self, params: Mapping[str, Any], *, seed: int = 0) -> float:
        """Train ``params`` as the search did (best epoch on the validation rows)
        under ``seed``; return the accuracy on the test rows, their only read."""
        if not self.has_test_set:
            raise NotImplementedError(
                f"task {self.name!r} was built with test_fraction=0 and has no test set"
            )
        checked = self.suggest_params(FixedTrial(params, seed=seed))
        run = self.train(checked, seed=seed, trial=None)
        x_test, y_test = self.data().test.read()
        with torch_threads(self._n_threads):
            scores = run.model.evaluate(x_test, y_test, verbose=0, return_dict=True)
        return float(scores["accuracy"])

    def build_model(self, params: Mapping[str, Any], *, seed: int) -> Any:
        """A fresh MLP (logits out) for ``params``; ``seed`` fixes its initial
        weights and dropout masks."""
        depth = int(params["depth"])
        seeds = iter(derive_seeds(seed, 2 * depth + 1))
        layers: list[Any] = [keras.Input((_N_PIXELS,))]
        for _ in range(depth):
            layers.append(
                keras.layers.Dense(
                    int(params["width"]),
                    activation=str(params["activation"]),
                    kernel_initializer=keras.initializers.GlorotUniform(seed=_seed32(seeds)),
                )
            )
            layers.append(keras.layers.Dropout(float(params["dropout"]), seed=_seed32(seeds)))
        layers.append(
            keras.layers.Dense(
                _N_CLASSES, kernel_initializer=keras.initializers.GlorotUniform(_seed32(seeds))
            )
        )
        return keras.Sequential(layers)

    def train(self, params: Mapping[str, Any], *, seed: int, trial: Trial | None) -> _Run:
        """One run on the training rows, validated each epoch; with a ``trial``,
        each epoch is reported to it (a pruned run raises TrialPruned) and the
        curves are stored on it."""
        data = self.data()
        recipe = DIGITS_RECIPE_SPACE.recipe_from_params(params)
        x, y = data.x[data.train], data.y[data.train]
        steps_per_epoch = math.ceil(len(y) / recipe.batch_size)
        best = _BestEpoch()
        with seeded_global_rngs(seed), torch_threads(self._n_threads):
            model = self.build_model(params, seed=seed)
            schedule = lr_schedule(
                recipe, n_epochs=self._max_epochs, steps_per_epoch=steps_per_epoch
            )
            model.compile(
                optimizer=build_optimizer(recipe, learning_rate=schedule),
                loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                metrics=["accuracy"],
            )
            callbacks = [best, *self._callbacks(schedule, trial)]
            try:
                model.fit(
                    x,
                    y,
                    validation_data=(data.x[data.validation], data.y[data.validation]),
                    epochs=self._max_epochs,
                    batch_size=recipe.batch_size,
                    verbose=0,
                    callbacks=callbacks,
                )
            finally:
                if trial is not None:
                    _store_curves(trial, best, recipe.to_dict())
        return _Run(model=model, val_accuracy=best.curves[_MONITOR], best_epoch=best.best_epoch)

    def _callbacks(self, schedule: Any, trial: Trial | None) -> list[Any]:
        """Early stopping, plateau reductions and pruning, as the options ask;
        the pruning callback last, so the others' end hooks run before it raises."""
        callbacks: list[Any] = []
        if self._patience is not None:
            callbacks.append(
                keras.callbacks.EarlyStopping(monitor=_MONITOR, mode="max", patience=self._patience)
            )
        if isinstance(schedule, RecipeSchedule) and schedule.recipe.schedule == "plateau":
            callbacks.append(PlateauCallback(schedule, monitor=_MONITOR, minimize=False))
        if trial is not None:
            callbacks.append(KerasPruningCallback(trial, monitor=_MONITOR))
        return callbacks


def _seed32(seeds: Any) -> int:
    """The next derived seed, cut to Keras's 32 bits."""
    return int(next(seeds)) % 2**31


def _store_curves(trial: Trial, best: _BestEpoch, recipe: dict[str, Any]) -> None:
    """The run's per-epoch curves and best epoch, under hypersense.torch's keys."""
    trial.set_user_attr(TrainingAttr.TRAIN_LOSS, best.curves["loss"])
    trial.set_user_attr(TrainingAttr.VAL_LOSS, best.curves["val_loss"])
    trial.set_user_attr(TrainingAttr.VAL_METRIC, best.curves[_MONITOR])
    trial.set_user_attr(TrainingAttr.BEST_EPOCH, best.best_epoch)
    trial.set_user_attr(TrainingAttr.RECIPE, recipe)
