"""Penalties added to the training loss, and gradient clipping."""

from __future__ import annotations

from collections.abc import Sequence

import torch

__all__ = ["clip_gradients", "parameter_penalty"]


def parameter_penalty(
    parameters: Sequence[torch.Tensor], *, l1: float, l2: float
) -> torch.Tensor | None:
    """``l1 * sum(|w|) + l2 * sum(w**2)`` over every element of ``parameters``.

    Every trainable parameter is penalised, biases included, as the optimisers'
    own ``weight_decay`` does. Returns None when both coefficients are 0, so
    the training step does no extra work.

    Args:
        parameters: Tensors of any shapes.
        l1: Coefficient of the sum of absolute values, >= 0.
        l2: Coefficient of the sum of squares, >= 0.
    """
    if (l1 == 0.0 and l2 == 0.0) or not parameters:
        return None
    terms: list[torch.Tensor] = []
    if l1 > 0.0:
        terms += [p.abs().sum() * l1 for p in parameters]
    if l2 > 0.0:
        terms += [p.square().sum() * l2 for p in parameters]
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def clip_gradients(parameters: Sequence[torch.Tensor], max_norm: float | None) -> None:
    """Scale the gradients of ``parameters`` so that their joint L2 norm is at most
    ``max_norm`` (nothing when None). The norm stays on the device: no sync."""
    if max_norm is not None:
        torch.nn.utils.clip_grad_norm_(parameters, max_norm)
