"""Preference order (survival) and tournament selection."""

from __future__ import annotations

import numpy as np
import pytest

from hypersense.samplers.evolution.selection import preference_order, tournament


def test_single_objective_order_is_by_loss_with_feasible_first() -> None:
    losses = np.array([[3.0], [1.0], [2.0], [0.0]])
    assert preference_order(losses, None).tolist() == [3, 1, 2, 0]
    violations = np.array([0.0, 0.0, 0.0, 1.0])
    assert preference_order(losses, violations).tolist() == [1, 2, 0, 3]


def test_ties_break_by_index() -> None:
    assert preference_order(np.array([[1.0], [1.0], [0.0]]), None).tolist() == [2, 0, 1]


def test_multi_objective_order_is_front_then_crowding() -> None:
    losses = np.array(
        [
            [0.0, 4.0],  # front 0, extreme
            [1.0, 3.0],  # front 0, crowding 0.75 (see below)
            [1.5, 2.5],  # front 0, crowding 1.5
            [4.0, 0.0],  # front 0, extreme
            [5.0, 5.0],  # front 1
        ]
    )
    order = preference_order(losses, None).tolist()
    # Extremes first (infinite crowding, index order), then the interior point
    # with larger crowding: (1, 3) has gaps (1.5-0)/4 + (4-2.5)/4 = 0.75, (1.5, 2.5)
    # has (4-1)/4 + (3-0)/4 = 1.5, so (1.5, 2.5) comes before (1, 3).
    assert order == [0, 3, 2, 1, 4]


def test_tournament_of_everyone_picks_the_best() -> None:
    positions = np.array([3, 0, 2, 1], dtype=np.int64)
    rng = np.random.default_rng(0)
    assert all(tournament(positions, 4, rng) == 1 for _ in range(20))
    assert all(tournament(positions, 10, rng, exclude=1) == 3 for _ in range(20))


def test_tournament_of_one_is_uniform() -> None:
    positions = np.arange(4, dtype=np.int64)
    rng = np.random.default_rng(1)
    counts = np.bincount([tournament(positions, 1, rng) for _ in range(4000)], minlength=4)
    # Each index 1000 times in expectation; binomial sd ~27, margin > 4 sd.
    assert np.all(np.abs(counts - 1000) < 120)


def test_binary_tournament_favours_better_entrants() -> None:
    positions = np.arange(4, dtype=np.int64)
    rng = np.random.default_rng(2)
    counts = np.bincount([tournament(positions, 2, rng) for _ in range(6000)], minlength=4)
    # P(win) for position k among 4 with pairs without replacement: (3 - k) / 6.
    np.testing.assert_allclose(counts / 6000, [0.5, 1 / 3, 1 / 6, 0.0], atol=0.03)


def test_tournament_needs_an_entrant() -> None:
    with pytest.raises(ValueError, match="eligible"):
        tournament(np.array([0], dtype=np.int64), 2, np.random.default_rng(0), exclude=0)
