"""PyTorch training helpers: train a model under a tuned recipe in a few lines.

Needs the ``torch`` extra (``pip install "hypersense[torch]"``); ``import
hypersense`` never imports PyTorch, and importing this package without it
raises :class:`~hypersense.MissingDependencyError` naming the extra.

In an objective::

    def objective(trial):
        result = fit(make_model, train=(x_train, y_train), val=(x_val, y_val),
                     loss=torch.nn.functional.cross_entropy, hparams=trial,
                     max_epochs=20, patience=3)
        return result.best_value

Without a study, ``hparams`` is a dict (or a :class:`TrainingRecipe`), and
:func:`fit` is plain, reproducible training with early stopping.
"""

from hypersense._optional import import_optional

import_optional("torch", extra="torch", purpose="hypersense.torch (the PyTorch training helpers)")

from hypersense.torch.data import TensorBatches, make_batches  # noqa: E402
from hypersense.torch.early_stopping import EarlyStopping  # noqa: E402
from hypersense.torch.loop import fit  # noqa: E402
from hypersense.torch.optimizers import build_optimizer  # noqa: E402
from hypersense.torch.recipe import OPTIMIZERS, SCHEDULES, TrainingRecipe  # noqa: E402
from hypersense.torch.result import StopReason, TrainingAttr, TrainingResult  # noqa: E402
from hypersense.torch.schedules import lr_trajectory  # noqa: E402
from hypersense.torch.seeding import seeded_global_rngs  # noqa: E402
from hypersense.torch.spaces import RecipeSpace, suggest_recipe  # noqa: E402
from hypersense.torch.weights import weight_histograms  # noqa: E402

__all__ = [
    "OPTIMIZERS",
    "SCHEDULES",
    "EarlyStopping",
    "RecipeSpace",
    "StopReason",
    "TensorBatches",
    "TrainingAttr",
    "TrainingRecipe",
    "TrainingResult",
    "build_optimizer",
    "fit",
    "lr_trajectory",
    "make_batches",
    "seeded_global_rngs",
    "suggest_recipe",
    "weight_histograms",
]
