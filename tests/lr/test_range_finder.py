"""The range test: known answers on least squares, seeds, accumulation, results."""

from __future__ import annotations

import json

import pytest
import torch

from hypersense.lr import RangeTestResult, range_test
from tests.lr.helpers import half_mse, linear_model, planted_least_squares

PLANTED = [(4.0, 1.0, 0.5, 0.1), (10.0, 3.0, 1.0), (100.0, 10.0, 1.0, 0.01)]


@pytest.mark.parametrize("eigenvalues", PLANTED, ids=str)
def test_full_batch_gradient_descent_diverges_just_above_two_over_lambda_max(
    eigenvalues: tuple[float, ...],
) -> None:
    # Gradient descent on 0.5·mean((xw - y)²) diverges for lr > 2/λ_max, λ_max
    # the largest eigenvalue of xᵀx/n. The ramp sees it late: below 2/λ_max
    # the top direction was shrunk to float32's rounding level, from which it
    # must grow back past 4x the minimum. With 200 steps per decade that lag
    # stays under a factor of 2.5 (measured 1.56 to 1.87 on these problems).
    x, y = planted_least_squares(eigenvalues)
    limit = 2.0 / max(eigenvalues)
    result = range_test(
        linear_model(x.shape[1]),
        train=(x, y),
        loss=half_mse,
        optimizer="sgd",
        start_lr=limit / 2000,
        end_lr=limit * 50,
        num_steps=1000,
        batch_size=len(x),
        seeds=(0,),
    )
    assert result.divergence_lr is not None
    assert limit <= result.divergence_lr <= 2.5 * limit
    assert result.suggested_lr < limit
    low, high = result.interval
    assert low <= result.suggested_lr <= high < limit
    assert all(s.found for s in result.suggestions.values())


def test_seeds_vary_the_batch_order_and_combine_into_an_interval() -> None:
    x, y = planted_least_squares((4.0, 1.0, 0.5, 0.1), n=192, noise=1.0)
    result = range_test(
        linear_model(4), train=(x, y), loss=half_mse, start_lr=1e-4, end_lr=10.0,
        num_steps=60, batch_size=16, seeds=(3, 1, 2),
    )  # fmt: skip
    assert [c.seed for c in result.curves] == [3, 1, 2]
    first, second = result.curves[0].losses, result.curves[1].losses
    assert first[:5] != second[:5]  # other batches
    assert result.losses.shape == result.smoothed_losses.shape == (3, 60)
    assert result.lrs.shape == (60,)
    found = [s.lr for c in result.curves for s in c.suggestions if s.lr is not None]
    assert result.interval == (min(found), max(found))
    assert result.n_steps_run == sum(c.n_steps for c in result.curves)
    # Stored as JSON and read back, the result is the same.
    again = RangeTestResult.from_dict(json.loads(json.dumps(result.to_dict(), allow_nan=False)))
    assert again.suggestions == result.suggestions and again.settings == result.settings
    assert again.suggested_lr == result.suggested_lr and again.interval == result.interval
    assert again.divergence_lr == result.divergence_lr


def test_accumulated_half_batches_make_the_full_batch_step() -> None:
    # In float64: past the stable learning rates the ramp amplifies every rounding
    # difference, and float32's summation order differs between CPUs.
    x, y = (t.double() for t in planted_least_squares((4.0, 1.0), n=64))
    common = dict(train=(x, y), loss=half_mse, start_lr=1e-3, end_lr=5.0, num_steps=40, seeds=(0,))

    def model() -> torch.nn.Module:
        return linear_model(2).double()

    full = range_test(model, batch_size=64, **common)
    halves = range_test(model, batch_size=32, accumulation_steps=2, **common)
    assert halves.settings.batch_size == full.settings.batch_size == 64
    assert halves.settings.accumulation_steps == 2
    assert halves.curves[0].losses == pytest.approx(full.curves[0].losses, rel=1e-5)


def test_a_factory_builds_a_fresh_model_per_seed_on_every_data_form() -> None:
    x, y = planted_least_squares((2.0, 1.0), n=64)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=16)
    for data in ((x, y), torch.utils.data.TensorDataset(x, y), loader):
        result = range_test(
            lambda: torch.nn.Linear(2, 1), train=data, loss=half_mse, num_steps=20,
            batch_size=16, seeds=(0, 1),
        )  # fmt: skip
        # Different seeds, different initial weights: different first losses.
        assert result.curves[0].losses[0] != result.curves[1].losses[0]
        assert result.settings.batch_size == 16


def test_the_ramp_stops_on_divergence_and_records_the_diverging_step() -> None:
    x, y = planted_least_squares((4.0, 1.0))
    result = range_test(
        linear_model(2), train=(x, y), loss=half_mse, start_lr=1e-2, end_lr=1e3, num_steps=100,
        batch_size=len(x), seeds=(0,),
    )  # fmt: skip
    curve = result.curves[0]
    assert curve.n_steps < 100 and curve.divergence_lr == curve.lrs[-1]
    assert result.divergence_lr == curve.divergence_lr
    smoothed = curve.smoothed_losses
    assert smoothed[-1] > 4 * min(smoothed[:-1])
    assert all(s <= 4 * min(smoothed[: i + 1]) for i, s in enumerate(smoothed[:-1]))
