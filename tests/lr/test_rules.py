"""Each suggestion rule on hand-made loss curves with known answers, and the
curves no rule can read (flat, noisy, only rising, too short, never diverging)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hypersense.lr import (
    LossCurve,
    MinimumRule,
    SteepestRule,
    Suggestion,
    ValleyRule,
    default_rules,
    lr_ramp,
)


def curve(lrs: np.ndarray, losses: np.ndarray, *, beta: float = 0.0, diverged: bool = False):
    return LossCurve(lrs, losses, diverged, beta=beta)


def sigmoid_drop(log_lrs: np.ndarray, centre: float, width: float = 0.3) -> np.ndarray:
    """2.0 at low rates, 0.2 at high ones; steepest against log10(lr) at ``centre``."""
    return 0.2 + 1.8 / (1.0 + np.exp((log_lrs - centre) / width))


def classic(n: int = 121) -> LossCurve:
    """Flat, a sigmoid fall centred at lr 1e-3, a floor, then a blow-up past lr 0.1."""
    lrs = lr_ramp(1e-6, 1.0, n, "exp")
    logs = np.log10(lrs)
    losses = sigmoid_drop(logs, -3.0) + np.where(logs > -1.0, 50.0 * (logs + 1.0) ** 2, 0.0)
    # Where the 4x rule stops: the first loss above 4 times the lowest one so far.
    stop = int(np.argmax(losses > 4 * np.minimum.accumulate(losses)))
    return curve(lrs[: stop + 1], losses[: stop + 1], diverged=True)


def test_steepest_is_the_fastest_fall_against_log_lr() -> None:
    suggestion = SteepestRule().suggest(classic())
    assert suggestion.found and suggestion.reason is None
    # The grid has 20 points per decade: the nearest point to 1e-3 is exact.
    assert suggestion.lr == pytest.approx(1e-3, rel=1e-9)


def test_steepest_measures_slopes_against_log_lr_on_a_linear_ramp() -> None:
    # A linear ramp packs its points at high rates; the fall is centred at
    # lr 0.05 on the log axis, where the rule must find it (a slope per step
    # would put the steepest point near lr 0.02 instead).
    lrs = lr_ramp(1e-3, 1.0, 400, "linear")
    losses = sigmoid_drop(np.log10(lrs), math.log10(0.05))
    found = SteepestRule(skip_start=0.0).suggest(curve(lrs, losses))
    per_step = lrs[int(np.argmin(np.diff(losses)))]
    assert found.lr == pytest.approx(0.05, rel=0.06)
    assert per_step < 0.03  # what the wrong axis would have said


def test_valley_is_two_thirds_down_the_longest_fall_on_the_log_scale() -> None:
    c = classic()
    suggestion = ValleyRule().suggest(c)
    # The fall runs from the first point read (10% of the points are skipped) to
    # the minimum; two thirds of the way in log10(lr).
    start = round(0.1 * len(c.lrs))
    i_min = int(np.argmin(c.smoothed[:-1]))
    logs = np.log10(c.lrs)
    target = logs[start] + 2 / 3 * (logs[i_min] - logs[start])
    assert suggestion.lr is not None
    assert math.log10(suggestion.lr) == pytest.approx(target, abs=0.05 / 2 + 1e-12)


def test_minimum_is_the_lowest_loss_divided_by_ten() -> None:
    c = classic()
    i_min = int(np.argmin(c.smoothed[:-1]))
    assert MinimumRule().suggest(c).lr == pytest.approx(c.lrs[i_min] / 10)
    assert MinimumRule(divisor=4).suggest(c).lr == pytest.approx(c.lrs[i_min] / 4)


def test_the_diverging_point_is_never_read() -> None:
    lrs = lr_ramp(1e-4, 1.0, 50, "exp")
    losses = np.linspace(3.0, 1.0, 50)
    losses[-1] = 0.1  # a last, diverging step whose loss looks low must not be the minimum
    c = curve(lrs, losses, diverged=True)
    assert MinimumRule().suggest(c).lr == pytest.approx(lrs[-2] / 10)


@pytest.mark.parametrize("rule", default_rules(), ids=lambda r: r.name)
def test_a_flat_curve_gets_no_suggestion_saying_flat(rule) -> None:
    lrs = lr_ramp(1e-7, 1e-4, 100, "exp")
    said = rule.suggest(curve(lrs, np.full(100, 2.3) + 1e-4 * np.sin(np.arange(100))))
    assert not said.found and said.lr is None
    assert said.reason is not None and said.reason.startswith("flat") and "end_lr" in said.reason


@pytest.mark.parametrize("rule", default_rules(), ids=lambda r: r.name)
def test_pure_noise_gets_no_suggestion_saying_noisy(rule) -> None:
    rng = np.random.default_rng(0)
    lrs = lr_ramp(1e-5, 1.0, 100, "exp")
    for _ in range(20):  # whatever the draw
        said = rule.suggest(curve(lrs, 2.0 + 0.5 * rng.normal(size=100), beta=0.98))
        assert said.reason is not None and said.reason.startswith("noisy"), said


def test_a_real_fall_under_noise_is_still_read() -> None:
    rng = np.random.default_rng(1)
    lrs = lr_ramp(1e-6, 1.0, 200, "exp")
    losses = sigmoid_drop(np.log10(lrs), -3.0) + 0.1 * rng.normal(size=200)
    said = SteepestRule().suggest(curve(lrs, losses, beta=0.9))
    assert said.lr is not None and 10**-3.7 < said.lr < 10**-2.3


def test_a_curve_still_falling_at_the_end_has_no_minimum_suggestion() -> None:
    lrs = lr_ramp(1e-6, 1e-2, 100, "exp")
    c = curve(lrs, sigmoid_drop(np.log10(lrs), -2.0, width=0.8), diverged=False)
    said = MinimumRule().suggest(c)
    assert said.reason is not None and said.reason.startswith("never diverged")
    assert "raise end_lr" in said.reason
    # The fall itself is there, so the other rules still read it.
    assert SteepestRule().suggest(c).found and ValleyRule().suggest(c).found


@pytest.mark.parametrize("rule", default_rules(), ids=lambda r: r.name)
def test_a_curve_that_only_rises_says_start_lr_is_too_high(rule) -> None:
    lrs = lr_ramp(1e-1, 10.0, 60, "exp")
    said = rule.suggest(curve(lrs, np.linspace(1.0, 3.0, 60)))
    assert said.reason is not None and "start_lr is already too high" in said.reason


@pytest.mark.parametrize("rule", default_rules(), ids=lambda r: r.name)
def test_a_ramp_that_diverged_at_once_is_too_short(rule) -> None:
    lrs = lr_ramp(1.0, 100.0, 100, "exp")[:4]
    said = rule.suggest(curve(lrs, np.array([1.0, 0.9, 5.0, 50.0]), diverged=True))
    assert said.reason is not None and said.reason.startswith("too few points")


def test_a_suggestion_has_either_a_rate_or_a_reason() -> None:
    with pytest.raises(ValueError, match="either an `lr` or a `reason`"):
        Suggestion("steepest", None)
    with pytest.raises(ValueError, match="either an `lr` or a `reason`"):
        Suggestion("steepest", 1e-3, "because")
    with pytest.raises(ValueError, match="finite and > 0"):
        Suggestion("steepest", -1.0)
    none = Suggestion.none("valley", "flat")
    assert Suggestion.from_dict(none.to_dict()) == none and str(none) == "valley: none"


def test_rule_options_are_checked_and_shown() -> None:
    assert repr(MinimumRule(divisor=5)) == (
        "MinimumRule(skip_start=0.1, min_points=5, flat_tolerance=0.01, min_snr=1.0, divisor=5.0)"
    )
    with pytest.raises(ValueError, match="`divisor`"):
        MinimumRule(divisor=1)
    with pytest.raises(ValueError, match="`position`"):
        ValleyRule(position=1.5)
    with pytest.raises(ValueError, match="`skip_start`"):
        SteepestRule(skip_start=1.0)
    with pytest.raises(ValueError, match="`min_points`"):
        SteepestRule(min_points=2)
