"""Tiny models and data sets for the hypersense.torch tests."""

from __future__ import annotations

import torch


class ScalarModel(torch.nn.Module):
    """One float64 weight ``w``; the output for each example is ``w``.

    With :func:`mean_output` as the loss, the gradient is exactly 1 whatever
    the batch, so plain SGD lowers ``w`` by exactly the learning rate of each
    step: the validation loss after an epoch is ``w0`` minus the sum of every
    rate used so far. That makes the rates the optimiser really applied visible.
    """

    def __init__(self, w0: float) -> None:
        super().__init__()
        self.w = torch.nn.Parameter(torch.tensor(w0, dtype=torch.float64))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.w.expand(x.shape[0])


def mean_output(outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """The loss ``mean(outputs)``, i.e. ``w`` for :class:`ScalarModel`."""
    return outputs.mean()


def scalar_data(n: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` examples of nothing, for :class:`ScalarModel`."""
    return torch.zeros(n, 1, dtype=torch.float64), torch.zeros(n, dtype=torch.float64)


def blobs(n: int = 96, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """A small 3-class problem in 4 dimensions: Gaussian blobs around fixed centres."""
    g = torch.Generator().manual_seed(seed)
    y = torch.randint(0, 3, (n,), generator=g)
    centres = torch.tensor([[2.0, 0, 0, 0], [0, 2.0, 0, 0], [0, 0, 2.0, 0]])
    x = centres[y] + torch.randn(n, 4, generator=g)
    return x, y


def mlp() -> torch.nn.Module:
    """A tiny classifier with dropout, so seeding matters for the curves."""
    return torch.nn.Sequential(
        torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Dropout(0.2), torch.nn.Linear(16, 3)
    )


def accuracy(outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Share of correct predictions in the batch."""
    return (outputs.argmax(dim=1) == targets).double().mean()
