"""Transfer learning on the digits: pretrain on 0-4, fine-tune on a few 5-9 examples.

The classic fine-tuning recipe, self-contained. A
:class:`~hypersense.tasks.torch_models.SmallCNN` is pretrained on the digits
0-4 once per process (seeded, deterministic, a few seconds; cached by its
settings). Each trial copies it and fine-tunes it on ``n_shots`` images per
class of the digits 5-9 (labels 5-9 become 0-4, so the pretrained head fits
the new classes' shape), validating on ``n_validation`` other images per class.
The test set is every remaining 5-9 image, sealed during the search.

Hyperparameters: how many body blocks to freeze (``n_frozen_layers``, 0-3;
3 trains the head alone), the head's and the body's learning rates
(``head_lr``, ``body_lr``; the body's is unused when every block is frozen),
and whether to re-initialise the head (``reinit_head``).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hypersense._optional import import_optional
from hypersense._options import check_int
from hypersense.direction import StudyDirection
from hypersense.space.base import Distribution
from hypersense.space.categorical import CategoricalDistribution
from hypersense.space.numeric import FloatDistribution, IntDistribution
from hypersense.space.search_space import SearchSpace
from hypersense.tasks.base import Task
from hypersense.tasks.options import check_optional_int
from hypersense.tasks.splits import HoldoutIndices, SealedTestSet, holdout_indices
from hypersense.tasks.torch_data import DatasetSplit, development_split, load_dataset
from hypersense.trial.trial import FixedTrial, Trial

import_optional("torch", extra="torch", purpose="a PyTorch built-in task")

import torch  # noqa: E402

from hypersense.tasks.torch_finetune import FineTuneRecipe, FineTuneResult, finetune  # noqa: E402
from hypersense.tasks.torch_models import SmallCNN  # noqa: E402
from hypersense.tasks.torch_task import accuracy, cross_entropy, score_model  # noqa: E402
from hypersense.torch.loop import fit  # noqa: E402

__all__ = [
    "FINETUNE_CLASSES",
    "PRETRAIN_CLASSES",
    "DigitsTransferTask",
    "PretrainSpec",
    "few_shot_indices",
    "pretrained_state",
]

_log = logging.getLogger(__name__)

#: Digits the network is pretrained on.
PRETRAIN_CLASSES = (0, 1, 2, 3, 4)
#: Digits it is fine-tuned on (as labels 0-4).
FINETUNE_CLASSES = (5, 6, 7, 8, 9)
_HIDDEN = 64


@dataclass(frozen=True)
class PretrainSpec:
    """Everything the pretrained weights depend on (the cache key).

    Attributes:
        channels: Channels of the CNN's first conv.
        epochs: Pretraining epochs.
        seed: Seed of the weights, the batch order and the pretraining split.
    """

    channels: int
    epochs: int
    seed: int


@functools.lru_cache(maxsize=4)
def pretrained_state(spec: PretrainSpec) -> dict[str, torch.Tensor]:
    """The weights of a SmallCNN pretrained on the digits 0-4 (cached per process).

    Adam (rate 3e-3, cosine schedule, batches of 32) trains on 90% of the 0-4
    images for ``spec.epochs`` epochs; the other 10% pick the best epoch. The
    result depends on ``spec`` only, so every worker process computes the same
    weights. It runs on one CPU thread, so parallel workers do not fight over
    the cores. Callers load the weights into a fresh model (``load_state_dict``
    copies them) and never change the returned tensors, which the cache shares.
    """
    x, y = load_dataset("digits")
    keep = np.isin(y, PRETRAIN_CLASSES)
    x, y = x[keep], y[keep]
    parts = holdout_indices(
        y, validation_fraction=0.1, test_fraction=0.0, seed=spec.seed, stratify=True
    )
    result = fit(
        functools.partial(_network, spec.channels),
        train=(x[parts.train], y[parts.train]),
        val=(x[parts.validation], y[parts.validation]),
        loss=cross_entropy,
        metric=accuracy,
        direction="maximize",
        max_epochs=spec.epochs,
        hparams={"optimizer": "adam", "lr": 3e-3, "schedule": "cosine", "batch_size": 32},
        seed=spec.seed,
        device="cpu",
        n_threads=1,
    )
    _log.info("pretrained on digits 0-4: validation accuracy %.4f", result.best_value)
    return {k: v.detach().clone() for k, v in result.model.state_dict().items()}


def _network(channels: int) -> SmallCNN:
    return SmallCNN(len(PRETRAIN_CLASSES), channels=channels, hidden=_HIDDEN)


def few_shot_indices(
    y: NDArray[np.int64], *, classes: tuple[int, ...], n_shots: int, n_validation: int, seed: int
) -> HoldoutIndices:
    """Per class of ``classes``: ``n_shots`` training rows, ``n_validation``
    validation rows, and every other row of the class for the test.

    Args:
        y: Shape ``(n,)``, class labels; rows of other classes are left out.
        classes: The classes to draw from.
        n_shots: Training rows per class.
        n_validation: Validation rows per class.
        seed: Seed of the draw.
    """
    rng = np.random.default_rng(seed)
    parts: tuple[list[NDArray[np.intp]], ...] = ([], [], [])
    for label in classes:
        rows = rng.permutation(np.flatnonzero(y == label)).astype(np.intp)
        if rows.size <= n_shots + n_validation:
            raise ValueError(
                f"class {label} has {rows.size} rows, too few for n_shots={n_shots} and "
                f"n_validation={n_validation} with rows left for the test"
            )
        parts[0].append(rows[:n_shots])
        parts[1].append(rows[n_shots : n_shots + n_validation])
        parts[2].append(rows[n_shots + n_validation :])
    train, validation, test = (np.sort(np.concatenate(p)) for p in parts)
    return HoldoutIndices(train, validation, test)


def _finetune_rows(rows: NDArray[np.intp]) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
    """Rows of the digits with labels 5-9 shifted to 0-4 (a fresh load)."""
    x, y = load_dataset("digits")
    return x[rows], y[rows] - FINETUNE_CLASSES[0]


class DigitsTransferTask(Task):
    """Fine-tune a CNN pretrained on digits 0-4 to digits 5-9 from a few examples.

    Each trial fine-tunes a copy of the cached pretrained network (Adam, one
    learning rate for the head, one for the unfrozen body), reports the
    validation accuracy every epoch (step = epoch) for the pruner, and returns
    the best epoch's accuracy. The training curves are stored as the trial's
    ``train_loss``, ``val_loss``, ``val_metric`` and ``best_epoch`` attributes.

    Args:
        space: Distributions to suggest (default: :meth:`default_space`).
        n_shots: Fine-tuning images per class, in [1, 50].
        n_validation: Validation images per class, in [1, 60].
        max_epochs: Most fine-tuning epochs per trial.
        batch_size: Fine-tuning examples per mini-batch.
        channels: Channels of the CNN's first conv.
        pretrain_epochs: Epochs of the (cached) pretraining.
        pretrain_seed: Seed of the pretraining.
        split_seed: Seed of the draw of the few-shot, validation and test images.
        n_threads: PyTorch CPU threads per run (None: its default).
    """

    name = "torch-digits-transfer"
    direction = StudyDirection.MAXIMIZE
    metric_name = "accuracy"

    def __init__(
        self,
        *,
        space: Mapping[str, Distribution] | None = None,
        n_shots: int = 10,
        n_validation: int = 30,
        max_epochs: int = 30,
        batch_size: int = 10,
        channels: int = 16,
        pretrain_epochs: int = 10,
        pretrain_seed: int = 0,
        split_seed: int = 0,
        n_threads: int | None = 1,
    ) -> None:
        super().__init__(space=space)
        self._n_shots = check_int("n_shots", n_shots, minimum=1, maximum=50)
        self._n_validation = check_int("n_validation", n_validation, minimum=1, maximum=60)
        self._max_epochs = check_int("max_epochs", max_epochs, minimum=1)
        self._batch_size = check_int("batch_size", batch_size, minimum=1)
        self._channels = check_int("channels", channels, minimum=1, maximum=128)
        self._pretrain_epochs = check_int("pretrain_epochs", pretrain_epochs, minimum=1)
        self._pretrain_seed = check_int("pretrain_seed", pretrain_seed, minimum=0)
        self._split_seed = check_int("split_seed", split_seed, minimum=0)
        self._n_threads = check_optional_int("n_threads", n_threads, minimum=1)
        self._data: DatasetSplit | None = None

    @classmethod
    def default_space(cls) -> SearchSpace:
        """Frozen body blocks, the two learning rates (log scales), head re-init."""
        return SearchSpace(
            {
                "n_frozen_layers": IntDistribution(0, 3),
                "head_lr": FloatDistribution(1e-4, 1e-1, log=True),
                "body_lr": FloatDistribution(1e-5, 1e-2, log=True),
                "reinit_head": CategoricalDistribution((False, True)),
            }
        )

    @property
    def has_test_set(self) -> bool:
        return True

    @property
    def pretrain_spec(self) -> PretrainSpec:
        """The settings of the pretrained network this task fine-tunes."""
        return PretrainSpec(self._channels, self._pretrain_epochs, self._pretrain_seed)

    def data(self) -> DatasetSplit:
        """The 5-9 development images (labels 0-4) and their sealed test images."""
        if self._data is None:
            x, y = load_dataset("digits")
            parts = few_shot_indices(
                y,
                classes=FINETUNE_CLASSES,
                n_shots=self._n_shots,
                n_validation=self._n_validation,
                seed=self._split_seed,
            )
            test = SealedTestSet(
                functools.partial(_finetune_rows, parts.test), description="digits 5-9 test images"
            )
            shifted = y - FINETUNE_CLASSES[0]
            self._data = development_split(x, shifted, parts, test=test, is_classification=True)
        return self._data

    def objective(self, trial: Trial) -> float:
        """Fine-tune one configuration, reporting validation accuracy per epoch."""
        params = self.suggest_params(trial)
        data = self.data()
        with data.test.sealed():
            return self.finetune(params, seed=trial.seed, trial=trial).best_value

    def evaluate_test(self, params: Mapping[str, Any], *, seed: int = 0) -> float:
        """Fine-tune ``params`` under ``seed`` as a trial does; return the accuracy on
        the test images (their only read)."""
        checked = self.suggest_params(FixedTrial(params, seed=seed))
        result = self.finetune(checked, seed=seed, trial=None)
        x_test, y_test = self.data().test.read()
        return score_model(
            result.model,
            (torch.as_tensor(x_test), torch.as_tensor(y_test)),
            loss_fn=cross_entropy,
            metric=accuracy,
            n_threads=self._n_threads,
        )

    def finetune(
        self, params: Mapping[str, Any], *, seed: int, trial: Trial | None
    ) -> FineTuneResult:
        """Fine-tune a fresh copy of the pretrained network with ``params``."""
        data = self.data()
        model = _network(self._channels)
        model.load_state_dict(pretrained_state(self.pretrain_spec))
        recipe = FineTuneRecipe(
            n_frozen_layers=int(params["n_frozen_layers"]),
            head_lr=float(params["head_lr"]),
            body_lr=float(params["body_lr"]),
            reinit_head=bool(params["reinit_head"]),
            batch_size=self._batch_size,
        )
        return finetune(
            model,
            recipe,
            train=_tensors(data, data.train),
            val=_tensors(data, data.validation),
            max_epochs=self._max_epochs,
            seed=seed,
            trial=trial,
            n_threads=self._n_threads,
        )


def _tensors(data: DatasetSplit, rows: NDArray[np.intp]) -> tuple[torch.Tensor, torch.Tensor]:
    return torch.as_tensor(data.x[rows]), torch.as_tensor(data.y[rows])
