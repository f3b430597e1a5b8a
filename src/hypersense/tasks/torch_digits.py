"""PyTorch models classifying scikit-learn's bundled 8x8 digits (1,797 images, 10 classes).

Two tasks share the data, the split and the training recipe space:

- ``torch-digits-mlp``: a multi-layer perceptron on the 64 pixels;
- ``torch-digits-cnn``: a small convolutional network on the images, whose
  space also holds batch normalisation and the strength of data augmentation
  (random shifts and rotations of the training images).

Both maximise validation accuracy. With the default options (20% validation,
20% test, 20 epochs, one thread) a trial takes about one to five seconds
on one core.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from hypersense.direction import StudyDirection
from hypersense.space.base import Distribution
from hypersense.space.categorical import CategoricalDistribution
from hypersense.space.numeric import FloatDistribution, IntDistribution
from hypersense.tasks.torch_models import ACTIVATIONS, NORMALIZATIONS, SmallCNN, build_mlp
from hypersense.tasks.torch_task import TorchTask
from hypersense.torch.spaces import RecipeSpace

if TYPE_CHECKING:
    from torch import nn

__all__ = ["DIGITS_RECIPE_SPACE", "TorchDigitsCNNTask", "TorchDigitsMLPTask"]

_N_PIXELS = 64
_N_CLASSES = 10

#: The recipe part of both digits spaces: AdamW with a tuned rate, decay,
#: schedule (none of which has settings of its own here) and batch size.
DIGITS_RECIPE_SPACE = RecipeSpace(
    tuned={
        "lr": FloatDistribution(1e-4, 3e-2, log=True),
        "weight_decay": FloatDistribution(1e-6, 1e-1, log=True),
        "schedule": CategoricalDistribution(("constant", "cosine", "one_cycle")),
        "batch_size": CategoricalDistribution((32, 64, 128)),
    },
    fixed={"optimizer": "adamw"},
)


class TorchDigitsMLPTask(TorchTask):
    """A PyTorch MLP on the digits' 64 pixels (scaled to [0, 1]), maximising accuracy.

    Parameters: the recipe's ``lr``, ``weight_decay``, ``schedule`` and
    ``batch_size`` (AdamW), then ``width``, ``depth``, ``dropout``,
    ``activation`` and ``normalization`` of the hidden layers. See
    :class:`~hypersense.tasks.torch_task.TorchTask` for the options and modes.
    """

    name = "torch-digits-mlp"
    direction = StudyDirection.MAXIMIZE
    metric_name = "accuracy"
    dataset = "digits"

    @classmethod
    def recipe_space(cls) -> RecipeSpace:
        return DIGITS_RECIPE_SPACE

    @classmethod
    def architecture_space(cls) -> dict[str, Distribution]:
        """Width (log scale) and depth of the hidden layers, dropout, activation
        and normalisation."""
        return {
            "width": IntDistribution(16, 256, log=True),
            "depth": IntDistribution(1, 3),
            "dropout": FloatDistribution(0.0, 0.5),
            "activation": CategoricalDistribution(tuple(ACTIVATIONS)),
            "normalization": CategoricalDistribution(NORMALIZATIONS),
        }

    def build_model(self, params: Mapping[str, Any]) -> nn.Module:
        return build_mlp(
            _N_PIXELS,
            _N_CLASSES,
            width=int(params["width"]),
            depth=int(params["depth"]),
            dropout=float(params["dropout"]),
            activation=str(params["activation"]),
            normalization=str(params["normalization"]),
        )


class TorchDigitsCNNTask(TorchTask):
    """A small CNN on the 8x8 digit images, with augmentation, maximising accuracy.

    Parameters: the recipe's ``lr``, ``weight_decay``, ``schedule`` and
    ``batch_size`` (AdamW), then the network's ``channels`` (of the first
    conv; log scale), ``batch_norm``, ``dropout`` before the head, and the
    augmentation of training images: ``max_shift_px`` (largest shift in
    pixels) and ``max_rotation_deg`` (largest rotation in degrees). See
    :class:`~hypersense.tasks.torch_models.SmallCNN` for the layout and
    :class:`~hypersense.tasks.torch_task.TorchTask` for the options and modes.
    """

    name = "torch-digits-cnn"
    direction = StudyDirection.MAXIMIZE
    metric_name = "accuracy"
    dataset = "digits"

    @classmethod
    def recipe_space(cls) -> RecipeSpace:
        return DIGITS_RECIPE_SPACE

    @classmethod
    def architecture_space(cls) -> dict[str, Distribution]:
        """Channels (log scale), batch norm on/off, dropout, and the augmentation
        strength: largest shift in pixels and largest rotation in degrees."""
        return {
            "channels": IntDistribution(4, 32, log=True),
            "batch_norm": CategoricalDistribution((False, True)),
            "dropout": FloatDistribution(0.0, 0.5),
            "max_shift_px": IntDistribution(0, 2),
            "max_rotation_deg": FloatDistribution(0.0, 20.0),
        }

    def build_model(self, params: Mapping[str, Any]) -> nn.Module:
        return SmallCNN(
            _N_CLASSES,
            channels=int(params["channels"]),
            batch_norm=bool(params["batch_norm"]),
            dropout=float(params["dropout"]),
            max_shift_px=int(params["max_shift_px"]),
            max_rotation_deg=float(params["max_rotation_deg"]),
        )
