"""The optimiser a recipe names, with its settings."""

from __future__ import annotations

import pytest
import torch

from hypersense.torch import TrainingRecipe, build_optimizer
from hypersense.torch.regularization import parameter_penalty


def build(**fields: object) -> torch.optim.Optimizer:
    return build_optimizer(TrainingRecipe(**fields), [torch.nn.Parameter(torch.zeros(3))])  # type: ignore[arg-type]


def test_sgd_gets_its_momentum_nesterov_and_decay() -> None:
    opt = build(optimizer="sgd", lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-4)
    group = opt.param_groups[0]
    assert type(opt) is torch.optim.SGD
    assert (group["lr"], group["momentum"], group["nesterov"], group["weight_decay"]) == (
        0.1,
        0.9,
        True,
        1e-4,
    )


def test_nesterov_without_momentum_is_plain_sgd() -> None:
    group = build(optimizer="sgd", momentum=0.0, nesterov=True).param_groups[0]
    assert group["nesterov"] is False and group["momentum"] == 0.0


@pytest.mark.parametrize(
    ("name", "cls"), [("adam", torch.optim.Adam), ("adamw", torch.optim.AdamW)]
)
def test_adam_family_gets_its_betas(name: str, cls: type) -> None:
    opt = build(optimizer=name, lr=0.01, beta1=0.8, beta2=0.99, weight_decay=0.05)
    group = opt.param_groups[0]
    assert type(opt) is cls
    assert (group["betas"], group["weight_decay"]) == ((0.8, 0.99), 0.05)


def test_rmsprop_gets_its_momentum() -> None:
    opt = build(optimizer="rmsprop", lr=0.01, momentum=0.5)
    assert type(opt) is torch.optim.RMSprop and opt.param_groups[0]["momentum"] == 0.5


def test_penalty_is_l1_of_absolute_values_plus_l2_of_squares() -> None:
    params = [torch.tensor([1.0, -2.0]), torch.tensor([[3.0]])]
    penalty = parameter_penalty(params, l1=0.5, l2=0.25)
    assert penalty is not None
    assert penalty.item() == pytest.approx(0.5 * 6.0 + 0.25 * 14.0)
    assert parameter_penalty(params, l1=0.0, l2=0.0) is None
