"""The reference: a plain PyTorch loop written by hand, as a user would.

It does the same work as ``fit`` with a constant-rate Adam recipe: the same
seeds (derived the way ``fit`` derives them, so both runs draw the same initial
weights and the same mini-batch orders), a shuffled pass over the training
tensors, a validation pass with loss and accuracy every epoch.
"""

from __future__ import annotations

import torch

from benchmarks.torch_overhead.workloads import Workload, accuracy
from hypersense.torch.seeding import derive_seeds


def _batches(x: torch.Tensor, y: torch.Tensor, size: int, order: torch.Tensor | None):  # type: ignore[no-untyped-def]
    for start in range(0, len(x), size):
        if order is None:
            yield x[start : start + size], y[start : start + size]
        else:
            index = order[start : start + size]
            yield x[index], y[index]


def hand_written_run(
    work: Workload, data: tuple[torch.Tensor, ...], *, epochs: int, lr: float, seed: int
) -> list[float]:
    """Train and validate for ``epochs``; return the validation losses."""
    x_train, y_train, x_val, y_val = data
    torch_seed, shuffle_seed = derive_seeds(seed, 2)
    torch.manual_seed(torch_seed)
    model = work.model()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = torch.nn.functional.cross_entropy
    generator = torch.Generator().manual_seed(shuffle_seed)
    loader = None
    if work.loader:
        dataset = torch.utils.data.TensorDataset(x_train, y_train)
        # Shuffled from the global generator, seeded above, as fit's given loader is.
        loader = torch.utils.data.DataLoader(dataset, batch_size=work.batch_size, shuffle=True)
    val_losses = []
    for _ in range(epochs):
        model.train()
        running, seen = 0.0, 0
        if loader is not None:
            batches = iter(loader)
        else:
            order = torch.randperm(len(x_train), generator=generator)
            batches = _batches(x_train, y_train, work.batch_size, order)
        for xb, yb in batches:
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            running += loss.item() * len(yb)
            seen += len(yb)
        model.eval()
        val_loss, val_acc, n = 0.0, 0.0, 0
        with torch.no_grad():
            for xb, yb in _batches(x_val, y_val, work.batch_size, None):
                out = model(xb)
                val_loss += loss_fn(out, yb).item() * len(yb)
                val_acc += accuracy(out, yb).item() * len(yb)
                n += len(yb)
        val_losses.append(val_loss / n)
    return val_losses
