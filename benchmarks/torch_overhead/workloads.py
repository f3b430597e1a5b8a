"""The models and data both loops train: synthetic classification, two MLP sizes."""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class Workload:
    """One benchmark case: data shape, model width and depth, batch size.

    Attributes:
        name: Row label in the results.
        n_train: Training examples.
        n_val: Validation examples.
        n_features: Input dimension.
        width: Hidden units per layer.
        depth: Hidden layers.
        batch_size: Examples per optimiser step.
        loader: Feed both loops the same DataLoader instead of in-memory tensors.
    """

    name: str
    n_train: int
    n_val: int
    n_features: int
    width: int
    depth: int
    batch_size: int
    loader: bool = False

    def data(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        """``(x_train, y_train, x_val, y_val)``: 10 Gaussian classes, fixed by seed 0."""
        g = torch.Generator().manual_seed(0)
        n = self.n_train + self.n_val
        centres = torch.randn(10, self.n_features, generator=g) * 1.5
        y = torch.randint(0, 10, (n,), generator=g)
        x = centres[y] + torch.randn(n, self.n_features, generator=g)
        return x[: self.n_train], y[: self.n_train], x[self.n_train :], y[self.n_train :]

    def model(self) -> torch.nn.Module:
        """A ReLU MLP with ``depth`` hidden layers of ``width`` units and 10 outputs."""
        layers: list[torch.nn.Module] = []
        size = self.n_features
        for _ in range(self.depth):
            layers += [torch.nn.Linear(size, self.width), torch.nn.ReLU()]
            size = self.width
        layers.append(torch.nn.Linear(size, 10))
        return torch.nn.Sequential(*layers)


WORKLOADS = (
    Workload("tiny MLP (overhead-bound), tensors", 8192, 2048, 8, 8, 1, 32),
    Workload("small MLP, tensors", 8192, 2048, 32, 64, 1, 64),
    Workload("small MLP, DataLoader", 8192, 2048, 32, 64, 1, 64, loader=True),
    Workload("wider MLP, tensors", 8192, 2048, 64, 256, 2, 128),
)


def accuracy(outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Share of correct predictions in a batch."""
    return (outputs.argmax(dim=1) == targets).float().mean()
