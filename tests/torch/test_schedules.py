"""Each schedule's learning-rate trajectory against its formula, and against PyTorch's
own schedulers where one implements the same schedule."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from hypersense.torch.recipe import TrainingRecipe
from hypersense.torch.schedules import (
    PlateauState,
    cosine_lr,
    exponential_lr,
    lr_trajectory,
    one_cycle_lr,
    plateau_multipliers,
    plateau_update,
    step_decay_lr,
    step_size_epochs,
    warmup_cosine_lr,
    warmup_steps,
)


def torch_trajectory(make_scheduler, n_steps: int, base_lr: float) -> list[float]:  # type: ignore[no-untyped-def]
    """The rates a torch scheduler sets over ``n_steps`` calls of ``step()``."""
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=base_lr)
    scheduler = make_scheduler(opt)
    rates = []
    for _ in range(n_steps):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        scheduler.step()
    return rates


# ----------------------------------------------------------- known answers
def test_step_decay_multiplies_by_gamma_every_step_size_epochs() -> None:
    lr = step_decay_lr(1.0, np.arange(7), step_size_epochs=3, gamma=0.5)
    assert lr.tolist() == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25]


def test_step_size_is_the_rounded_fraction_of_the_run_and_at_least_one() -> None:
    assert step_size_epochs(0.3, 10) == 3
    assert step_size_epochs(0.25, 10) == 3  # 2.5 rounds half up
    assert step_size_epochs(0.01, 10) == 1
    assert step_size_epochs(1.0, 7) == 7


def test_exponential_decay_is_gamma_to_the_epoch() -> None:
    lr = exponential_lr(2.0, np.arange(4), gamma=0.9)
    np.testing.assert_allclose(lr, [2.0, 1.8, 1.62, 1.458], rtol=1e-15)


def test_cosine_runs_from_base_to_min_through_the_midpoint() -> None:
    lr = cosine_lr(1.0, np.arange(9), total_steps=8, min_lr=0.1)
    assert lr[0] == pytest.approx(1.0, abs=1e-15)
    assert lr[4] == pytest.approx(0.55, abs=1e-15)  # halfway: the mean of base and min
    assert lr[8] == pytest.approx(0.1, abs=1e-15)
    assert lr[2] == pytest.approx(0.1 + 0.9 * (1 + math.cos(math.pi / 4)) / 2, rel=1e-15)
    assert np.all(np.diff(lr) < 0)


def test_warmup_rises_linearly_from_lr_over_w_then_follows_the_cosine() -> None:
    lr = warmup_cosine_lr(1.0, np.arange(13), warmup_steps=4, total_steps=12, min_lr=0.0)
    np.testing.assert_allclose(lr[:4], [0.25, 0.5, 0.75, 1.0], rtol=1e-15)
    assert lr[4] == pytest.approx(1.0, abs=1e-15)  # the cosine starts at the base rate
    assert lr[8] == pytest.approx(0.5, abs=1e-15)  # halfway through the 8 decay steps
    assert lr[12] == pytest.approx(0.0, abs=1e-15)


def test_warmup_of_zero_steps_is_the_plain_cosine() -> None:
    steps = np.arange(10)
    np.testing.assert_allclose(
        warmup_cosine_lr(0.3, steps, warmup_steps=0, total_steps=10, min_lr=0.01),
        cosine_lr(0.3, steps, total_steps=10, min_lr=0.01),
        rtol=1e-15,
    )


def test_warmup_length_is_the_rounded_fraction_of_all_steps() -> None:
    assert warmup_steps(0.1, 100) == 10
    assert warmup_steps(0.05, 30) == 2  # 1.5 rounds half up
    assert warmup_steps(0.0, 30) == 0


def test_one_cycle_rises_to_the_peak_then_falls_to_the_final_rate() -> None:
    # max 1, 10 steps, pct_start 0.3: the peak is at step 0.3 * 10 - 1 = 2.
    lr = one_cycle_lr(
        1.0, np.arange(10), total_steps=10, pct_start=0.3, div_factor=10, final_div_factor=100
    )
    assert lr[0] == pytest.approx(0.1, rel=1e-15)  # max / div_factor
    assert lr[1] == pytest.approx(0.55, rel=1e-15)  # halfway up the half cosine
    assert lr[2] == pytest.approx(1.0, rel=1e-15)
    assert lr[9] == pytest.approx(0.001, rel=1e-12)  # (max / div) / final_div
    middle_of_fall = one_cycle_lr(
        1.0, 5.5, total_steps=10, pct_start=0.3, div_factor=10, final_div_factor=100
    )
    assert float(middle_of_fall) == pytest.approx((1.0 + 0.001) / 2, rel=1e-15)
    assert np.all(np.diff(lr[:3]) > 0) and np.all(np.diff(lr[2:]) < 0)


def test_plateau_reduces_after_more_than_patience_epochs_without_improvement() -> None:
    values = [5.0, 4.0, 4.0, 4.0, 4.0, 4.0, 3.0]
    mult = plateau_multipliers(values, minimize=True, factor=0.5, patience=2, threshold=0.0)
    # Epoch 1 sets the best; epochs 2-4 do not improve; after the third (4) the rate halves.
    assert mult.tolist() == [1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5]


def test_plateau_threshold_is_relative_and_follows_the_direction() -> None:
    state = PlateauState(best=100.0, n_bad_epochs=0, multiplier=1.0)
    kw = {"factor": 0.1, "patience": 5, "threshold": 0.01}
    assert plateau_update(state, 99.5, minimize=True, **kw).n_bad_epochs == 1  # < 1% better
    assert plateau_update(state, 98.9, minimize=True, **kw).best == 98.9
    assert plateau_update(state, 101.1, minimize=False, **kw).best == 101.1
    assert plateau_update(state, math.nan, minimize=True, **kw).n_bad_epochs == 1
    first = plateau_update(PlateauState(), 7.0, minimize=False, **kw)
    assert first == PlateauState(best=7.0, n_bad_epochs=0, multiplier=1.0)


# --------------------------------------------------- against PyTorch's own
def test_step_and_exponential_match_torch_schedulers_stepped_per_epoch() -> None:
    epochs = np.arange(12)
    ours = step_decay_lr(0.1, epochs, step_size_epochs=4, gamma=0.3)
    theirs = torch_trajectory(lambda o: torch.optim.lr_scheduler.StepLR(o, 4, gamma=0.3), 12, 0.1)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    ours = exponential_lr(0.1, epochs, gamma=0.8)
    theirs = torch_trajectory(lambda o: torch.optim.lr_scheduler.ExponentialLR(o, 0.8), 12, 0.1)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_cosine_matches_torch_cosine_annealing_stepped_per_step() -> None:
    ours = cosine_lr(0.1, np.arange(50), total_steps=50, min_lr=0.001)
    theirs = torch_trajectory(
        lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=50, eta_min=0.001), 50, 0.1
    )
    np.testing.assert_allclose(ours, theirs, rtol=1e-9)


@pytest.mark.parametrize(("total", "pct"), [(100, 0.3), (37, 0.25), (10, 0.5)])
def test_one_cycle_matches_torch_one_cycle_without_momentum_cycling(total: int, pct: float) -> None:
    ours = one_cycle_lr(
        0.5,
        np.arange(total),
        total_steps=total,
        pct_start=pct,
        div_factor=20,
        final_div_factor=50,
    )
    theirs = torch_trajectory(
        lambda o: torch.optim.lr_scheduler.OneCycleLR(
            o,
            max_lr=0.5,
            total_steps=total,
            pct_start=pct,
            div_factor=20,
            final_div_factor=50,
            cycle_momentum=False,
            anneal_strategy="cos",
        ),
        total,
        0.5,
    )
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


@pytest.mark.parametrize("mode", ["min", "max"])
def test_plateau_matches_reduce_lr_on_plateau_with_a_relative_threshold(mode: str) -> None:
    rng = np.random.default_rng(3)
    # A noisy trend that flattens: improvements at first, then plateaus.
    values = 10.0 + np.concatenate([-np.arange(8.0), rng.normal(0, 0.02, 22)])
    if mode == "max":
        values = 20.0 - values
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(
        opt, mode=mode, factor=0.5, patience=2, threshold=1e-3, threshold_mode="rel", eps=0.0
    )
    theirs = [1.0]
    for v in values:
        scheduler.step(float(v))
        theirs.append(opt.param_groups[0]["lr"])
    ours = plateau_multipliers(
        values, minimize=mode == "min", factor=0.5, patience=2, threshold=1e-3
    )
    np.testing.assert_allclose(ours, theirs, rtol=1e-15)
    assert ours[-1] < 1.0  # the comparison did see reductions


# ------------------------------------------------------- recipe -> rates
@pytest.mark.parametrize(
    ("recipe", "formula"),
    [
        (TrainingRecipe(lr=0.2), lambda s, e: np.full(s.shape, 0.2)),
        (TrainingRecipe(lr=0.2, schedule="plateau"), lambda s, e: np.full(s.shape, 0.2)),
        (
            TrainingRecipe(lr=0.2, schedule="step", step_fraction=0.4, step_gamma=0.5),
            lambda s, e: 0.2 * 0.5 ** (e // 2),  # 0.4 * 5 epochs = every 2 epochs
        ),
        (
            TrainingRecipe(lr=0.2, schedule="exponential", exp_gamma=0.7),
            lambda s, e: 0.2 * 0.7**e,
        ),
        (
            TrainingRecipe(lr=0.2, schedule="cosine", min_lr_ratio=0.1),
            lambda s, e: 0.02 + 0.18 * (1 + np.cos(np.pi * s / 15)) / 2,
        ),
        (
            TrainingRecipe(lr=0.2, schedule="warmup_cosine", warmup_fraction=0.2),
            lambda s, e: np.where(
                s < 3, 0.2 * (s + 1) / 3, 0.1 * (1 + np.cos(np.pi * (s - 3) / 12))
            ),
        ),
    ],
    ids=["constant", "plateau", "step", "exponential", "cosine", "warmup_cosine"],
)
def test_recipe_trajectory_is_the_formula_at_every_step(recipe, formula) -> None:  # type: ignore[no-untyped-def]
    steps = np.arange(15)  # 5 epochs of 3 steps
    expected = formula(steps, steps // 3)
    np.testing.assert_allclose(lr_trajectory(recipe, n_epochs=5, steps_per_epoch=3), expected)


def test_recipe_trajectory_of_one_cycle_uses_the_recipe_divisors() -> None:
    recipe = TrainingRecipe(
        lr=0.4, schedule="one_cycle", pct_start=0.25, div_factor=8, final_div_factor=5
    )
    expected = one_cycle_lr(
        0.4, np.arange(24), total_steps=24, pct_start=0.25, div_factor=8, final_div_factor=5
    )
    np.testing.assert_array_equal(lr_trajectory(recipe, n_epochs=4, steps_per_epoch=6), expected)
