"""Rung and bracket arithmetic against hand-computed tables."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest

from hypersense.pruners.rungs import (
    bracket_budgets,
    bracket_of,
    bracket_schedule,
    curve_jitter,
    is_promotable,
    loss_of,
    n_brackets,
    rung_steps,
    rungs_to_judge,
)


@pytest.mark.parametrize(
    ("r", "eta", "s", "below", "expected"),
    [
        (1, 3, 0, 27, (1, 3, 9)),  # no rung at R itself
        (1, 3, 0, 28, (1, 3, 9, 27)),
        (1, 3, 1, 27, (3, 9)),
        (1, 3, 3, 27, ()),  # Hyperband's last bracket never prunes
        (2, 4, 0, 100, (2, 8, 32)),
        (5, 2, 2, 100, (20, 40, 80)),
        (10, 3, 0, 10, ()),
    ],
)
def test_rung_steps(r: int, eta: int, s: int, below: int, expected: tuple[int, ...]) -> None:
    assert rung_steps(r, eta, min_early_stopping_rate=s, below=below) == expected


@pytest.mark.parametrize(
    ("passed", "last", "expected"),
    [(None, 0, []), (None, 1, [1]), (None, 4, [1, 3]), (1, 2, []), (1, 9, [3, 9]), (3, 5, [])],
)
def test_rungs_to_judge_are_those_reached_and_not_passed(
    passed: int | None, last: int, expected: list[int]
) -> None:
    assert rungs_to_judge((1, 3, 9), passed, last) == expected


@pytest.mark.parametrize(
    ("r", "R", "eta", "expected"),
    [
        (1, 27, 3, 4),
        (1, 26, 3, 3),
        (1, 81, 3, 5),
        (1, 243, 3, 6),  # floor(math.log(243, 3)) is 4 in floating point
        (3, 100, 4, 3),  # 3, 12, 48 <= 100 < 192
        (7, 7, 2, 1),
    ],
)
def test_n_brackets(r: int, R: int, eta: int, expected: int) -> None:
    assert n_brackets(r, R, eta) == expected


def test_bracket_budgets_match_the_hyperband_paper() -> None:
    # Li et al. (2018), Table 1: R = 81, eta = 3 starts brackets with 81, 34, 15, 8, 5 configs.
    assert bracket_budgets(5, 3) == (81, 34, 15, 8, 5)
    # R = 27, eta = 3: ceil(4*27/4), ceil(4*9/3), ceil(4*3/2), ceil(4*1/1).
    assert bracket_budgets(4, 3) == (27, 12, 6, 4)
    assert bracket_budgets(1, 3) == (1,)


def test_bracket_schedule_by_hand() -> None:
    # credits (3,1) -> 0 pays 4: (-1,1); (2,2) tie -> 0: (-2,2); (1,3) -> 1: (1,-1); (4,0) -> 0.
    assert bracket_schedule((3, 1)) == (0, 0, 1, 0)
    assert bracket_schedule((1, 1, 1)) == (0, 1, 2)


def test_bracket_schedule_gives_each_bracket_its_budget_spread_evenly() -> None:
    budgets = (27, 12, 6, 4)
    cycle = bracket_schedule(budgets)
    assert len(cycle) == 49
    assert Counter(cycle) == {0: 27, 1: 12, 2: 6, 3: 4}
    # Evenly spread: in every window of 12 trials bracket 0 has 6 or 7, bracket 3 at most 1+1.
    doubled = cycle + cycle
    for start in range(49):
        window = Counter(doubled[start : start + 12])
        assert 6 <= window[0] <= 7
        assert window[3] <= 2
    assert [bracket_of(n, cycle) for n in (0, 49, 98)] == [cycle[0]] * 3
    # The start worked out in docs/pruners.md.
    assert cycle[:13] == (0, 1, 0, 2, 0, 3, 0, 1, 0, 0, 1, 0, 2)


@pytest.mark.parametrize(
    ("own", "others", "eta", "expected"),
    [
        (1.0, [], 3, True),  # first at a rung
        (1.0, [2.0, 3.0], 3, True),  # best of 3, keep 1
        (2.0, [1.0, 3.0], 3, False),
        (2.0, [1.0, 3.0, 4.0, 5.0, 6.0], 3, True),  # keep 6 // 3 = 2: second best goes on
        (3.0, [1.0, 2.0, 4.0, 5.0, 6.0], 3, False),
        (1.0, [1.0, 5.0], 3, True),  # ties go on
        (2.0, [1.0], 2, False),
        (5.0, [float("inf"), float("inf"), float("inf")], 4, True),  # diverged rivals are worst
    ],
)
def test_is_promotable(own: float, others: list[float], eta: int, expected: bool) -> None:
    assert is_promotable(own, others, eta) is expected


@pytest.mark.parametrize(
    ("own", "margin", "expected"),
    [
        (2.0, 0.0, True),  # the last kept of 6 // 3 = 2
        (2.3, 0.0, False),
        (2.3, 0.3, True),  # within the margin of the last kept value (2.0)
        (2.31, 0.3, False),
    ],
)
def test_a_margin_lets_ties_within_the_noise_go_on(
    own: float, margin: float, expected: bool
) -> None:
    assert is_promotable(own, [1.0, 2.0, 3.0, 4.0, 5.0], 3, margin=margin) is expected


def test_curve_jitter_recovers_the_noise_around_a_straight_line() -> None:
    rng = np.random.default_rng(0)
    steps = np.arange(2000, dtype=float)
    curves = [0.5 - 1e-4 * steps + rng.normal(0.0, 0.03, steps.size) for _ in range(5)]
    assert curve_jitter(curves) == pytest.approx(0.03, rel=0.03)
    # A straight line has no jitter; fewer than three values say nothing.
    assert curve_jitter([[3.0, 2.0, 1.0, 0.0]]) == 0.0
    assert curve_jitter([[1.0, 9.0], [4.0], []]) == 0.0


def test_curve_jitter_skips_triples_with_a_non_finite_value() -> None:
    # Second differences over finite triples only: 1 - 2 + 1 = 0 and 2 - 0 + 0 = 2.
    with_nan = [[1.0, 1.0, 1.0, math.nan, 5.0], [2.0, 0.0, 0.0]]
    assert curve_jitter(with_nan) == pytest.approx(math.sqrt((0.0 + 2.0**2) / 2 / 6))


def test_loss_of_flips_maximised_values_and_makes_divergence_worst() -> None:
    assert loss_of(2.0, False) == 2.0
    assert loss_of(2.0, True) == -2.0
    assert loss_of(float("nan"), True) == float("inf")
    assert loss_of(float("-inf"), False) == float("inf")
