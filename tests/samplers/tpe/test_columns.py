"""How distributions become modelled columns: bins taken from the encoding itself."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from hypersense.samplers.tpe.columns import (
    MAX_ORDERED_BINS,
    CategoricalColumn,
    ContinuousColumn,
    OrderedBinsColumn,
    column_for,
)
from hypersense.space import CategoricalDistribution, FloatDistribution, IntDistribution
from tests.strategies import float_distributions, int_distributions


def test_kinds_of_columns() -> None:
    assert isinstance(column_for(FloatDistribution(0.0, 1.0)), ContinuousColumn)
    assert isinstance(column_for(FloatDistribution(1e-5, 1.0, log=True)), ContinuousColumn)
    assert isinstance(column_for(IntDistribution(0, 10 * MAX_ORDERED_BINS)), ContinuousColumn)
    assert column_for(CategoricalDistribution(("a", "b", "c"))) == CategoricalColumn(3)
    assert isinstance(column_for(IntDistribution(1, 8)), OrderedBinsColumn)
    assert isinstance(column_for(FloatDistribution(0.0, 1.0, step=0.25)), OrderedBinsColumn)


def test_linear_integer_bins_are_equal_width() -> None:
    col = column_for(IntDistribution(0, 3))
    assert isinstance(col, OrderedBinsColumn)
    np.testing.assert_allclose(col.edges, [0.0, 0.25, 0.5, 0.75, 1.0], atol=1e-11)
    np.testing.assert_allclose(col.centers, [0.125, 0.375, 0.625, 0.875])


def test_log_integer_bins_follow_the_log_encoding() -> None:
    # On a log scale integer x owns [x - 1/2, x + 1/2] in log space.
    dist = IntDistribution(1, 4, log=True)
    col = column_for(dist)
    assert isinstance(col, OrderedBinsColumn)
    lo, hi = np.log(0.5), np.log(4.5)
    expected = (np.log([0.5, 1.5, 2.5, 3.5, 4.5]) - lo) / (hi - lo)
    np.testing.assert_allclose(col.edges, expected, atol=1e-11)


@settings(max_examples=40, deadline=None)
@given(dist=float_distributions() | int_distributions())
def test_bins_decode_to_their_own_value(dist: FloatDistribution | IntDistribution) -> None:
    col = column_for(dist)
    if not isinstance(col, OrderedBinsColumn):
        return
    values = dist.grid(0)
    for k, value in enumerate(values):
        assert dist.from_unit(float(col.centers[k])) == value
        lo, hi = col.edges[k], col.edges[k + 1]
        assert lo < col.centers[k] < hi or col.n_bins == 1
        inside = lo + (hi - lo) * np.array([1e-6, 0.5, 1 - 1e-6])
        assert [dist.from_unit(float(u)) for u in inside] == [value] * 3
        assert col.bin_of(np.array([col.centers[k]]))[0] == k


@pytest.mark.parametrize("u", [0.0, 0.2, 0.5, 0.999, 1.0])
def test_categorical_centres_decode_to_the_category_of_the_point(u: float) -> None:
    dist = CategoricalDistribution(("x", 1, None, 2.5, True))
    col = column_for(dist)
    assert isinstance(col, CategoricalColumn)
    cat = col.category_of(np.array([u]))
    assert dist.from_unit(float(col.center_of(cat)[0])) == dist.from_unit(u)
