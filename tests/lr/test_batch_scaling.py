"""The batch-size study recovers planted exponents; the fit's interval and verdict."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hypersense.lr import (
    BatchSizePoint,
    BatchSizeStudy,
    batch_size_search,
    best_lr_on_grid,
    fit_batch_scaling,
)

BATCHES = [16, 32, 64, 128, 256]


def planted(exponent: float, noise: float, draw: int):
    """A synthetic objective whose best rate at batch size B is 0.01·(B/32)^exponent,
    with Gaussian noise on every evaluation."""

    def objective(lr: float, batch_size: int, seed: int) -> float:
        rng = np.random.default_rng([draw, batch_size, seed, round(1e9 * lr)])
        best = 0.01 * (batch_size / 32) ** exponent
        return (math.log(lr) - math.log(best)) ** 2 + noise * float(rng.normal())

    return objective


@pytest.mark.parametrize("exponent", [0.5, 0.75, 1.0])
def test_a_planted_exponent_lies_in_the_interval(exponent: float) -> None:
    # 100 fixed draws of the noise; the 95% interval held the planted exponent
    # in 100, 97 and 99 of them (k = 0.5, 0.75, 1). The margin: at least 93.
    fits = [
        batch_size_search(
            planted(exponent, 0.3, draw), batch_sizes=BATCHES, lr_low=1e-4, lr_high=1.0, n_lrs=11
        ).fit
        for draw in range(100)
    ]
    assert sum(f.low <= exponent <= f.high for f in fits) >= 93
    assert float(np.median([f.high - f.low for f in fits])) < 0.35  # informative, not wide
    named = {0.5: ("square-root",), 1.0: ("linear",), 0.75: ()}[exponent]
    assert sum(f.consistent_rules == named for f in fits) >= 90


def test_one_search_recovers_the_exponent_and_every_batch_size() -> None:
    study = batch_size_search(
        planted(0.75, 0.3, 0), batch_sizes=BATCHES, lr_low=1e-4, lr_high=1.0, n_lrs=11
    )
    assert study.fit.low <= 0.75 <= study.fit.high
    assert [p.batch_size for p in study.points] == BATCHES and study.method == "grid_search"
    assert all(p.low <= p.lr <= p.high and len(p.samples) == 3 for p in study.points)


def test_the_verdict_names_both_rules() -> None:
    study = batch_size_search(
        planted(1.0, 0.1, 0), batch_sizes=BATCHES, lr_low=1e-4, lr_high=1.0, n_lrs=11
    )
    verdict = study.fit.verdict()
    assert "consistent with the linear rule (k = 1)" in verdict
    assert "not consistent with the square-root rule (k = 0.5)" in verdict
    assert BatchSizeStudy.from_dict(study.to_dict()) == study


def test_exact_points_on_a_line_give_the_exponent_and_replicates_set_the_width() -> None:
    points = [
        BatchSizePoint.from_samples(b, [0.001 * b**0.5 * f for f in (0.9, 1 / 0.9)])
        for b in (8, 32, 128)
    ]
    fit = fit_batch_scaling(points)
    assert fit.exponent == pytest.approx(0.5) and fit.noise_source == "replicates"
    assert fit.predict(32) == pytest.approx(0.001 * 32**0.5)
    # Without replicates the residuals (here 0) would make the line look exact.
    assert fit.high - fit.low > 0.1


def test_a_batch_size_whose_best_rate_is_off_the_grid_is_left_out() -> None:
    study = batch_size_search(
        planted(1.0, 0.0, 0), batch_sizes=[*BATCHES, 4096], lr_low=1e-4, lr_high=1.0, n_lrs=11
    )
    assert 4096 not in [p.batch_size for p in study.points]
    assert any("batch size 4096 left out" in n for n in study.notes)


def test_bad_input_is_named() -> None:
    with pytest.raises(ValueError, match="three distinct batch sizes"):
        fit_batch_scaling([BatchSizePoint.from_samples(b, [0.1]) for b in (8, 16)])
    with pytest.raises(ValueError, match="`batch_sizes`"):
        batch_size_search(planted(1, 0, 0), batch_sizes=[8, 8, 16], lr_low=1e-3, lr_high=1.0)
    with pytest.raises(ValueError, match="`lr_low`"):
        batch_size_search(planted(1, 0, 0), batch_sizes=BATCHES, lr_low=1.0, lr_high=0.1)
    with pytest.raises(ValueError, match="`confidence`"):
        fit_batch_scaling([BatchSizePoint.from_samples(b, [0.1]) for b in (8, 16, 32)],
                          confidence=1.0)  # fmt: skip


def test_the_grid_refinement_finds_the_vertex_of_a_parabola() -> None:
    grid = np.exp(np.linspace(math.log(1e-4), math.log(1.0), 9))
    values = (np.log(grid) - math.log(3e-3)) ** 2
    assert best_lr_on_grid(grid, values) == pytest.approx(3e-3, rel=1e-9)
    assert best_lr_on_grid(grid, -values) is None  # the best is an end of the grid
