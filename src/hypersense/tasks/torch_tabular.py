"""PyTorch MLPs on scikit-learn's bundled tables: breast cancer and diabetes.

- ``torch-breast-cancer-mlp``: 569 tumours, 30 features, benign or malignant;
  maximises validation accuracy.
- ``torch-diabetes-mlp``: 442 patients, 10 features, disease progression one
  year later (a number from 25 to 346); minimises the validation RMSE, in the
  target's own units.

Features (and the diabetes target) are standardised with the mean and standard
deviation of the training rows of each run, so no statistic of validation or
test rows reaches training. The tables are small: a trial takes about a second.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hypersense._optional import import_optional
from hypersense.direction import StudyDirection
from hypersense.space.base import Distribution
from hypersense.space.categorical import CategoricalDistribution
from hypersense.space.numeric import FloatDistribution, IntDistribution
from hypersense.tasks.torch_data import Standardizer
from hypersense.tasks.torch_models import ACTIVATIONS, NORMALIZATIONS, build_mlp
from hypersense.tasks.torch_task import Prepared, TorchTask

import_optional("torch", extra="torch", purpose="a PyTorch built-in task")

import torch  # noqa: E402
from torch import nn  # noqa: E402

from hypersense.torch.epoch import LossFn, MetricFn  # noqa: E402
from hypersense.torch.spaces import RecipeSpace  # noqa: E402

__all__ = ["TABULAR_RECIPE_SPACE", "BreastCancerMLPTask", "DiabetesMLPTask", "scaled_rmse"]

#: The recipe part of both tabular spaces: AdamW with a tuned rate, decay,
#: schedule and (small) batch size.
TABULAR_RECIPE_SPACE = RecipeSpace(
    tuned={
        "lr": FloatDistribution(1e-4, 3e-2, log=True),
        "weight_decay": FloatDistribution(1e-6, 1e-1, log=True),
        "schedule": CategoricalDistribution(("constant", "cosine", "one_cycle")),
        "batch_size": CategoricalDistribution((16, 32, 64)),
    },
    fixed={"optimizer": "adamw"},
)


def _mlp_space() -> dict[str, Distribution]:
    return {
        "width": IntDistribution(8, 128, log=True),
        "depth": IntDistribution(1, 3),
        "dropout": FloatDistribution(0.0, 0.5),
        "activation": CategoricalDistribution(tuple(ACTIVATIONS)),
        "normalization": CategoricalDistribution(NORMALIZATIONS),
    }


def _mlp(n_inputs: int, n_outputs: int, params: Mapping[str, Any]) -> nn.Sequential:
    return build_mlp(
        n_inputs,
        n_outputs,
        width=int(params["width"]),
        depth=int(params["depth"]),
        dropout=float(params["dropout"]),
        activation=str(params["activation"]),
        normalization=str(params["normalization"]),
    )


class BreastCancerMLPTask(TorchTask):
    """A PyTorch MLP diagnosing breast tumours from 30 standardised features.

    Parameters: the recipe's ``lr``, ``weight_decay``, ``schedule`` and
    ``batch_size`` (AdamW), then ``width`` (log scale), ``depth``,
    ``dropout``, ``activation`` and ``normalization`` of the hidden layers.
    Maximises accuracy. See :class:`~hypersense.tasks.torch_task.TorchTask`
    for the options and modes.
    """

    name = "torch-breast-cancer-mlp"
    direction = StudyDirection.MAXIMIZE
    metric_name = "accuracy"
    dataset = "breast_cancer"

    @classmethod
    def recipe_space(cls) -> RecipeSpace:
        return TABULAR_RECIPE_SPACE

    @classmethod
    def architecture_space(cls) -> dict[str, Distribution]:
        """Width (log scale) and depth of the hidden layers, dropout, activation
        and normalisation."""
        return _mlp_space()

    def build_model(self, params: Mapping[str, Any]) -> nn.Module:
        return _mlp(30, 2, params)

    def prepare(self, x_train: NDArray[Any], y_train: NDArray[Any]) -> Prepared:
        """Standardise the features with the training rows' statistics."""
        return Prepared(features=Standardizer.fit(x_train))


def scaled_rmse(scale: float) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """The RMSE of standardised predictions ``(n, 1)`` against standardised
    targets ``(n,)``, in the target's units (times ``scale``, its standard
    deviation). Exact only over one batch holding every row."""

    def rmse(outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        error = outputs.reshape(-1).double() - targets.double()
        return error.square().mean().sqrt() * scale

    return rmse


def _mse(outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return nn.functional.mse_loss(outputs.reshape(-1), targets)


class DiabetesMLPTask(TorchTask):
    """A PyTorch MLP predicting diabetes progression, minimising validation RMSE.

    Features and target are standardised with the training rows' statistics;
    the network is trained on the mean squared error of the standardised
    target, and scored by the RMSE in the target's own units.

    Parameters: the recipe's ``lr``, ``weight_decay``, ``schedule`` and
    ``batch_size`` (AdamW), then ``width`` (log scale), ``depth``,
    ``dropout``, ``activation`` and ``normalization`` of the hidden layers.
    Regression rows are not stratified. See
    :class:`~hypersense.tasks.torch_task.TorchTask` for the options and modes.
    """

    name = "torch-diabetes-mlp"
    direction = StudyDirection.MINIMIZE
    metric_name = "rmse"
    dataset = "diabetes"

    @classmethod
    def recipe_space(cls) -> RecipeSpace:
        return TABULAR_RECIPE_SPACE

    @classmethod
    def architecture_space(cls) -> dict[str, Distribution]:
        """Width (log scale) and depth of the hidden layers, dropout, activation
        and normalisation."""
        return _mlp_space()

    def build_model(self, params: Mapping[str, Any]) -> nn.Module:
        return _mlp(10, 1, params)

    def prepare(self, x_train: NDArray[Any], y_train: NDArray[Any]) -> Prepared:
        """Standardise features and target with the training rows' statistics."""
        target = Standardizer.fit(np.asarray(y_train, dtype=np.float64))
        return Prepared(features=Standardizer.fit(x_train), target=target)

    def loss(self, prepared: Prepared) -> LossFn:
        """Mean squared error of the standardised target."""
        return _mse

    def metric(self, prepared: Prepared) -> MetricFn:
        """RMSE in the target's units."""
        assert prepared.target is not None
        return scaled_rmse(float(prepared.target.scale[0]))
