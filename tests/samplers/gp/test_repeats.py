"""Which candidates repeat an existing point: the same configuration up to rounding."""

from __future__ import annotations

import numpy as np

from hypersense.samplers.gp.repeats import SAME_POINT_TOLERANCE, RepeatFilter


def test_continuous_coordinates_repeat_only_up_to_rounding() -> None:
    f = RepeatFilter(np.array([[0.5, 1.0]]), np.zeros(2, dtype=bool))
    tiny = 0.5 * SAME_POINT_TOLERANCE
    candidates = np.array(
        [
            [0.5, 1.0],  # the point itself
            [0.5 + tiny, 1.0 - 2e-16],  # the same up to rounding
            [0.5, 1.0 - 1e-6],  # a neighbour, however close in the model's eyes
            [0.5 + 3 * tiny, 1.0],  # just beyond the tolerance
        ]
    )
    np.testing.assert_array_equal(f.repeats(candidates), [True, True, False, False])


def test_discrete_coordinates_must_be_equal() -> None:
    points = np.array([[0.25, 1.0, 0.5]])  # integer grid value, category index, continuous
    f = RepeatFilter(points, np.array([True, True, False]))
    candidates = np.array(
        [
            [0.25, 1.0, 0.5],  # the same configuration
            [0.5, 1.0, 0.5],  # another integer value
            [0.25, 0.0, 0.5],  # another category
        ]
    )
    np.testing.assert_array_equal(f.repeats(candidates), [True, False, False])


def test_no_points_means_no_repeats_and_many_candidates_are_checked_in_chunks() -> None:
    rng = np.random.default_rng(0)
    empty = RepeatFilter(np.zeros((0, 2)), np.zeros(2, dtype=bool))
    assert not empty.repeats(rng.random((10, 2))).any()
    points = rng.random((50, 2))
    f = RepeatFilter(points, np.zeros(2, dtype=bool))
    candidates = np.vstack([rng.random((300, 2)), points[::3], points[1::3] + 1e-6])
    expected = np.zeros(len(candidates), dtype=bool)
    expected[300 : 300 + len(points[::3])] = True
    np.testing.assert_array_equal(f.repeats(candidates), expected)
