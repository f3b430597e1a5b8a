"""From a range test to a search range: span, cap, and narrowing spaces."""

from __future__ import annotations

import math

import pytest

from hypersense.lr import (
    LRSearchRange,
    NoSuggestionError,
    RangeTestResult,
    Suggestion,
    narrow_space,
    search_range,
)
from hypersense.lr.result import RangeTestSettings, SeedCurve
from hypersense.space import CategoricalDistribution, FloatDistribution, SearchSpace


def made_result(rates: list[float], divergence_lr: float | None) -> RangeTestResult:
    """A result whose single seed suggested ``rates`` (one per rule)."""
    settings = RangeTestSettings(
        start_lr=1e-6, end_lr=1.0, num_steps=3, mode="exp", optimizer="sgd", batch_size=32,
        accumulation_steps=1, diverge_factor=4.0, beta=0.98, seeds=(0,),
    )  # fmt: skip
    said = tuple(Suggestion(f"rule{i}", r) for i, r in enumerate(rates))
    curve = SeedCurve(0, (1e-6, 1e-3, 1.0), (2.0, 1.0, 9.0), (2.0, 1.5, 3.0), divergence_lr, said)
    return RangeTestResult(settings, (curve,), {s.rule: s for s in said})


def test_the_interval_is_widened_by_span_on_the_log_scale() -> None:
    lr_range = search_range(made_result([1e-3, 4e-3], divergence_lr=1.0), span=10.0)
    assert (lr_range.low, lr_range.high) == pytest.approx((1e-4, 4e-2))
    assert lr_range.interval == (1e-3, 4e-3) and lr_range.suggested_lr == pytest.approx(2e-3)
    assert lr_range.distribution() == FloatDistribution(lr_range.low, lr_range.high, log=True)
    assert "widened 10x" in lr_range.note and "capped" not in lr_range.note


def test_the_top_is_capped_below_the_divergence_point() -> None:
    lr_range = search_range(made_result([1e-3, 4e-3], divergence_lr=0.02), span=10.0)
    assert lr_range.high == pytest.approx(0.5 * 0.02) and lr_range.cap == pytest.approx(0.01)
    assert "capped at 0.5 x the divergence lr 0.02" in lr_range.note
    tighter = search_range(made_result([1e-3, 4e-3], 0.02), span=10.0, cap_fraction=0.1)
    assert tighter.high == pytest.approx(2e-3)


def test_a_test_that_never_diverged_is_capped_at_its_end_lr() -> None:
    lr_range = search_range(made_result([0.1, 0.3], divergence_lr=None), span=10.0)
    assert lr_range.high == 1.0 and lr_range.divergence_lr is None
    assert "never diverged" in lr_range.note


def test_a_cap_below_the_interval_keeps_the_width_under_it() -> None:
    lr_range = search_range(made_result([1e-3, 4e-3], divergence_lr=1e-4), span=10.0)
    assert lr_range.high == pytest.approx(5e-5)
    assert lr_range.low == pytest.approx(5e-7) and lr_range.low < lr_range.high


def test_no_suggestion_and_bad_options_raise() -> None:
    result = made_result([1e-3], None)
    empty = RangeTestResult(
        result.settings,
        (SeedCurve(0, (1.0,), (1.0,), (1.0,), None, (Suggestion.none("steepest", "flat"),)),),
        {"steepest": Suggestion.none("steepest", "flat")},
    )
    with pytest.raises(NoSuggestionError, match="steepest: flat"):
        search_range(empty)
    with pytest.raises(ValueError, match="`span`"):
        search_range(result, span=1.0)
    with pytest.raises(ValueError, match="`cap_fraction`"):
        search_range(result, cap_fraction=0.0)


def test_the_default_span_adds_half_a_decade_each_way() -> None:
    lr_range = search_range(made_result([1e-3], divergence_lr=None))
    assert math.log10(lr_range.interval[0] / lr_range.low) == pytest.approx(0.5)


def test_spaces_are_narrowed_and_ranges_round_trip() -> None:
    lr_range = search_range(made_result([1e-3, 4e-3], 1.0), param="learning_rate")
    space = {"learning_rate": FloatDistribution(1e-6, 1.0, log=True),
             "opt": CategoricalDistribution(("a", "b"))}  # fmt: skip
    narrowed = narrow_space(space, lr_range)
    assert isinstance(narrowed, SearchSpace) and narrowed.names == ("learning_rate", "opt")
    assert narrowed["learning_rate"] == lr_range.distribution()
    with pytest.raises(KeyError, match="no parameter 'learning_rate'"):
        narrow_space({"lr": FloatDistribution(1e-6, 1.0)}, lr_range)
    assert LRSearchRange.from_dict(lr_range.to_dict()) == lr_range


def test_a_recipe_space_is_narrowed_through_its_own_method() -> None:
    from hypersense.torch import RecipeSpace

    lr_range = search_range(made_result([1e-3, 4e-3], 1.0))
    narrowed = narrow_space(RecipeSpace(), lr_range)
    assert isinstance(narrowed, RecipeSpace)
    assert narrowed.tuned["lr"] == lr_range.distribution()
