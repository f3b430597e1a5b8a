"""Non-dominated sorting, crowding distance, constraint violation: known answers and
properties against a brute-force definition of dominance."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from hypersense.pareto import (
    constrained_front_ranks,
    constraint_violations,
    crowding_distance,
    front_ranks,
    non_dominated_mask,
)


def _dominates(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(all(x <= y for x, y in zip(a, b, strict=True)) and any(a < b))


def _brute_force_mask(losses: np.ndarray) -> np.ndarray:
    return np.array(
        [not any(_dominates(other, row) for other in losses) for row in losses], dtype=bool
    )


def _brute_force_ranks(losses: np.ndarray) -> np.ndarray:
    ranks = np.full(len(losses), -1)
    alive = np.arange(len(losses))
    r = 0
    while alive.size:
        front = _brute_force_mask(losses[alive])
        ranks[alive[front]] = r
        alive = alive[~front]
        r += 1
    return ranks


def test_fronts_of_a_hand_made_set() -> None:
    losses = np.array(
        [
            [1.0, 5.0],  # front 0
            [2.0, 2.0],  # front 0
            [5.0, 1.0],  # front 0
            [3.0, 3.0],  # dominated by (2, 2) only: front 1
            [6.0, 6.0],  # dominated by everything above: front 2
            [2.0, 2.0],  # a duplicate of a front-0 point shares its front
        ]
    )
    assert front_ranks(losses).tolist() == [0, 0, 0, 1, 2, 0]
    assert non_dominated_mask(losses).tolist() == [True, True, True, False, False, True]


def test_pareto_ranks_known_answer() -> None:
    losses = np.array([[1.0, 4.0], [2.0, 2.0], [4.0, 1.0], [3.0, 3.0], [5.0, 5.0], [4.0, 4.0]])
    np.testing.assert_array_equal(front_ranks(losses, n_needed=6), [0, 0, 0, 1, 3, 2])
    # Only as many fronts as needed: the first front already holds 3 points.
    np.testing.assert_array_equal(front_ranks(losses, n_needed=2), [0, 0, 0, -1, -1, -1])


def test_one_objective_ranks_each_distinct_value() -> None:
    assert front_ranks(np.array([[3.0], [1.0], [3.0], [2.0]])).tolist() == [2, 0, 2, 1]
    assert front_ranks(np.array([[3.0], [1.0], [3.0], [2.0]]), n_needed=2).tolist() == [
        -1,
        0,
        -1,
        1,
    ]
    assert non_dominated_mask(np.array([[3.0], [1.0], [1.0]])).tolist() == [False, True, True]


def test_empty_input() -> None:
    assert front_ranks(np.zeros((0, 2))).shape == (0,)
    assert non_dominated_mask(np.zeros((0, 2))).shape == (0,)


def test_constraints_put_feasible_fronts_first_then_violations() -> None:
    losses = np.array([[0.0, 0.0], [1.0, 1.0], [5.0, 5.0], [9.0, 0.0], [0.5, 0.5]])
    violations = np.array([2.0, 0.0, 0.0, 0.0, 0.5])
    # Feasible: (1,1) and (9,0) non-dominated -> 0; (5,5) -> 1.
    # Infeasible after them: violation 0.5 -> 2, violation 2.0 -> 3, whatever their losses.
    assert constrained_front_ranks(losses, violations).tolist() == [3, 0, 1, 0, 2]


def test_no_constraints_is_plain_sorting() -> None:
    losses = np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 3.0]])
    assert constrained_front_ranks(losses, None).tolist() == front_ranks(losses).tolist()


def test_all_infeasible_ranks_by_violation() -> None:
    losses = np.array([[0.0], [1.0], [2.0]])
    assert constrained_front_ranks(losses, np.array([3.0, 1.0, 3.0])).tolist() == [1, 0, 1]


def test_crowding_distance_known_answer() -> None:
    # A front on the line f1 + f2 = 4, unevenly spaced.
    losses = np.array([[0.0, 4.0], [1.0, 3.0], [3.0, 1.0], [4.0, 0.0]])
    d = crowding_distance(losses)
    assert np.isinf(d[0]) and np.isinf(d[3])
    # Interior: (3 - 0) / 4 per objective, twice.
    np.testing.assert_allclose(d[1:3], [1.5, 1.5])


def test_crowding_distance_of_small_fronts_and_flat_objectives() -> None:
    assert np.all(np.isinf(crowding_distance(np.array([[1.0, 2.0], [2.0, 1.0]]))))
    flat = crowding_distance(np.array([[0.0, 1.0], [1.0, 1.0], [2.0, 1.0]]))
    assert flat[1] == 1.0  # the flat second objective adds nothing


def test_crowding_distance_of_an_uneven_front() -> None:
    front = np.array([[0.0, 4.0], [1.0, 2.0], [3.0, 1.0], [4.0, 0.0]])
    d = crowding_distance(front)
    assert np.isinf(d[0]) and np.isinf(d[3])
    # Row 1: (3 - 0) / 4 + (4 - 1) / 4; row 2: (4 - 1) / 4 + (2 - 0) / 4.
    np.testing.assert_allclose(d[1:3], [1.5, 1.25])


def test_violations_sum_positive_parts() -> None:
    np.testing.assert_allclose(constraint_violations(np.array([[-1.0, 2.0], [0.0, -3.0]])), [2, 0])
    assert constraint_violations(np.array([[-1.0, 0.0, 0.5, 2.0]])).tolist() == [2.5]
    assert constraint_violations(np.zeros((1, 0))).tolist() == [0.0]


@settings(max_examples=60, deadline=None)
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 25), st.integers(2, 3)),
        elements=st.floats(-5, 5, allow_nan=False).map(lambda v: round(v, 1)),
    )
)
def test_front_zero_is_the_non_dominated_set_and_ranks_respect_dominance(
    losses: np.ndarray,
) -> None:
    ranks = front_ranks(losses)
    assert (ranks == 0).tolist() == non_dominated_mask(losses).tolist()
    assert ranks.tolist() == _brute_force_ranks(losses).tolist()
    for i in range(len(losses)):
        for j in range(len(losses)):
            if np.all(losses[i] <= losses[j]) and np.any(losses[i] < losses[j]):
                assert ranks[i] < ranks[j]
    # Every front r > 0 member is dominated by some member of front r - 1.
    for j in np.flatnonzero(ranks > 0):
        previous = losses[ranks == ranks[j] - 1]
        assert np.any(np.all(previous <= losses[j], axis=1) & np.any(previous < losses[j], axis=1))


@settings(max_examples=60, deadline=None)
@given(
    losses=arrays(
        np.float64, st.tuples(st.integers(1, 40), st.integers(2, 3)), elements=st.integers(0, 6)
    ),
    n_needed=st.integers(1, 40),
)
def test_pareto_ranks_agree_with_repeated_front_peeling(losses: np.ndarray, n_needed: int) -> None:
    expected = _brute_force_ranks(losses)
    got = front_ranks(losses, n_needed=n_needed)
    ranked = got >= 0
    np.testing.assert_array_equal(got[ranked], expected[ranked])
    # Whole fronts are ranked, in order, until n_needed rows are covered.
    k = int(got.max()) + 1
    assert np.array_equal(ranked, expected < k)
    assert ranked.sum() >= min(n_needed, len(losses))
    assert (expected < k - 1).sum() < n_needed
    assert non_dominated_mask(losses).tolist() == _brute_force_mask(losses).tolist()
