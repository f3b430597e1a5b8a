"""Everything a range test touches, captured before it and put back bit for bit.

A range test trains the user's own model and optimiser with ever larger rates
until the loss blows up; afterwards the user expects to train the model as if
nothing had happened. :class:`TrainingState` captures, and
:func:`preserved_state` restores on every exit (normal, divergence, or an
exception in the user's loss or model):

- every parameter and buffer of every module, by value and by object (a
  module that replaced a buffer gets its own tensor back), and the gradients;
- the train/eval flag of every module (set one by one: ``module.train()``
  would overwrite the flags of submodules the user had set differently);
- the optimiser's per-parameter state and every setting of its groups
  (learning rates included);
- the global generators of Python, NumPy and PyTorch (CPU and CUDA).
"""

from __future__ import annotations

import contextlib
import copy
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

__all__ = ["TrainingState", "capture_state", "preserved_state", "restore_state"]

# (owning module, attribute name, the tensor object, a clone of its value)
_Slot = tuple[torch.nn.Module, str, torch.Tensor, torch.Tensor]
# (parameter, its gradient object or None, a clone of the gradient or None)
_Grad = tuple[torch.Tensor, "torch.Tensor | None", "torch.Tensor | None"]


@dataclass
class TrainingState:
    """A capture of a model, an optimiser and the global generators."""

    slots: list[_Slot]
    grads: list[_Grad]
    flags: list[tuple[torch.nn.Module, bool]]
    optimizer: torch.optim.Optimizer | None
    optimizer_state: dict[Any, dict[str, Any]]
    optimizer_groups: list[list[tuple[str, Any]]]
    rngs: tuple[Any, Any, torch.Tensor, list[torch.Tensor] | None]


def _clone(value: Any) -> Any:
    return value.detach().clone() if isinstance(value, torch.Tensor) else copy.deepcopy(value)


def capture_state(
    model: torch.nn.Module | None, optimizer: torch.optim.Optimizer | None
) -> TrainingState:
    """Capture ``model`` (may be None), ``optimizer`` (may be None) and the RNGs."""
    slots: list[_Slot] = []
    flags: list[tuple[torch.nn.Module, bool]] = []
    for module in () if model is None else model.modules():
        flags.append((module, module.training))
        named = [*module.named_parameters(recurse=False), *module.named_buffers(recurse=False)]
        slots += [(module, name, t, t.detach().clone()) for name, t in named]
    params = [] if model is None else list(model.parameters())
    grads: list[_Grad] = [
        (p, p.grad, None if p.grad is None else p.grad.detach().clone()) for p in params
    ]
    state: dict[Any, dict[str, Any]] = {}
    groups: list[list[tuple[str, Any]]] = []
    if optimizer is not None:
        state = {p: {k: _clone(v) for k, v in s.items()} for p, s in optimizer.state.items()}
        groups = [[(k, v if k == "params" else _clone(v)) for k, v in g.items()]
                  for g in optimizer.param_groups]  # fmt: skip
    cuda = torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None
    rngs = (random.getstate(), np.random.get_state(), torch.random.get_rng_state(), cuda)
    return TrainingState(slots, grads, flags, optimizer, state, groups, rngs)


def restore_state(saved: TrainingState) -> None:
    """Put back everything :func:`capture_state` captured (bit-exact)."""
    with torch.no_grad():
        for module, name, tensor, value in saved.slots:
            if getattr(module, name) is not tensor:
                setattr(module, name, tensor)
            tensor.copy_(value)
        for param, grad, grad_value in saved.grads:
            if grad is not None and grad_value is not None:
                grad.copy_(grad_value)
            param.grad = grad
    for module, training in saved.flags:
        module.training = training
    if saved.optimizer is not None:
        saved.optimizer.state.clear()
        for param, values in saved.optimizer_state.items():
            saved.optimizer.state[param] = {k: _clone(v) for k, v in values.items()}
        for group, items in zip(saved.optimizer.param_groups, saved.optimizer_groups, strict=True):
            group.clear()
            group.update((k, v if k == "params" else _clone(v)) for k, v in items)
    python_state, numpy_state, torch_state, cuda_states = saved.rngs
    random.setstate(python_state)
    np.random.set_state(numpy_state)
    torch.random.set_rng_state(torch_state)
    if cuda_states is not None:
        torch.cuda.set_rng_state_all(cuda_states)


@contextlib.contextmanager
def preserved_state(
    model: torch.nn.Module | None, optimizer: torch.optim.Optimizer | None
) -> Iterator[TrainingState]:
    """Capture on entry; restore on every exit, also when the block raises."""
    saved = capture_state(model, optimizer)
    try:
        yield saved
    finally:
        restore_state(saved)
