"""Summaries of repeated evaluations: known t-intervals."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from hypersense.analysis.experiments.repeats import summarize_repeats, t_interval


def test_summary_of_known_values() -> None:
    summary = summarize_repeats([1.0, 2.0, 3.0, np.nan], 0.95)
    half = stats.t.ppf(0.975, 2) * 1.0 / math.sqrt(3)
    assert (summary.n, summary.mean, summary.std) == (3, 2.0, 1.0)
    assert summary.low == pytest.approx(2.0 - half)
    assert summary.high == pytest.approx(2.0 + half)
    assert summary.standard_error == pytest.approx(1 / math.sqrt(3))


def test_too_few_values_give_nan_intervals() -> None:
    one = summarize_repeats([4.0], 0.95)
    assert one.n == 1 and one.mean == 4.0 and math.isnan(one.low) and math.isnan(one.std)
    none = summarize_repeats([np.nan, np.nan], 0.95)
    assert none.n == 0 and math.isnan(none.mean)
    assert all(math.isnan(v) for v in t_interval(1.0, 1.0, 1, 0.95))


def test_t_interval_covers_at_nominal_rate() -> None:
    # 2,000 normal samples of 4 (seed 0): coverage of the 90% interval in [0.88, 0.92]
    # (binomial standard error 0.0067, so about 3 standard errors).
    rng = np.random.default_rng(0)
    hits = 0
    for _ in range(2000):
        s = summarize_repeats(rng.normal(5.0, 2.0, 4), 0.9)
        hits += s.low <= 5.0 <= s.high
    assert 0.88 <= hits / 2000 <= 0.92
