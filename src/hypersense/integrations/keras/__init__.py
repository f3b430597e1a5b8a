"""Keras 3 with hypersense: prune a ``model.fit`` from a trial, and train under a
hypersense training recipe.

- :class:`KerasPruningCallback` reports a metric after every epoch and stops
  a run the trial's pruner gives up on (the trial then ends PRUNED).
- :func:`lr_schedule` and :func:`build_optimizer` turn a
  :class:`~hypersense.torch.TrainingRecipe` (drawn from a trial by a
  :class:`~hypersense.torch.RecipeSpace`) into Keras's learning-rate schedule
  and optimiser, step for step the rates ``hypersense.torch.fit`` uses;
  :class:`PlateauCallback` adds the ``plateau`` schedule's reductions and
  :func:`regularizer` the recipe's weight penalties.

Keras runs on its PyTorch backend: importing this package sets
``KERAS_BACKEND=torch`` when the variable is unset and Keras is not imported
yet (hypersense's ``keras`` extra installs PyTorch, not TensorFlow). Needs
``pip install "hypersense[keras]"``.

In an objective::

    def objective(trial):
        model = build_model(trial.suggest_int("width", 16, 256, log=True))
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        history = model.fit(x, y, validation_data=(x_val, y_val), epochs=20,
                            callbacks=[KerasPruningCallback(trial, "val_accuracy")])
        return max(history.history["val_accuracy"])
"""

from hypersense.integrations._epoch_pruning import MonitorNotFoundError
from hypersense.integrations.keras._backend import import_keras

import_keras()

from hypersense.integrations.keras.optimizers import build_optimizer, regularizer  # noqa: E402
from hypersense.integrations.keras.pruning import KerasPruningCallback  # noqa: E402
from hypersense.integrations.keras.schedules import (  # noqa: E402
    PlateauCallback,
    RecipeSchedule,
    lr_schedule,
)

__all__ = [
    "KerasPruningCallback",
    "MonitorNotFoundError",
    "PlateauCallback",
    "RecipeSchedule",
    "build_optimizer",
    "lr_schedule",
    "regularizer",
]
