"""The good/bad split: gamma rule, single and multi-objective, constraints."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from hypersense.samplers.tpe.split import improvement_weights, n_good_observations, split_good


@pytest.mark.parametrize(
    ("n", "expected"), [(0, 0), (1, 1), (9, 1), (10, 1), (11, 2), (50, 5), (1000, 25)]
)
def test_n_good_is_a_capped_ceiling_of_gamma_n(n: int, expected: int) -> None:
    assert n_good_observations(n, gamma=0.1, max_n_good=25) == expected


def test_n_good_without_cap() -> None:
    assert n_good_observations(1000, gamma=0.1, max_n_good=None) == 100


def test_single_objective_keeps_the_smallest_losses() -> None:
    losses = np.array([[3.0], [1.0], [2.0], [5.0], [0.5]])
    np.testing.assert_array_equal(split_good(losses, 2), [False, True, False, False, True])


def test_ties_keep_the_earliest() -> None:
    losses = np.array([[1.0], [1.0], [1.0]])
    np.testing.assert_array_equal(split_good(losses, 2), [True, True, False])


def test_feasible_trials_come_first() -> None:
    losses = np.array([[0.0], [1.0], [2.0], [3.0]])
    violations = np.array([5.0, 0.0, 0.0, 0.0])
    np.testing.assert_array_equal(split_good(losses, 2, violations), [False, True, True, False])


def test_least_violating_infeasible_trials_fill_the_good_set() -> None:
    losses = np.array([[0.0], [1.0], [2.0], [3.0]])
    violations = np.array([5.0, 0.5, 0.0, 2.0])
    np.testing.assert_array_equal(split_good(losses, 3, violations), [False, True, True, True])


def test_multi_objective_split_cuts_the_front_by_hypervolume() -> None:
    losses = np.array([[0.0, 4.0], [1.0, 2.0], [3.0, 1.0], [4.0, 0.0], [5.0, 5.0]])
    # The front (rows 0-3) has room for 2. Reference (4.4, 4.4): alone, row 1 adds the
    # most (8.16); next to it row 2 adds 1.4 (row 0: 0.4, row 3: 0.8).
    good = split_good(losses, 2)
    np.testing.assert_array_equal(good, [False, True, True, False, False])


def test_many_objectives_cut_the_front_by_crowding_distance() -> None:
    # Four objectives: the extremes of each objective are kept first.
    front = np.array(
        [[0, 3, 3, 3], [3, 0, 3, 3], [3, 3, 0, 3], [3, 3, 3, 0], [1, 1, 2, 2], [2, 2, 1, 1]],
        dtype=float,
    )
    np.testing.assert_array_equal(split_good(front, 4), [True] * 4 + [False] * 2)


@settings(max_examples=40, deadline=None)
@given(
    losses=arrays(
        np.float64, st.tuples(st.integers(1, 30), st.integers(1, 3)), elements=st.floats(-5, 5)
    ),
    n_good=st.integers(0, 30),
    data=st.data(),
)
def test_split_always_selects_exactly_n_good(
    losses: np.ndarray, n_good: int, data: st.DataObject
) -> None:
    violations = data.draw(
        st.none() | arrays(np.float64, losses.shape[0], elements=st.sampled_from([0.0, 0.5, 2.0]))
    )
    good = split_good(losses, n_good, violations)
    assert good.sum() == min(n_good, len(losses))


def test_improvement_weights_known_answer() -> None:
    losses = np.array([[1.0], [10.0], [2.0], [3.0]])
    good = np.array([True, False, True, False])
    # Threshold 3 (best bad loss): gains 2 and 1, mean 1.5.
    weights = improvement_weights(losses, good, share=0.5)
    np.testing.assert_allclose(weights, [0.5 + 0.5 * 2 / 1.5, 0.5 + 0.5 * 1 / 1.5])
    assert weights.mean() == pytest.approx(1.0)


def test_improvement_weights_without_share_are_uniform() -> None:
    losses = np.array([[1.0], [2.0], [3.0]])
    good = np.array([True, True, False])
    np.testing.assert_allclose(improvement_weights(losses, good, share=0.0), [1.0, 1.0])


def test_infeasible_fill_ins_get_the_floor_weight() -> None:
    losses = np.array([[5.0], [0.0], [1.0], [9.0]])
    violations = np.array([0.0, 2.0, 0.0, 3.0])
    good = split_good(losses, 3, violations)  # both feasible ones, then the least violating
    np.testing.assert_array_equal(good, [True, True, True, False])
    # No feasible bad loss: the threshold is the worst feasible good loss, 5.
    # Gains 0 (loss 5), 0 (infeasible), 4 (loss 1); mean 4/3.
    np.testing.assert_allclose(
        improvement_weights(losses, good, share=0.5, violations=violations), [0.5, 0.5, 2.0]
    )
