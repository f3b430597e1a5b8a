"""The training helper: train a model under a recipe, validate, report, stop early.

Lifecycle of :func:`fit`:

1. The recipe comes from ``hparams``: drawn from a trial through a
   :class:`~hypersense.torch.spaces.RecipeSpace`, read from a dict, or given.
2. Under a seed (the trial's by default) the global generators are seeded, the
   model is built by ``model_factory`` (so its initial weights follow the
   seed), moved to the device, and the optimiser and schedule are built.
3. With ``checkpoint_every`` and a trial that has a checkpoint (a retry of a
   trial whose worker died), the run is put back in the checkpoint's state
   and goes on from its next epoch (see :mod:`hypersense.torch.resume`).
4. Each epoch trains on every mini-batch (under autocast with ``amp``),
   validates, reports the monitored value to the trial at step = epoch (from
   0), keeps a copy of the best weights, stops on divergence, on the pruner's
   word, or once patience runs out, and saves a checkpoint every
   ``checkpoint_every`` epochs.
5. The best weights are put back, the curves go to the trial's user attributes
   (also when pruned or failing), and a pruned trial raises
   :class:`~hypersense.TrialPruned`.
"""

from __future__ import annotations

import contextlib
import logging
import math
import numbers
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import torch

from hypersense.direction import StudyDirection, parse_direction
from hypersense.errors import TrialPruned
from hypersense.torch.data import Batches, DataSource, make_batches
from hypersense.torch.early_stopping import EarlyStopping
from hypersense.torch.epoch import LossFn, MetricFn
from hypersense.torch.precision import MixedPrecision
from hypersense.torch.recipe import TrainingRecipe
from hypersense.torch.result import StopReason, TrainingResult
from hypersense.torch.resume import check_checkpoint_every, fit_checkpointer
from hypersense.torch.run import TrainingRun
from hypersense.torch.runtime import deterministic_algorithms, resolve_device, torch_threads
from hypersense.torch.seeding import derive_seeds, seeded_global_rngs
from hypersense.torch.spaces import RecipeSpace
from hypersense.trial.trial import Trial

__all__ = ["fit", "resolve_recipe"]

_log = logging.getLogger(__name__)

#: What ``hparams`` may be: a trial to draw from, a dict, a recipe, or None (defaults).
HParams = Trial | Mapping[str, Any] | TrainingRecipe | None


def fit(
    model_factory: Callable[[], torch.nn.Module],
    *,
    train: DataSource,
    val: DataSource,
    loss: LossFn,
    max_epochs: int,
    hparams: HParams = None,
    metric: MetricFn | None = None,
    direction: str | StudyDirection | None = None,
    patience: int | None = None,
    min_delta: float = 0.0,
    restore_best: bool = True,
    trial: Trial | None = None,
    space: RecipeSpace | None = None,
    seed: int | None = None,
    device: str | torch.device | None = None,
    eval_batch_size: int | None = None,
    num_workers: int = 0,
    deterministic: bool = False,
    n_threads: int | None = None,
    raise_pruned: bool = True,
    checkpoint_every: int | None = None,
    amp: bool = False,
    compile: bool = False,
) -> TrainingResult:
    """Train a fresh model under a training recipe and validate it every epoch.

    Args:
        model_factory: Builds the model (called once, after seeding).
        train: Training data: a DataLoader, a Dataset, or ``(inputs..., target)``
            tensors/arrays (see :mod:`hypersense.torch.data`).
        val: Validation data, in the same forms.
        loss: ``loss(outputs, targets)`` -> the batch's mean loss.
        max_epochs: Most epochs to train, >= 1; a trial's budget (from a
            multi-fidelity pruner) lowers the epochs trained, never the
            schedule's horizon: the schedule is laid out over ``max_epochs``
            (stored as the trial's ``horizon_epochs``), so a short run is not
            annealed as if it were a whole one.
        hparams: A Trial (the recipe is suggested from ``space``, and the trial
            gets reports), a dict of recipe fields, a TrainingRecipe, or None
            (the recipe's defaults).
        metric: ``metric(outputs, targets)`` -> the batch's mean score; None
            monitors the validation loss.
        direction: ``"minimize"``/``"maximize"`` for ``metric`` (required with
            one); the loss is always minimised.
        patience: Stop after this many epochs without improvement; None trains
            every epoch.
        min_delta: How much a value must beat the best one to count as better.
        restore_best: Give back the best epoch's weights rather than the last.
        trial: A trial to report to when ``hparams`` is not one (e.g. a recipe
            the objective suggested itself).
        space: The recipe space to suggest from when ``hparams`` is a Trial
            (default: the standard one).
        seed: Seed of initial weights, dropout and batch order; default: the
            trial's seed, or none (not reproducible) without a trial.
        device: Where to train; default CUDA when available, else the CPU.
        eval_batch_size: Batch size of validation (default: the training one).
        num_workers: Worker processes of DataLoaders built around Datasets.
        deterministic: Make PyTorch use deterministic kernels during training.
        n_threads: PyTorch's CPU threads during training (None: its default);
            1 keeps parallel trials from fighting over the cores.
        raise_pruned: Raise TrialPruned when the pruner stops training (else
            return a result with ``pruned=True``).
        checkpoint_every: Save the run's whole state as the trial's checkpoint
            every this many epochs, and resume from the trial's checkpoint
            when it has one (a retry after its worker was lost): the resumed
            run gives the uninterrupted run's curves (see
            :mod:`hypersense.torch.resume`). Needs a trial whose study has a
            checkpoint directory; one checkpointed ``fit`` per trial. None
            (the default) saves nothing.
        amp: Mixed precision: forward passes under ``torch.autocast``, in
            bfloat16 on the CPU and float16 with loss scaling on CUDA; weights
            and optimiser state stay float32.
        compile: Compile the model with ``torch.compile`` (in place: the
            result's model and its ``state_dict`` keys are the usual ones).
            The first epoch pays the compilation; the default backend needs a
            C compiler on the machine.

    Returns:
        The trained model with curves, the best epoch and its value. With a
        trial, the same curves are stored as its user attributes (keys in
        :class:`~hypersense.torch.TrainingAttr`), also when it is pruned or
        training raises.

    Raises:
        hypersense.TrialPruned: The trial's pruner stopped training.
        hypersense.CheckpointError: ``checkpoint_every`` without a checkpoint
            directory, or the trial's checkpoint is not this run's.
    """
    stopper = EarlyStopping(
        minimize=_minimize(metric, direction), patience=patience, min_delta=min_delta
    )
    _check_options(
        eval_batch_size=eval_batch_size, num_workers=num_workers, seed=seed, n_threads=n_threads
    )
    target = resolve_device(device)
    trial = _resolve_trial(hparams, trial)
    n_epochs = _n_epochs(max_epochs, trial)
    recipe = resolve_recipe(hparams, space=space, train=train)  # suggests from a trial
    if seed is None and trial is not None:
        seed = trial.seed
    precision = MixedPrecision(target, enabled=amp)
    check_checkpoint_every(checkpoint_every, trial)
    with _environment(seed, deterministic=deterministic, n_threads=n_threads) as shuffle_seed:
        model = _build_model(model_factory, target, compile_model=compile)
        batches, val_batches = _make_loaders(
            train,
            val,
            recipe.batch_size,
            eval_batch_size or recipe.batch_size,
            shuffle_seed=shuffle_seed,
            num_workers=num_workers,
            pin_memory=target.type == "cuda",
        )
        checkpointer = fit_checkpointer(
            trial,
            checkpoint_every,
            recipe=recipe,
            max_epochs=int(max_epochs),
            batches=batches,
            device=target,
        )
        run = TrainingRun(
            model,
            recipe,
            batches,
            val_batches,
            loss_fn=loss,
            metric=metric,
            stopper=stopper,
            restore_best=restore_best,
            n_epochs=n_epochs,
            horizon_epochs=int(max_epochs),
            device=target,
            trial=trial,
            precision=precision,
            checkpointer=checkpointer,
        )
        if checkpointer is not None:
            checkpointer.resume(run)
        result = _run_and_record(run, trial)
    if result.pruned and raise_pruned:
        raise TrialPruned(f"pruned after epoch {result.n_epochs - 1}")
    return result


def _make_loaders(
    train: DataSource,
    val: DataSource,
    batch_size: int,
    eval_batch_size: int,
    *,
    shuffle_seed: int | None,
    num_workers: int,
    pin_memory: bool,
) -> tuple[Batches, Batches]:
    """Shuffled training batches (seeded) and in-order validation batches."""
    batches = make_batches(
        train,
        name="train",
        batch_size=batch_size,
        shuffle=True,
        seed=shuffle_seed,
        num_workers=num_workers,
        pin_memory=pin_memory,
    )
    val_batches = make_batches(
        val,
        name="val",
        batch_size=eval_batch_size,
        shuffle=False,
        seed=None,
        num_workers=num_workers,
        pin_memory=pin_memory,
    )
    return batches, val_batches


@contextlib.contextmanager
def _environment(
    seed: int | None, *, deterministic: bool, n_threads: int | None
) -> Iterator[int | None]:
    """Seeded global generators, thread limit and kernel choice for one run;
    yields the seed of the mini-batch order (None without a seed)."""
    torch_seed, shuffle_seed = derive_seeds(seed, 2) if seed is not None else (None, None)
    with (
        seeded_global_rngs(torch_seed),
        deterministic_algorithms(deterministic),
        torch_threads(n_threads),
    ):
        yield shuffle_seed


def _run_and_record(run: TrainingRun, trial: Trial | None) -> TrainingResult:
    """Run training; store the curves on ``trial`` whether it ends well or not."""
    try:
        result = run.run()
    except Exception:
        if trial is not None:
            _record_partial(run, trial)
        raise
    if trial is not None:
        for key, value in result.to_attrs().items():
            trial.set_user_attr(key, value)
    return result


def _record_partial(run: TrainingRun, trial: Trial) -> None:
    """Best effort: keep the curves of a run that raised, for its post-mortem."""
    try:
        for key, value in run.result(StopReason.FAILED).to_attrs().items():
            trial.set_user_attr(key, value)
    except Exception:  # noqa: BLE001 - the original error matters more
        _log.warning("could not store the curves of failed trial %d", trial.number)


def resolve_recipe(
    hparams: HParams, *, space: RecipeSpace | None, train: DataSource
) -> TrainingRecipe:
    """The recipe ``hparams`` stands for; a given DataLoader's batch size wins.

    When ``train`` is a DataLoader, its batch size is the recipe's: a trial
    does not tune it, a dict without ``batch_size`` takes it, and a recipe or
    dict naming another one is an error.
    """
    loader_batch = train.batch_size if isinstance(train, torch.utils.data.DataLoader) else None
    if space is not None and not isinstance(hparams, Trial):
        raise ValueError("`space` is only used when `hparams` is a Trial to suggest from")
    if isinstance(hparams, Trial):
        space = RecipeSpace() if space is None else space
        if loader_batch is not None and "batch_size" not in space.fixed:
            space = space.fix({"batch_size": loader_batch})
        recipe = space.suggest(hparams)
    elif isinstance(hparams, TrainingRecipe):
        recipe = hparams
    elif hparams is None or isinstance(hparams, Mapping):
        values = dict(hparams or {})
        if loader_batch is not None:
            values.setdefault("batch_size", loader_batch)
        recipe = TrainingRecipe.from_dict(values)
    else:
        raise TypeError(
            "`hparams` must be a Trial, a dict of recipe fields, a TrainingRecipe or None "
            f"(got {type(hparams).__name__})"
        )
    if loader_batch is not None and recipe.batch_size != loader_batch:
        raise ValueError(
            f"the recipe's batch_size={recipe.batch_size} differs from the batch size "
            f"{loader_batch} of the DataLoader given as `train`"
        )
    return recipe


def _minimize(metric: MetricFn | None, direction: str | StudyDirection | None) -> bool:
    if metric is None:
        if direction is not None and parse_direction(direction) is StudyDirection.MAXIMIZE:
            raise ValueError("without a `metric` the validation loss is monitored: it is minimised")
        return True
    if not callable(metric):
        raise TypeError(f"`metric` must be callable (got {metric!r})")
    if direction is None:
        raise ValueError("`direction` ('minimize' or 'maximize') is required with a `metric`")
    return parse_direction(direction) is StudyDirection.MINIMIZE


def _resolve_trial(hparams: HParams, trial: Trial | None) -> Trial | None:
    if trial is not None and not isinstance(trial, Trial):
        raise TypeError(f"`trial` must be a Trial (got {type(trial).__name__})")
    if isinstance(hparams, Trial):
        if trial is not None and trial is not hparams:
            raise ValueError("`hparams` and `trial` are two different trials")
        return hparams
    return trial


def _n_epochs(max_epochs: int, trial: Trial | None) -> int:
    if not isinstance(max_epochs, numbers.Integral) or isinstance(max_epochs, bool):
        raise ValueError(f"`max_epochs` must be an integer >= 1 (got {max_epochs!r})")
    if max_epochs < 1:
        raise ValueError(f"`max_epochs` must be an integer >= 1 (got {max_epochs!r})")
    budget = None if trial is None else trial.budget
    if budget is None or not math.isfinite(budget):
        return int(max_epochs)
    return max(1, min(int(max_epochs), math.floor(budget)))


def _check_options(**options: int | None) -> None:
    lowest = {"eval_batch_size": 1, "num_workers": 0, "seed": 0, "n_threads": 1}
    for name, value in options.items():
        if value is None and name != "num_workers":
            continue
        low = lowest[name]
        if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < low:
            raise ValueError(f"`{name}` must be an integer >= {low} (got {value!r})")


def _build_model(
    factory: Callable[[], torch.nn.Module], device: torch.device, *, compile_model: bool
) -> torch.nn.Module:
    if not isinstance(compile_model, bool):
        raise ValueError(f"`compile` must be True or False (got {compile_model!r})")
    if not callable(factory):
        raise TypeError(f"`model_factory` must be callable (got {factory!r})")
    model = factory()
    if not isinstance(model, torch.nn.Module):
        raise TypeError(
            f"`model_factory` must return a torch.nn.Module (got {type(model).__name__})"
        )
    model = model.to(device)
    if compile_model:
        # In place (not torch.compile(model)): the module and its state_dict keys
        # stay the user's, for the result, checkpoints and restoring the best weights.
        model.compile()
    return model
