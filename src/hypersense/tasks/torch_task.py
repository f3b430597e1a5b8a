"""The shared lifecycle of the PyTorch tasks on one bundled data set.

A :class:`TorchTask` subclass names its data set, its training-recipe space and
its architecture space, builds the model, and says how to prepare features and
score outputs; this base does the rest, in one of two objective modes:

- **hold-out** (``cv_folds=None``, the default): train on the training rows
  with :func:`hypersense.torch.fit`, validate every epoch on the validation
  rows, report each epoch's validation metric (step = epoch) so a pruner can
  stop a bad trial early, and return the best epoch's metric;
- **cross-validation** (``cv_folds=k``): k-fold CV (stratified for classes) on
  the training + validation rows through
  :func:`hypersense.integrations.cross_validate_trial`: each fold's score is
  reported (step = fold), the pruner is asked between folds and, through the
  side series ``fold<k>`` (step = epoch), within each fold's training
  (:class:`~hypersense.pruners.CrossValidationPruner` judges both); the trial's
  value is the mean, with the per-fold scores and the standard error stored as
  ``<metric>_fold_scores`` and ``<metric>_sem``.

In both modes the test rows are sealed while the objective runs. The final
evaluation (:meth:`TorchTask.evaluate_test`) trains the configuration as the
hold-out mode does (training rows, epoch chosen on the validation rows; with
the trial's seed this is the very model the search saw) and scores it on the
test rows, the only read of them.
"""

from __future__ import annotations

import functools
import logging
from abc import abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from hypersense._optional import import_optional
from hypersense._options import check_int, check_number
from hypersense.integrations.cv import cross_validate_trial, fold_series
from hypersense.space.base import Distribution
from hypersense.space.search_space import SearchSpace
from hypersense.tasks.base import Task
from hypersense.tasks.options import check_optional_int
from hypersense.tasks.torch_data import DatasetSplit, Standardizer, split_dataset
from hypersense.trial.trial import FixedTrial, Trial

import_optional("torch", extra="torch", purpose="a PyTorch built-in task")

import torch  # noqa: E402

from hypersense.torch.data import TensorBatches  # noqa: E402
from hypersense.torch.epoch import LossFn, MetricFn, evaluate  # noqa: E402
from hypersense.torch.loop import fit  # noqa: E402
from hypersense.torch.recipe import TrainingRecipe  # noqa: E402
from hypersense.torch.result import TrainingResult  # noqa: E402
from hypersense.torch.runtime import resolve_device, torch_threads  # noqa: E402
from hypersense.torch.seeding import derive_seeds  # noqa: E402
from hypersense.torch.spaces import RecipeSpace  # noqa: E402

__all__ = [
    "Prepared",
    "TorchTask",
    "TrainingSetup",
    "accuracy",
    "cross_entropy",
    "score_model",
]

_log = logging.getLogger(__name__)


def cross_entropy(outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy of logits ``(n, n_classes)`` against labels ``(n,)``."""
    return torch.nn.functional.cross_entropy(outputs, targets)


def accuracy(outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Share of rows whose largest logit is the label; ``outputs`` ``(n, n_classes)``."""
    return (outputs.argmax(dim=1) == targets).to(torch.float64).mean()


@dataclass(frozen=True)
class Prepared:
    """How rows become tensors for one training run, fitted on its training rows.

    Attributes:
        features: Scaling of the features (None: used as they are).
        target: Scaling of a regression target (None: used as it is).
    """

    features: Standardizer | None = None
    target: Standardizer | None = None

    def tensors(self, x: NDArray[Any], y: NDArray[Any]) -> tuple[torch.Tensor, torch.Tensor]:
        """``(inputs, targets)`` tensors of rows ``x`` ``(n, n_features)``, ``y`` ``(n,)``."""
        features = x if self.features is None else self.features.transform(x)
        target = y if self.target is None else self.target.transform(y)
        return torch.as_tensor(np.ascontiguousarray(features)), torch.as_tensor(target)


@dataclass(frozen=True)
class TrainingSetup:
    """One training run of a task, resolved: recipe, model, data, loss, settings.

    Attributes:
        recipe: The training recipe of the run's parameters.
        model_factory: Builds a fresh model (call it after seeding).
        train: ``(inputs, targets)`` of the training rows, prepared.
        val: ``(inputs, targets)`` of the validation rows, prepared.
        loss: The training loss.
        prepared: The preprocessing fitted on the training rows.
        max_epochs: The task's most epochs per run.
        n_threads: The task's PyTorch CPU threads per run (None: unchanged).
        device: The task's device (None: CUDA when available, else the CPU).
    """

    recipe: TrainingRecipe
    model_factory: Callable[[], torch.nn.Module]
    train: tuple[torch.Tensor, torch.Tensor]
    val: tuple[torch.Tensor, torch.Tensor]
    loss: LossFn
    prepared: Prepared
    max_epochs: int
    n_threads: int | None
    device: str | None


class TorchTask(Task):
    """A PyTorch model trained on a bundled data set, tuned on its validation rows.

    Args:
        space: Distributions to suggest (default: :meth:`default_space`).
        max_epochs: Most training epochs per run (a multi-fidelity pruner's
            budget lowers it in hold-out mode).
        patience: Stop a run after this many epochs without improvement of the
            validation metric (None: train every epoch).
        cv_folds: None for the hold-out mode; k in [2, 10] for k-fold
            cross-validation on the training + validation rows.
        validation_fraction: Share of all rows used for validation, in [0.01, 0.5].
        test_fraction: Share of all rows held out for the final test, in
            [0, 0.5]; 0 holds out none (no :meth:`evaluate_test`).
        split_seed: Seed of the split and of the CV folds.
        n_threads: PyTorch CPU threads per run (None: its default). One keeps
            parallel trials from fighting over the cores.
        device: Where to train (None: CUDA when available, else the CPU).
        checkpoint_every: Hold-out mode: save each trial's training as its
            checkpoint every this many epochs, so that a retried trial resumes
            (``fit(..., checkpoint_every=...)``); the study needs a checkpoint
            directory. None saves nothing.
    """

    #: The bundled data set (a key of ``hypersense.tasks.torch_data.DATASETS``).
    dataset: ClassVar[str]

    def __init__(
        self,
        *,
        space: Mapping[str, Distribution] | None = None,
        max_epochs: int = 20,
        patience: int | None = None,
        cv_folds: int | None = None,
        validation_fraction: float = 0.2,
        test_fraction: float = 0.2,
        split_seed: int = 0,
        n_threads: int | None = 1,
        device: str | None = None,
        checkpoint_every: int | None = None,
    ) -> None:
        super().__init__(space=space)
        self._max_epochs = check_int("max_epochs", max_epochs, minimum=1)
        self._patience = check_optional_int("patience", patience, minimum=1)
        self._cv_folds = check_optional_int("cv_folds", cv_folds, minimum=2, maximum=10)
        self._validation_fraction = check_number(
            "validation_fraction", validation_fraction, minimum=0.01, maximum=0.5
        )
        self._test_fraction = check_number("test_fraction", test_fraction, minimum=0.0, maximum=0.5)
        self._split_seed = check_int("split_seed", split_seed, minimum=0)
        self._n_threads = check_optional_int("n_threads", n_threads, minimum=1)
        if device is not None:
            resolve_device(device)  # a bad name fails here, not in the first trial
        self._device = device
        self._checkpoint_every = check_optional_int("checkpoint_every", checkpoint_every, minimum=1)
        if checkpoint_every is not None and cv_folds is not None:
            raise ValueError(
                "`checkpoint_every` needs the hold-out mode (one training per trial); "
                f"cv_folds={cv_folds} trains one per fold"
            )
        self._data: DatasetSplit | None = None

    # ---------------------------------------------------------- subclass hooks
    @classmethod
    @abstractmethod
    def recipe_space(cls) -> RecipeSpace:
        """The training-recipe part of the space (tuned fields and fixed ones)."""

    @classmethod
    @abstractmethod
    def architecture_space(cls) -> dict[str, Distribution]:
        """The model's own parameters (width, depth, dropout ...), in order."""

    @abstractmethod
    def build_model(self, params: Mapping[str, Any]) -> torch.nn.Module:
        """A fresh model for a trial's ``params`` (called after seeding)."""

    def prepare(self, x_train: NDArray[Any], y_train: NDArray[Any]) -> Prepared:
        """Fit the preprocessing on the training rows only (default: none)."""
        return Prepared()

    def loss(self, prepared: Prepared) -> LossFn:
        """The training loss (default: cross-entropy)."""
        return cross_entropy

    def metric(self, prepared: Prepared) -> MetricFn:
        """The mean of :attr:`metric_name` over a batch (default: accuracy)."""
        return accuracy

    # ---------------------------------------------------------------- contract
    @classmethod
    def default_space(cls) -> SearchSpace:
        """The recipe's tuned fields, then the architecture's parameters."""
        return SearchSpace({**cls.recipe_space().tuned, **cls.architecture_space()})

    @property
    def has_test_set(self) -> bool:
        return self._test_fraction > 0.0

    def data(self) -> DatasetSplit:
        """The split data (test rows sealed), built on first use and kept."""
        if self._data is None:
            self._data = split_dataset(
                self.dataset,
                validation_fraction=self._validation_fraction,
                test_fraction=self._test_fraction,
                seed=self._split_seed,
            )
        return self._data

    def objective(self, trial: Trial) -> float:
        """Train and validate one configuration, in the hold-out or the CV mode."""
        params = self.suggest_params(trial)
        data = self.data()
        with data.test.sealed():
            if self._cv_folds is None:
                result, _ = self.train(
                    params, data.train, data.validation, seed=trial.seed, trial=trial
                )
                return result.best_value
            return self._cross_validate(trial, params, data)

    def evaluate_test(self, params: Mapping[str, Any], *, seed: int = 0) -> float:
        """Train ``params`` on the training rows (epoch chosen on the validation
        rows) under ``seed``; return :attr:`metric_name` on the test rows.

        This is the only code that reads the test rows. With a trial's seed it
        scores the same model that trial trained in the hold-out mode.
        """
        if not self.has_test_set:
            raise NotImplementedError(
                f"task {self.name!r} was built with test_fraction=0 and has no test set"
            )
        checked = self.suggest_params(FixedTrial(params, seed=seed))
        data = self.data()
        result, prepared = self.train(checked, data.train, data.validation, seed=seed, trial=None)
        x_test, y_test = data.test.read()
        return self.score(result.model, prepared, x_test, y_test)

    # ----------------------------------------------------------------- helpers
    def train(
        self,
        params: Mapping[str, Any],
        train_rows: NDArray[np.intp],
        val_rows: NDArray[np.intp],
        *,
        seed: int,
        trial: Trial | None,
    ) -> tuple[TrainingResult, Prepared]:
        """One training run on rows of :meth:`data` (indices into its ``x``).

        With a ``trial``, each epoch's validation metric is reported to it and
        its pruner may stop the run (raising TrialPruned).
        """
        setup = self.training_setup(params, train_rows, val_rows)
        result = fit(
            setup.model_factory,
            train=setup.train,
            val=setup.val,
            loss=setup.loss,
            metric=self.metric(setup.prepared),
            direction=self.direction,
            max_epochs=self._max_epochs,
            hparams=setup.recipe,
            patience=self._patience,
            trial=trial,
            seed=seed,
            device=self._device,
            # One validation batch: the metric is exact even when it is no mean
            # over rows (an RMSE), and the data sets are small.
            eval_batch_size=len(val_rows),
            n_threads=self._n_threads,
            checkpoint_every=self._checkpoint_every if trial is not None else None,
        )
        return result, setup.prepared

    def training_setup(
        self,
        params: Mapping[str, Any],
        train_rows: NDArray[np.intp] | None = None,
        val_rows: NDArray[np.intp] | None = None,
    ) -> TrainingSetup:
        """What one training run of ``params`` needs, for tools that train the
        task their own way (the learning-rate range test).

        Args:
            params: Values of every parameter of :attr:`space`.
            train_rows: Indices into :meth:`data`'s ``x`` (default: its
                training rows).
            val_rows: Likewise (default: its validation rows).
        """
        data = self.data()
        train_rows = data.train if train_rows is None else train_rows
        val_rows = data.validation if val_rows is None else val_rows
        recipe = self.recipe_space().recipe_from_params(params)
        train_rows = _without_lonely_last_row(train_rows, recipe.batch_size)
        prepared = self.prepare(data.x[train_rows], data.y[train_rows])
        return TrainingSetup(
            recipe=recipe,
            model_factory=functools.partial(self.build_model, dict(params)),
            train=prepared.tensors(data.x[train_rows], data.y[train_rows]),
            val=prepared.tensors(data.x[val_rows], data.y[val_rows]),
            loss=self.loss(prepared),
            prepared=prepared,
            max_epochs=self._max_epochs,
            n_threads=self._n_threads,
            device=self._device,
        )

    def score(
        self, model: torch.nn.Module, prepared: Prepared, x: NDArray[Any], y: NDArray[Any]
    ) -> float:
        """:attr:`metric_name` of a trained ``model`` on rows ``x``, ``y``."""
        return score_model(
            model,
            prepared.tensors(x, y),
            loss_fn=self.loss(prepared),
            metric=self.metric(prepared),
            n_threads=self._n_threads,
        )

    def _cross_validate(self, trial: Trial, params: Mapping[str, Any], data: DatasetSplit) -> float:
        assert self._cv_folds is not None
        seeds = derive_seeds(trial.seed, self._cv_folds)

        def fit_and_score(train: NDArray[np.intp], val: NDArray[np.intp], fold: int) -> float:
            # The fold's epochs go to their own series: the pruner may stop a
            # fold's training as well as the trial between folds.
            epochs = trial.series(fold_series(fold))
            result, _ = self.train(params, train, val, seed=seeds[fold], trial=epochs)
            return result.best_value

        return cross_validate_trial(
            trial,
            data.x,
            data.y,
            fit_and_score,
            cv=self._cv_folds,
            stratify=data.is_classification,
            seed=self._split_seed,
            attr_prefix=self.metric_name,
        )


def score_model(
    model: torch.nn.Module,
    tensors: tuple[torch.Tensor, torch.Tensor],
    *,
    loss_fn: LossFn,
    metric: MetricFn,
    n_threads: int | None,
) -> float:
    """``metric`` of a trained ``model`` (in eval mode) on ``(inputs, targets)``.

    Every row goes in one batch, so the metric is exact even when it is no
    mean over rows (an RMSE).
    """
    batches = TensorBatches(tensors, batch_size=max(1, len(tensors[1])), shuffle=False)
    with torch_threads(n_threads):
        _, value = evaluate(
            model,
            batches,
            loss_fn=loss_fn,
            metric=metric,
            device=next(model.parameters()).device,
        )
    assert value is not None  # a metric was given
    return value


def _without_lonely_last_row(rows: NDArray[np.intp], batch_size: int) -> NDArray[np.intp]:
    """``rows`` less its last one when that one would be a batch of its own.

    Batch normalisation cannot normalise a batch of one example (PyTorch raises
    in training mode), so such a batch would fail the trial for a reason that
    has nothing to do with its hyperparameters.
    """
    if batch_size > 1 and len(rows) % batch_size == 1:
        _log.debug("leaving out one of %d training rows (a batch of one)", len(rows))
        return rows[:-1]
    return rows
