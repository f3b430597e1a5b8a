"""Distributions: validation messages, the unit-cube encoding, JSON and grids."""

from __future__ import annotations

import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import hypersense as hs
from hypersense.space import (
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    SearchSpace,
    distribution_from_json,
    distribution_to_json,
)
from tests.strategies import distributions, spaces


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: FloatDistribution(1.0, 0.1), "`low` must be <= `high` (got low=1.0, high=0.1)"),
        (lambda: FloatDistribution(0.0, 1.0, log=True), "`low` must be > 0 when `log=True`"),
        (lambda: FloatDistribution(-1.0, 1.0, log=True), "got low=-1.0, high=1.0"),
        (lambda: FloatDistribution(1e-3, 1.0, log=True, step=0.1), "`step` cannot be combined"),
        (lambda: FloatDistribution(0.0, 1.0, step=0.3), "`step` must divide `high - low`"),
        (lambda: FloatDistribution(0.0, 1.0, step=0.0), "`step` must be a positive number"),
        (lambda: FloatDistribution(0.0, math.inf), "must be finite"),
        (lambda: FloatDistribution("a", 1.0), "must be real numbers"),  # type: ignore[arg-type]
        (lambda: IntDistribution(5, 1), "`low` must be <= `high` (got low=5, high=1)"),
        (lambda: IntDistribution(0, 10, log=True), "`low` must be >= 1 when `log=True`"),
        (lambda: IntDistribution(1, 10, log=True, step=2), "`step` cannot be combined"),
        (lambda: IntDistribution(0, 10, step=3), "`step` must divide `high - low`"),
        (lambda: IntDistribution(0, 10, step=0), "`step` must be >= 1"),
        (lambda: IntDistribution(0.5, 10), "`low` must be an integer"),  # type: ignore[arg-type]
        (lambda: CategoricalDistribution(()), "`choices` must not be empty"),
        (lambda: CategoricalDistribution(("a", "b", "a")), "must not contain duplicates"),
        (lambda: CategoricalDistribution("abc"), "must be a list or tuple"),  # type: ignore[arg-type]
        (lambda: CategoricalDistribution(([1],)), "must be str, int, float, bool or None"),  # type: ignore[arg-type]
    ],
)
def test_invalid_distributions_explain_themselves(build, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(hs.InvalidDistributionError) as err:
        build()
    assert message in str(err.value)
    assert isinstance(err.value, ValueError)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda t: t.suggest_float("lr", 1.0, 0.1), "for parameter 'lr' (got low=1.0, high=0.1)"),
        (lambda t: t.suggest_float("lr", 0.0, 1.0, log=True), "for parameter 'lr'"),
        (lambda t: t.suggest_int("units", 10, 1), "for parameter 'units' (got low=10, high=1)"),
        (lambda t: t.suggest_int("units", 1, 10, step=4), "divide `high - low` for parameter"),
        (lambda t: t.suggest_categorical("act", []), "must not be empty for parameter 'act'"),
        (lambda t: t.suggest_categorical("act", ["a", "a"]), "duplicates for parameter 'act'"),
        (lambda t: t.suggest_categorical("act", "relu"), "for parameter 'act'"),
    ],
)
def test_suggest_errors_name_the_parameter(call, message: str) -> None:  # type: ignore[no-untyped-def]
    trial = hs.create_study().ask()
    with pytest.raises(hs.InvalidDistributionError) as err:
        call(trial)
    assert message in str(err.value)


def test_true_one_and_one_point_zero_are_different_choices() -> None:
    d = CategoricalDistribution((1, True, 1.0, None, "1"))
    assert [d.index(v) for v in (1, True, 1.0, None, "1")] == [0, 1, 2, 3, 4]
    assert not d.contains(False)


@settings(max_examples=300, deadline=None)
@given(dist=distributions(), u=st.floats(0.0, 1.0))
@example(dist=FloatDistribution(0.177734375, 40.9677734375, log=True), u=0.15625)
def test_decoding_any_unit_point_gives_a_valid_value_that_round_trips(dist, u: float) -> None:  # type: ignore[no-untyped-def]
    value = dist.from_unit(u)
    assert dist.contains(value)
    assert 0.0 <= dist.to_unit(value) <= 1.0
    again = dist.from_unit(dist.to_unit(value))
    if isinstance(dist, FloatDistribution) and dist.step is None:
        # A continuous float passes through log/exp or a product and back: one
        # rounding each way, so the last bit may move (found by hypothesis:
        # log range [0.1777, 40.97], u = 0.15625). Anything beyond is a bug.
        assert again == pytest.approx(value, rel=1e-14, abs=1e-300)
    else:
        assert again == value  # discrete values snap back exactly


@settings(max_examples=200, deadline=None)
@given(dist=distributions())
def test_json_round_trip(dist) -> None:  # type: ignore[no-untyped-def]
    assert distribution_from_json(distribution_to_json(dist)) == dist


def test_log_scale_is_linear_in_the_encoding() -> None:
    d = FloatDistribution(1e-4, 1.0, log=True)
    assert d.to_unit(1e-2) == pytest.approx(0.5)
    assert d.from_unit(0.25) == pytest.approx(1e-3)
    i = IntDistribution(1, 1000, log=True)
    # each integer x owns the log-space bin [log(x - 1/2), log(x + 1/2)]
    draws = [i.from_unit(k / 10000) for k in range(10001)]
    expected = (math.log(31.5) - math.log(0.5)) / (math.log(1000.5) - math.log(0.5))
    assert sum(v <= 31 for v in draws) / len(draws) == pytest.approx(expected, abs=1e-3)


def test_discrete_values_get_equal_width_bins() -> None:
    d = IntDistribution(0, 10, step=5)
    assert [d.from_unit(u) for u in (0.0, 0.33, 0.34, 0.66, 0.67, 1.0)] == [0, 0, 5, 5, 10, 10]
    assert d.to_unit(5) == pytest.approx(0.5)
    f = FloatDistribution(0.0, 1.0, step=0.25)
    assert f.grid(99) == (0.0, 0.25, 0.5, 0.75, 1.0)
    assert f.contains(0.75) and not f.contains(0.8)
    c = CategoricalDistribution(("a", "b", "c", "d"))
    assert [c.from_unit(u) for u in (0.0, 0.26, 0.5, 0.99)] == ["a", "b", "c", "d"]


def test_grids() -> None:
    assert FloatDistribution(1.0, 100.0, log=True).grid(3) == pytest.approx((1.0, 10.0, 100.0))
    assert IntDistribution(2, 8, step=3).grid(5) == (2, 5, 8)
    space = SearchSpace({"a": IntDistribution(0, 1), "b": CategoricalDistribution(("x", "y"))})
    assert space.grid() == [
        {"a": 0, "b": "x"},
        {"a": 0, "b": "y"},
        {"a": 1, "b": "x"},
        {"a": 1, "b": "y"},
    ]


def test_a_log_range_narrower_than_float_resolution_acts_as_one_value() -> None:
    d = FloatDistribution(9.0, 9.000000000000002, log=True)
    assert d.to_unit(9.0) == 0.5 and d.from_unit(0.7) == 9.0


def test_single_value_ranges_are_allowed() -> None:
    d = FloatDistribution(2.0, 2.0)
    assert d.is_single and d.from_unit(0.9) == 2.0 and d.to_unit(2.0) == 0.5


@settings(max_examples=100, deadline=None)
@given(space=spaces(), data=st.data())
def test_search_space_encoding_round_trip(space, data) -> None:  # type: ignore[no-untyped-def]
    ss = SearchSpace(space)
    u = data.draw(st.lists(st.floats(0, 1), min_size=len(ss), max_size=len(ss)))
    params = ss.decode(u)
    assert ss.decode(ss.encode(params)) == params
    assert SearchSpace.from_dict(ss.to_dict()) == ss


def test_search_space_from_dict_names_the_bad_parameter() -> None:
    with pytest.raises(hs.InvalidDistributionError, match="for parameter 'lr'"):
        SearchSpace.from_dict({"lr": {"type": "float", "low": 1.0, "high": 0.1}})
    with pytest.raises(hs.InvalidDistributionError, match="unknown distribution type"):
        SearchSpace.from_dict({"x": {"type": "gaussian"}})


def test_encode_many_marks_inactive_parameters_as_nan() -> None:
    ss = SearchSpace({"a": FloatDistribution(0, 1), "b": IntDistribution(0, 3)})
    out = ss.encode_many([{"a": 0.5}, {"a": 1.0, "b": 3}])
    assert out[0, 0] == 0.5 and math.isnan(out[0, 1])
    assert out[1].tolist() == [1.0, 0.875]
