"""A tiny LightningModule on scikit-learn's digits for the Lightning callback's tests.

In a module of its own so that ``ddp_spawn``'s rank processes can import it.
"""

from __future__ import annotations

from typing import Any

import lightning.pytorch as pl
import torch
from torch.utils.data import DataLoader, TensorDataset


def digits_loaders(n_train: int = 320, n_val: int = 160) -> tuple[DataLoader[Any], DataLoader[Any]]:
    """Training and validation loaders (batch 64, no shuffling)."""
    # Imported here: the spawned ranks import this module but receive the loaders.
    from sklearn.datasets import load_digits

    x, y = load_digits(return_X_y=True)
    xt = torch.tensor(x / 16.0, dtype=torch.float32)
    yt = torch.tensor(y, dtype=torch.int64)
    train = TensorDataset(xt[:n_train], yt[:n_train])
    val = TensorDataset(xt[n_train : n_train + n_val], yt[n_train : n_train + n_val])
    return DataLoader(train, batch_size=64), DataLoader(val, batch_size=64)


class DigitsClassifier(pl.LightningModule):
    """A one-hidden-layer MLP trained by SGD at ``lr``; logs ``val_loss`` and ``val_acc``."""

    def __init__(self, lr: float) -> None:
        super().__init__()
        self.lr = lr
        self.net = torch.nn.Sequential(
            torch.nn.Linear(64, 16), torch.nn.ReLU(), torch.nn.Linear(16, 10)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)  # type: ignore[no-any-return]

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        x, y = batch
        return torch.nn.functional.cross_entropy(self(x), y)

    def validation_step(self, batch: Any, batch_idx: int) -> None:
        x, y = batch
        logits = self(x)
        loss = torch.nn.functional.cross_entropy(logits, y)
        accuracy = (logits.argmax(dim=1) == y).float().mean()
        self.log("val_loss", loss, sync_dist=True)
        self.log("val_acc", accuracy, sync_dist=True)

    def configure_optimizers(self) -> torch.optim.Optimizer:
        return torch.optim.SGD(self.parameters(), lr=self.lr)
