"""A range test leaves model, optimiser, generators and train/eval flags bit-exact,
whether it ends normally, diverges, or raises midway."""

from __future__ import annotations

import copy
import random
from typing import Any

import numpy as np
import pytest
import torch

from hypersense.lr import range_test


class Net(torch.nn.Module):
    """Batch norm (running statistics, a step counter), dropout, and a head."""

    def __init__(self) -> None:
        super().__init__()
        self.body = torch.nn.Sequential(
            torch.nn.Linear(4, 16), torch.nn.BatchNorm1d(16), torch.nn.ReLU(), torch.nn.Dropout(0.3)
        )
        self.head = torch.nn.Linear(16, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x))


def blobs(n: int = 128) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(0)
    y = torch.randint(0, 3, (n,), generator=g)
    return torch.eye(4)[y] * 2 + torch.randn(n, 4, generator=g), y


def trained_setup() -> tuple[Net, torch.optim.Optimizer]:
    """A model and an Adam optimiser with real state, gradients, and mixed flags."""
    torch.manual_seed(0)
    model = Net()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3, weight_decay=1e-4)
    x, y = blobs()
    for _ in range(3):
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(x), y).backward()
        optimizer.step()
    torch.nn.functional.cross_entropy(model(x), y).backward()  # gradients left in place
    model.eval()
    model.body[1].train()  # the user's own mix of flags
    return model, optimizer


def snapshot(model: torch.nn.Module, optimizer: torch.optim.Optimizer) -> dict[str, Any]:
    return {
        "state": {k: v.clone() for k, v in model.state_dict().items()},
        "objects": [id(t) for t in [*model.parameters(), *model.buffers()]],
        "grads": [None if p.grad is None else p.grad.clone() for p in model.parameters()],
        "flags": [m.training for m in model.modules()],
        "optimizer": copy.deepcopy(optimizer.state_dict()),  # its tensors are live
        "python": random.getstate(),
        "numpy": np.random.get_state(),
        "torch": torch.random.get_rng_state(),
    }


def assert_same(before: dict[str, Any], after: dict[str, Any]) -> None:
    assert before["state"].keys() == after["state"].keys()
    for key, value in before["state"].items():
        assert torch.equal(value, after["state"][key]), key  # bit for bit
        assert value.dtype == after["state"][key].dtype
    assert before["objects"] == after["objects"]
    for a, b in zip(before["grads"], after["grads"], strict=True):
        assert (a is None and b is None) or torch.equal(a, b)
    assert before["flags"] == after["flags"]
    opt_a, opt_b = before["optimizer"], after["optimizer"]
    assert opt_a["param_groups"] == opt_b["param_groups"]  # learning rates included
    assert opt_a["state"].keys() == opt_b["state"].keys()
    for index, values in opt_a["state"].items():
        for name, value in values.items():
            assert torch.equal(value, opt_b["state"][index][name]), (index, name)
    assert before["python"] == after["python"]
    a_np, b_np = before["numpy"], after["numpy"]
    assert a_np[0] == b_np[0] and np.array_equal(a_np[1], b_np[1]) and a_np[2:] == b_np[2:]
    assert torch.equal(before["torch"], after["torch"])


def test_a_diverging_test_restores_everything_bit_exactly() -> None:
    model, optimizer = trained_setup()
    random.seed(5)
    np.random.seed(5)
    torch.manual_seed(5)
    before = snapshot(model, optimizer)
    result = range_test(
        model, train=blobs(), loss=torch.nn.functional.cross_entropy, optimizer=optimizer,
        start_lr=1e-4, end_lr=1e4, num_steps=80, batch_size=32, seeds=(0, 1),
    )  # fmt: skip
    assert result.divergence_lr is not None  # the ramp really blew the weights up
    assert_same(before, snapshot(model, optimizer))
    # The optimiser still drives the very same parameters.
    assert [p for g in optimizer.param_groups for p in g["params"]] == list(model.parameters())


def test_a_test_that_raises_midway_restores_everything_bit_exactly() -> None:
    model, optimizer = trained_setup()
    before = snapshot(model, optimizer)
    calls = 0

    def failing_loss(outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        nonlocal calls
        calls += 1
        if calls == 12:
            raise RuntimeError("the user's loss broke")
        return torch.nn.functional.cross_entropy(outputs, targets)

    with pytest.raises(RuntimeError, match="the user's loss broke"):
        range_test(
            model, train=blobs(), loss=failing_loss, optimizer=optimizer, start_lr=1e-3,
            end_lr=1.0, num_steps=50, batch_size=32, seeds=(0,),
        )  # fmt: skip
    assert calls == 12
    assert_same(before, snapshot(model, optimizer))


def test_a_named_optimiser_and_a_factory_leave_the_generators_alone() -> None:
    model, optimizer = trained_setup()
    before = snapshot(model, optimizer)
    range_test(
        model, train=blobs(), loss=torch.nn.functional.cross_entropy, optimizer="sgd",
        optimizer_options={"momentum": 0.9}, num_steps=30, batch_size=32, seeds=(0,),
    )  # fmt: skip
    range_test(
        Net, train=blobs(), loss=torch.nn.functional.cross_entropy, num_steps=30,
        batch_size=32, seeds=(0, 1),
    )  # fmt: skip
    assert_same(before, snapshot(model, optimizer))
