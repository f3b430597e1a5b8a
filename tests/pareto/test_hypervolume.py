"""Hypervolume and greedy hypervolume subset selection: known answers and a brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from hypersense.pareto.hypervolume import (
    _exclusive_volumes_2d,
    greedy_hypervolume_subset,
    hypervolume,
    reference_point,
)


def test_two_objective_staircase() -> None:
    points = np.array([[1.0, 3.0], [2.0, 2.0], [3.0, 1.0]])
    assert hypervolume(points, np.array([4.0, 4.0])) == pytest.approx(1 + 2 + 3)


def test_three_objective_known_answers() -> None:
    assert hypervolume(np.array([[0.0, 0.0, 0.0]]), np.array([1.0, 2.0, 3.0])) == 6.0
    points = np.array([[0.0, 0.0, 1.0], [1.0, 1.0, 0.0]])
    # Boxes of 2*2*1 and 1*1*2 overlapping in 1*1*1.
    assert hypervolume(points, np.array([2.0, 2.0, 2.0])) == pytest.approx(5.0)


def test_hand_made_points_with_a_dominated_one() -> None:
    ref = np.array([2.0, 2.0])
    assert hypervolume(np.array([[0.0, 1.0], [1.0, 0.0]]), ref) == pytest.approx(3.0)
    # (0.5, 1.5) is dominated by (0, 1); (3, 0) lies beyond the reference.
    assert hypervolume(np.array([[0.0, 1.0], [0.5, 1.5], [3.0, 0.0]]), ref) == 2.0


def test_four_objectives_agree_with_monte_carlo() -> None:
    rng = np.random.default_rng(0)
    points = rng.random((6, 4))
    ref = np.full(4, 1.2)
    samples = rng.uniform(0.0, 1.2, size=(200_000, 4))
    dominated = np.zeros(len(samples), dtype=bool)
    for p in points:
        dominated |= np.all(samples >= p, axis=1)
    estimate = dominated.mean() * 1.2**4
    standard_error = np.sqrt(dominated.mean() * (1 - dominated.mean()) / len(samples)) * 1.2**4
    assert abs(hypervolume(points, ref) - estimate) < 4 * standard_error


def test_points_outside_the_reference_add_nothing() -> None:
    points = np.array([[5.0, 0.0], [0.5, 0.5]])
    assert hypervolume(points, np.array([1.0, 1.0])) == pytest.approx(0.25)


def _inclusion_exclusion(points: np.ndarray, ref: np.ndarray) -> float:
    total = 0.0
    for r in range(1, len(points) + 1):
        for subset in itertools.combinations(range(len(points)), r):
            corner = points[list(subset)].max(axis=0)
            total += (-1) ** (r + 1) * float(np.prod(np.clip(ref - corner, 0.0, None)))
    return total


@settings(max_examples=60, deadline=None)
@given(
    points=arrays(
        np.float64, st.tuples(st.integers(1, 6), st.integers(2, 4)), elements=st.integers(0, 5)
    )
)
def test_hypervolume_agrees_with_inclusion_exclusion(points: np.ndarray) -> None:
    ref = np.full(points.shape[1], 6.0)
    assert hypervolume(points, ref) == pytest.approx(_inclusion_exclusion(points, ref))


@settings(max_examples=60, deadline=None)
@given(
    chosen=arrays(np.float64, st.tuples(st.integers(0, 5), st.just(2)), elements=st.integers(0, 5)),
    candidates=arrays(
        np.float64, st.tuples(st.integers(1, 5), st.just(2)), elements=st.integers(0, 5)
    ),
)
def test_exclusive_volumes_are_hypervolume_differences(
    chosen: np.ndarray, candidates: np.ndarray
) -> None:
    ref = np.array([6.0, 6.0])
    base = hypervolume(chosen, ref)
    expected = [hypervolume(np.vstack([chosen, c[None]]), ref) - base for c in candidates]
    np.testing.assert_allclose(_exclusive_volumes_2d(chosen, candidates, ref), expected)


def test_reference_point_is_just_beyond_the_worst() -> None:
    front = np.array([[0.0, 4.0], [2.0, 4.0]])
    np.testing.assert_allclose(reference_point(front), [2.2, 4.1])


def test_greedy_subset_known_answer() -> None:
    front = np.array([[0.0, 4.0], [1.0, 2.0], [3.0, 1.0], [4.0, 0.0]])
    # Reference (4.4, 4.4). Alone, row 1 adds 3.4 * 2.4 = 8.16 (row 2: 4.76, rows 0
    # and 3: 1.76); next to it, row 2 adds 1.4 (row 0: 0.4, row 3: 0.8).
    np.testing.assert_array_equal(greedy_hypervolume_subset(front, 2), [1, 2])


@settings(max_examples=30, deadline=None)
@given(
    front=arrays(
        np.float64, st.tuples(st.integers(2, 7), st.integers(2, 3)), elements=st.integers(0, 9)
    ),
    data=st.data(),
)
def test_greedy_subset_is_within_the_submodular_bound_of_the_best(
    front: np.ndarray, data: st.DataObject
) -> None:
    size = data.draw(st.integers(1, front.shape[0]))
    ref = reference_point(front)
    picked = greedy_hypervolume_subset(front, size)
    assert len(set(picked.tolist())) == size
    best = max(
        hypervolume(front[list(c)], ref) for c in itertools.combinations(range(len(front)), size)
    )
    assert hypervolume(front[picked], ref) >= (1 - 1 / np.e) * best - 1e-9
