"""Forecasts of planted curves: known answers, and the 90% interval's coverage."""

from __future__ import annotations

import numpy as np
import pytest

from hypersense.pruners.curves import MIN_POINTS, forecast_curve
from tests.pruners.curves.synthetic import KINDS, crossing_pair, planted_curve


def test_a_noiseless_power_law_is_recovered_tightly() -> None:
    x = np.arange(40)
    y = 0.25 + 2.0 * (x + 1.0) ** -0.7  # alpha = 0.7 is between grid points
    truth = 0.25 + 2.0 * 200.0**-0.7
    forecast = forecast_curve(x, y, 199)
    low, high = forecast.quantile(0.05), forecast.quantile(0.95)
    assert low <= truth <= high
    assert high - low < 0.15 * (y.max() - y.min())
    assert forecast.family_weights["power"] + forecast.family_weights["log_power"] > 0.5


def test_a_noisy_exponential_is_recovered() -> None:
    rng = np.random.default_rng(0)
    x = np.arange(30)
    y = 0.5 + 1.5 * np.exp(-x / 8.0) + rng.normal(0, 0.01, 30)
    truth = 0.5 + 1.5 * np.exp(-99 / 8.0)
    forecast = forecast_curve(x, y, 99)  # three times further than seen
    assert forecast.quantile(0.05) <= truth <= forecast.quantile(0.95)
    assert abs(forecast.quantile(0.5) - truth) < 0.1 * (y.max() - y.min())


def test_forecasts_are_monotone_so_a_flat_curve_stays_flat() -> None:
    rng = np.random.default_rng(1)
    flat = 0.4 + rng.normal(0, 0.01, 30)
    forecast = forecast_curve(np.arange(30), flat, 299)
    assert abs(forecast.quantile(0.5) - 0.4) < 0.03
    rising = np.linspace(0.2, 0.8, 20)  # no family rises: the rise is not extrapolated
    forecast = forecast_curve(np.arange(20), rising, 99)
    assert 0.2 < forecast.quantile(0.5) < 0.8


def test_steps_in_any_order_gaps_and_non_finite_values() -> None:
    x = np.arange(0, 60, 3)  # every third step
    y = 0.3 + np.exp(-x / 10.0)
    shuffled = np.random.default_rng(2).permutation(x.size)
    with_nan = np.append(y[shuffled], np.nan)
    a = forecast_curve(np.append(x[shuffled], 61), with_nan, 99)
    b = forecast_curve(x, y, 99)
    assert a.quantile(0.5) == pytest.approx(b.quantile(0.5))


def test_cdf_and_quantile_agree() -> None:
    rng = np.random.default_rng(3)
    forecast = forecast_curve(np.arange(25), planted_curve("mmf", rng, 25), 120)
    for q in (0.05, 0.5, 0.95):
        assert forecast.cdf(forecast.quantile(q)) == pytest.approx(q, abs=1e-6)
    assert forecast.weights.sum() == pytest.approx(1.0)
    assert sum(forecast.family_weights.values()) == pytest.approx(1.0)
    negated = forecast.negated()
    assert negated.quantile(0.05) == pytest.approx(-forecast.quantile(0.95), abs=1e-6)


def test_refusals() -> None:
    with pytest.raises(ValueError, match=f"a forecast needs {MIN_POINTS} finite values"):
        forecast_curve([0, 1, 2, 3], [1.0, 0.5, np.nan, 0.3], 10)
    with pytest.raises(ValueError, match="unknown curve families \\['gompertz'\\]"):
        forecast_curve(np.arange(10), np.linspace(1, 0, 10), 20, families=["gompertz"])


def _covered(curve: np.ndarray, n_seen: int) -> bool:
    forecast = forecast_curve(np.arange(n_seen), curve[:n_seen], curve.size - 1)
    return forecast.quantile(0.05) <= curve[-1] <= forecast.quantile(0.95)


@pytest.mark.slow
def test_the_90_percent_interval_covers_planted_final_values() -> None:
    """Curves of every kind (one outside the families) cut at 10% to 50% of their
    length, and crossing pairs cut where the later winner is still behind."""
    hits: dict[str, list[bool]] = {kind: [] for kind in (*KINDS, "crossing")}
    for seed in range(150):
        rng = np.random.default_rng(seed)
        n_steps = int(rng.choice([30, 50, 100, 200]))
        kind = KINDS[seed % len(KINDS)]
        curve = planted_curve(kind, rng, n_steps)
        n_seen = int(rng.integers(max(MIN_POINTS + 2, n_steps // 10), n_steps // 2 + 1))
        hits[kind].append(_covered(curve, n_seen))
    for seed in range(25):
        rng = np.random.default_rng(1000 + seed)
        fast, slow, worse_until = crossing_pair(rng, 100)
        n_seen = int(rng.integers(MIN_POINTS + 4, max(worse_until, MIN_POINTS + 5)))
        assert slow[n_seen - 1] > fast[n_seen - 1] and slow[-1] < fast[-1]  # they cross later
        hits["crossing"] += [_covered(fast, n_seen), _covered(slow, n_seen)]
    overall = float(np.mean([h for kind in hits.values() for h in kind]))
    by_kind = {kind: round(float(np.mean(h)), 2) for kind, h in hits.items()}
    assert overall >= 0.85, by_kind
    assert min(by_kind.values()) >= 0.7, by_kind
