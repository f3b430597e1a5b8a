"""Bad input to the range test: a clear error naming the argument, before any work."""

from __future__ import annotations

from typing import Any

import pytest
import torch

from hypersense.lr import range_test
from tests.lr.helpers import half_mse, linear_model, planted_least_squares


class CountingLoss:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        self.calls += 1
        return half_mse(outputs, targets)


class NoParameters(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.sum(dim=1, keepdim=True)


DATA = planted_least_squares((2.0, 1.0), n=32)
EMPTY = (torch.zeros(0, 2), torch.zeros(0))


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"start_lr": 1.0, "end_lr": 1.0}, ValueError, "`start_lr` must be < `end_lr`"),
        ({"start_lr": 2.0, "end_lr": 1.0}, ValueError, "`start_lr` must be < `end_lr`"),
        ({"start_lr": 0.0}, ValueError, "`start_lr` must be a finite number > 0"),
        ({"start_lr": -1e-3}, ValueError, "`start_lr` must be a finite number > 0"),
        ({"end_lr": -1.0}, ValueError, "`end_lr` must be a finite number > 0"),
        ({"end_lr": float("inf")}, ValueError, "`end_lr` must be a finite number > 0"),
        ({"start_lr": True}, ValueError, "`start_lr`"),
        ({"num_steps": 2}, ValueError, "`num_steps` must be an integer >= 5"),
        ({"mode": "log"}, ValueError, "`mode` must be one of"),
        ({"batch_size": 0}, ValueError, "`batch_size`"),
        ({"accumulation_steps": 0}, ValueError, "`accumulation_steps`"),
        ({"seeds": ()}, ValueError, "`seeds` must be a non-empty"),
        ({"seeds": (1, 1)}, ValueError, "`seeds` must be distinct"),
        ({"seeds": (-1,)}, ValueError, "`seeds`"),
        ({"diverge_factor": 1.0}, ValueError, "`diverge_factor`"),
        ({"beta": 1.0}, ValueError, "`beta`"),
        ({"train": EMPTY}, ValueError, "`train` must share a non-empty"),
        ({"train": ()}, ValueError, "`train` is an empty tuple"),
        ({"train": torch.utils.data.TensorDataset(*EMPTY)}, ValueError, "`train` holds no"),
        (
            {"train": torch.utils.data.DataLoader(torch.utils.data.TensorDataset(*EMPTY))},
            ValueError,
            "`train` holds no batch",
        ),
        ({"train": "data.csv"}, TypeError, "`train` must be a DataLoader"),
        ({"model": NoParameters()}, ValueError, "`model` has no parameters"),
        ({"model": 3}, TypeError, "`model` must be a torch.nn.Module"),
        ({"optimizer": "lbfgs"}, ValueError, "`optimizer` must be one of"),
        ({"optimizer_options": {"lr": 1.0}}, ValueError, "`optimizer_options` names unknown"),
        ({"optimizer_options": {"momentum": 2.0}}, ValueError, "`optimizer_options`"),
        ({"loss": "mse"}, TypeError, "`loss` must be callable"),
        ({"n_threads": 0}, ValueError, "`n_threads`"),
        ({"rules": ()}, TypeError, "`rules`"),
    ],
)
def test_bad_input_is_named_before_any_work(
    changes: dict[str, Any], error: type[Exception], message: str
) -> None:
    loss = CountingLoss()
    arguments: dict[str, Any] = {
        "model": linear_model(2), "train": DATA, "loss": loss, "num_steps": 10, "seeds": (0,),
    }  # fmt: skip
    arguments.update(changes)
    with pytest.raises(error, match=message):
        range_test(**arguments)
    assert loss.calls == 0


def test_an_optimiser_of_another_model_or_with_a_factory_is_refused() -> None:
    other = torch.optim.SGD(linear_model(2).parameters(), lr=0.1)
    with pytest.raises(ValueError, match="`optimizer` must optimise parameters of `model`"):
        range_test(linear_model(2), train=DATA, loss=half_mse, optimizer=other)
    with pytest.raises(TypeError, match="`optimizer` must be a name when `model` is a factory"):
        range_test(lambda: linear_model(2), train=DATA, loss=half_mse, optimizer=other)


def test_a_factory_building_a_model_without_parameters_is_named() -> None:
    with pytest.raises(ValueError, match="`model` has no parameters"):
        range_test(NoParameters, train=DATA, loss=half_mse, num_steps=10, seeds=(0,))
