"""The learning-rate range test on any PyTorch model and data (Smith, 2017).

Lifecycle of :func:`range_test`:

1. Every argument is checked before any work; a bad one raises naming it.
2. Model, optimiser and global generators are captured
   (:mod:`hypersense.lr.state`).
3. Per seed: the generators are seeded (as :func:`hypersense.torch.fit` seeds
   them, so a model factory builds the same initial weights fit would), the
   model is trained for up to ``num_steps`` optimiser steps on shuffled
   batches (new passes over the data as needed) while the rate ramps from
   ``start_lr`` to ``end_lr``; each step records the loss of its batch before
   updating. The ramp stops as soon as the smoothed loss exceeds
   ``diverge_factor`` times its minimum or a loss is not finite. Between
   seeds, and at the end, everything captured is put back.
4. The suggestion rules read each seed's curve (:mod:`hypersense.lr.rules`)
   and the result combines them (:mod:`hypersense.lr.result`).

With a model *instance*, every seed starts from its current weights and the
seeds vary the batch order and dropout; with a model *factory* (a callable
returning a fresh model) the seeds vary the initial weights too.
"""

from __future__ import annotations

import logging
import math
import numbers
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hypersense._optional import import_optional
from hypersense._options import check_int

import_optional("torch", extra="torch", purpose="the learning-rate range test (hypersense.lr)")

import torch  # noqa: E402

from hypersense.lr.base import LossCurve, SuggestionRule  # noqa: E402
from hypersense.lr.curves import RAMP_MODES, LossSmoother, has_diverged, lr_ramp  # noqa: E402
from hypersense.lr.result import RangeTestResult, RangeTestSettings, build_result  # noqa: E402
from hypersense.lr.rules import default_rules  # noqa: E402
from hypersense.lr.state import preserved_state, restore_state  # noqa: E402
from hypersense.torch.data import Batches, DataSource, make_batches  # noqa: E402
from hypersense.torch.epoch import LossFn, split_batch  # noqa: E402
from hypersense.torch.optimizers import build_optimizer  # noqa: E402
from hypersense.torch.recipe import OPTIMIZERS, TrainingRecipe  # noqa: E402
from hypersense.torch.runtime import resolve_device, torch_threads  # noqa: E402
from hypersense.torch.seeding import derive_seeds, seed_global_rngs  # noqa: E402

__all__ = ["ModelSource", "range_test"]

_log = logging.getLogger(__name__)

#: A model to test, or a factory building a fresh one per seed.
ModelSource = torch.nn.Module | Callable[[], torch.nn.Module]


def range_test(
    model: ModelSource,
    *,
    train: DataSource,
    loss: LossFn,
    optimizer: str | torch.optim.Optimizer = "sgd",
    optimizer_options: Mapping[str, Any] | None = None,
    start_lr: float = 1e-7,
    end_lr: float = 10.0,
    num_steps: int = 100,
    mode: str = "exp",
    batch_size: int = 64,
    accumulation_steps: int = 1,
    seeds: Sequence[int] = (0, 1, 2),
    diverge_factor: float = 4.0,
    beta: float = 0.9,
    rules: Sequence[SuggestionRule] | None = None,
    device: str | torch.device | None = None,
    n_threads: int | None = None,
) -> RangeTestResult:
    """Ramp the learning rate once per seed and suggest one from the loss curves.

    The model's weights and buffers, its gradients, every module's train/eval
    flag, a given optimiser's state and the global generators of Python,
    NumPy and PyTorch are exactly as before when this returns, also when the
    test diverges or raises midway.

    Args:
        model: A ``torch.nn.Module`` (tested from its current weights) or a
            callable building a fresh one (called once per seed, after seeding).
        train: Training data, as :func:`hypersense.torch.fit` takes it: a
            DataLoader (used as it is), a Dataset, or ``(inputs..., target)``
            tensors/arrays.
        loss: ``loss(outputs, targets)`` -> the batch's mean loss.
        optimizer: A name in ``hypersense.torch.OPTIMIZERS`` (a fresh optimiser
            per seed) or an optimiser over ``model``'s parameters (its state is
            restored afterwards).
        optimizer_options: Recipe fields for a named optimiser: ``momentum``,
            ``nesterov``, ``beta1``, ``beta2``, ``weight_decay``.
        start_lr: The first rate, > 0.
        end_lr: The last rate, > ``start_lr``.
        num_steps: Optimiser steps of a full ramp, >= 5.
        mode: ``"exp"`` (even steps of ``log lr``) or ``"linear"``.
        batch_size: Examples per batch (ignored for a DataLoader).
        accumulation_steps: Batches whose gradients are averaged into one
            optimiser step; the effective batch size is their product.
        seeds: One ramp per seed, at least one, distinct, >= 0.
        diverge_factor: Stop once the smoothed loss exceeds this many times its
            minimum, > 1.
        beta: Smoothing of the losses (exponential moving average), in [0, 1).
        rules: Suggestion rules (default: steepest, valley, minimum / 10).
        device: Where to run a factory's models (default: CUDA when
            available); a model instance stays where it is.
        n_threads: PyTorch's CPU threads during the test (None: unchanged).

    Returns:
        Every seed's curve, each rule's suggestion, the suggested rate with its
        interval over rules and seeds, and the rate at which the loss diverged.

    Raises:
        ValueError: A bad argument (named), or data with no batch.
        TypeError: An argument of the wrong kind (named).
    """
    options = _check_arguments(**locals())
    rules = tuple(default_rules() if rules is None else rules)
    ramp = lr_ramp(start_lr, end_lr, num_steps, mode)
    instance = model if isinstance(model, torch.nn.Module) else None
    given = optimizer if isinstance(optimizer, torch.optim.Optimizer) else None
    ramps: list[tuple[int, LossCurve]] = []
    with torch_threads(n_threads), preserved_state(instance, given) as saved:
        for seed in seeds:
            torch_seed, shuffle_seed = derive_seeds(seed, 2)
            seed_global_rngs(torch_seed)
            net = instance if instance is not None else _build(model, resolve_device(device))
            opt = given if given is not None else build_optimizer(options, net.parameters())
            batches = make_batches(
                train, name="train", batch_size=batch_size, shuffle=True, seed=shuffle_seed
            )
            curve = _ramp_once(
                net,
                opt,
                batches,
                loss,
                ramp,
                accumulation_steps=accumulation_steps,
                diverge_factor=diverge_factor,
                beta=beta,
            )
            ramps.append((seed, curve))
            restore_state(saved)
    settings = RangeTestSettings(
        start_lr=float(start_lr),
        end_lr=float(end_lr),
        num_steps=num_steps,
        mode=mode,
        optimizer=options.optimizer if given is None else "custom",
        batch_size=_batch_size(train, batch_size) * accumulation_steps,
        accumulation_steps=accumulation_steps,
        diverge_factor=float(diverge_factor),
        beta=float(beta),
        seeds=tuple(seeds),
    )
    return build_result(settings, ramps, rules)


def _ramp_once(
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    batches: Batches,
    loss_fn: LossFn,
    ramp: NDArray[np.float64],
    *,
    accumulation_steps: int,
    diverge_factor: float,
    beta: float,
) -> LossCurve:
    """One ramp; stops at the first diverging step (which is recorded)."""
    model.train()
    device = next(model.parameters()).device
    stream = _endless(batches)
    smoother = LossSmoother(beta=beta)
    running_min = math.inf
    lrs: list[float] = []
    losses: list[float] = []
    diverged = False
    for lr in ramp:
        for group in optimizer.param_groups:
            group["lr"] = float(lr)
        optimizer.zero_grad(set_to_none=True)
        total = torch.zeros((), dtype=torch.float64, device=device)
        for _ in range(accumulation_steps):
            inputs, target = split_batch(next(stream), device)
            batch_loss = loss_fn(model(*inputs), target)
            torch.autograd.backward(batch_loss / accumulation_steps)
            total += batch_loss.detach().double()
        value = float(total) / accumulation_steps  # one read per step: the stop test needs it
        average = smoother.update(value)
        lrs.append(float(lr))
        losses.append(value)
        if not math.isfinite(value) or has_diverged(average, running_min, diverge_factor):
            diverged = True
            _log.debug("range test diverged at lr %.3g (loss %.4g)", lr, value)
            break
        running_min = min(running_min, average)
        optimizer.step()
    # The curve recomputes the smoothed losses with the same smoother: the same values.
    return LossCurve(
        np.asarray(lrs, dtype=float), np.asarray(losses, dtype=float), diverged, beta=beta
    )


def _endless(batches: Batches) -> Iterator[Any]:
    """Batches pass after pass (each pass reshuffled by the batches' own generator)."""
    while True:
        empty = True
        for batch in batches:
            empty = False
            yield batch
        if empty:
            raise ValueError("`train` yielded no batch")


def _build(factory: Callable[[], torch.nn.Module], device: torch.device) -> torch.nn.Module:
    built = factory()
    if not isinstance(built, torch.nn.Module):
        raise TypeError(
            f"`model` must be a torch.nn.Module or a callable returning one "
            f"(the callable returned a {type(built).__name__})"
        )
    if not any(True for _ in built.parameters()):
        raise ValueError("`model` has no parameters to train (the factory built one without)")
    return built.to(device)


def _batch_size(train: DataSource, batch_size: int) -> int:
    loader_batch = train.batch_size if isinstance(train, torch.utils.data.DataLoader) else None
    return int(loader_batch) if loader_batch is not None else batch_size


def _check_arguments(**given: Any) -> TrainingRecipe:
    """Check every argument of :func:`range_test` (naming the bad one); return the
    recipe that builds a named optimiser."""
    start, end = given["start_lr"], given["end_lr"]
    for name in ("start_lr", "end_lr"):
        value = given[name]
        if not _is_real(value) or not math.isfinite(value) or value <= 0:
            raise ValueError(f"`{name}` must be a finite number > 0 (got {value!r})")
    if not start < end:
        raise ValueError(f"`start_lr` must be < `end_lr` (got start_lr={start!r}, end_lr={end!r})")
    check_int("num_steps", given["num_steps"], minimum=5)
    check_int("batch_size", given["batch_size"], minimum=1)
    check_int("accumulation_steps", given["accumulation_steps"], minimum=1)
    if given["n_threads"] is not None:
        check_int("n_threads", given["n_threads"], minimum=1)
    if given["mode"] not in RAMP_MODES:
        raise ValueError(f"`mode` must be one of {list(RAMP_MODES)} (got {given['mode']!r})")
    factor, beta = given["diverge_factor"], given["beta"]
    if not _is_real(factor) or not factor > 1 or not math.isfinite(factor):
        raise ValueError(f"`diverge_factor` must be a finite number > 1 (got {factor!r})")
    if not _is_real(beta) or not 0 <= beta < 1:
        raise ValueError(f"`beta` must be a number in [0, 1) (got {beta!r})")
    _check_seeds(given["seeds"])
    _check_rules(given["rules"])
    if not callable(given["loss"]):
        raise TypeError(f"`loss` must be callable (got {given['loss']!r})")
    _check_model(given["model"], given["optimizer"])
    _check_data(given["train"])
    return _recipe(given["optimizer"], given["optimizer_options"])


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _check_seeds(seeds: Any) -> None:
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Sequence) or not seeds:
        raise ValueError(f"`seeds` must be a non-empty sequence of integers (got {seeds!r})")
    for seed in seeds:
        check_int("seeds", seed, minimum=0)
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"`seeds` must be distinct (got {list(seeds)})")


def _check_rules(rules: Any) -> None:
    if rules is None:
        return
    if not rules or not all(isinstance(r, SuggestionRule) for r in rules):
        raise TypeError(f"`rules` must be a non-empty sequence of SuggestionRule (got {rules!r})")
    names = [r.name for r in rules]
    if len(set(names)) != len(names):
        raise ValueError(f"`rules` must have distinct names (got {names})")


def _check_model(model: Any, optimizer: Any) -> None:
    if isinstance(model, torch.nn.Module):
        params = list(model.parameters())
        if not params:
            raise ValueError(f"`model` has no parameters to train ({type(model).__name__})")
        if isinstance(optimizer, torch.optim.Optimizer):
            own = {id(p) for p in params}
            theirs = [p for g in optimizer.param_groups for p in g["params"]]
            if not theirs or any(id(p) not in own for p in theirs):
                raise ValueError("`optimizer` must optimise parameters of `model`")
    elif callable(model):
        if isinstance(optimizer, torch.optim.Optimizer):
            raise TypeError(
                "`optimizer` must be a name when `model` is a factory (each seed builds "
                "a new model, which a given optimiser does not hold)"
            )
    else:
        raise TypeError(
            f"`model` must be a torch.nn.Module or a callable returning one "
            f"(got {type(model).__name__})"
        )


def _check_data(train: Any) -> None:
    if isinstance(train, torch.utils.data.DataLoader):
        try:
            n = len(train)
        except TypeError:
            return  # an iterable loader: emptiness shows on the first pass
        if n < 1:
            raise ValueError("`train` holds no batch (an empty DataLoader)")
    elif isinstance(train, torch.utils.data.Dataset):
        if hasattr(train, "__len__") and len(train) < 1:
            raise ValueError("`train` holds no example (an empty Dataset)")
    else:
        make_batches(train, name="train", batch_size=1, shuffle=False, seed=None)


def _recipe(optimizer: Any, options: Mapping[str, Any] | None) -> TrainingRecipe:
    if isinstance(optimizer, torch.optim.Optimizer):
        if options:
            raise ValueError("`optimizer_options` apply only to an optimiser given by name")
        return TrainingRecipe()
    if optimizer not in OPTIMIZERS:
        raise ValueError(
            f"`optimizer` must be one of {list(OPTIMIZERS)} or a torch.optim.Optimizer "
            f"(got {optimizer!r})"
        )
    allowed = {"momentum", "nesterov", "beta1", "beta2", "weight_decay"}
    unknown = sorted(set(options or {}) - allowed)
    if unknown:
        raise ValueError(
            f"`optimizer_options` names unknown option(s) {unknown}; known: {sorted(allowed)}"
        )
    try:
        return TrainingRecipe(optimizer=optimizer, **dict(options or {}))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"bad value in `optimizer_options`: {exc}") from None
