"""Which candidates repeat an existing point: the same configuration up to rounding."""

from __future__ import annotations

import numpy as np

import hypersense as hs
from hypersense.samplers.gp.model_space import ModelSpace
from hypersense.samplers.gp.repeats import SAME_POINT_TOLERANCE, RepeatFilter
from hypersense.space import SearchSpace


def _model_space(**distributions: hs.Distribution) -> ModelSpace:
    return ModelSpace.from_search_space(SearchSpace(distributions))


def test_continuous_coordinates_repeat_only_up_to_rounding() -> None:
    ms = _model_space(a=hs.FloatDistribution(0.0, 1.0), b=hs.FloatDistribution(-5.0, 5.0))
    f = RepeatFilter(np.array([[0.5, 1.0]]), ms)
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
    ms = _model_space(
        n=hs.IntDistribution(0, 3),
        c=hs.CategoricalDistribution(("x", "y")),
        a=hs.FloatDistribution(0.0, 1.0),
    )
    points = ms.encode([{"n": 1, "c": "y", "a": 0.5}])
    candidates = np.vstack(
        [points, ms.encode([{"n": 2, "c": "y", "a": 0.5}, {"n": 1, "c": "x", "a": 0.5}])]
    )
    np.testing.assert_array_equal(
        RepeatFilter(points, ms).repeats(candidates), [True, False, False]
    )


def test_an_integer_the_model_treats_as_continuous_repeats_after_rounding() -> None:
    # 191 values: modelled as continuous, but 0.9999 and 1.0 both decode to 200.
    ms = _model_space(n=hs.IntDistribution(10, 200, log=True), a=hs.FloatDistribution(0.0, 1.0))
    assert not ms.is_discrete.any()
    points = ms.encode([{"n": 200, "a": 0.25}])
    f = RepeatFilter(points, ms)
    np.testing.assert_array_equal(
        f.repeats(np.array([[0.9999, 0.25], [0.98, 0.25], [0.9999, 0.26]])), [True, False, False]
    )


def test_no_points_means_no_repeats_and_many_candidates_are_checked_in_chunks() -> None:
    ms = _model_space(a=hs.FloatDistribution(0.0, 1.0), b=hs.FloatDistribution(0.0, 1.0))
    rng = np.random.default_rng(0)
    assert not RepeatFilter(np.zeros((0, 2)), ms).repeats(rng.random((10, 2))).any()
    points = rng.random((50, 2))
    f = RepeatFilter(points, ms)
    candidates = np.vstack([rng.random((300, 2)), points[::3], points[1::3] + 1e-6])
    expected = np.zeros(len(candidates), dtype=bool)
    expected[300 : 300 + len(points[::3])] = True
    np.testing.assert_array_equal(f.repeats(candidates), expected)
