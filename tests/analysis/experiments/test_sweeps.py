"""Where one-at-a-time sweeps put their points, and the range of their means."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from hypersense.analysis.experiments.sweeps import extreme_gap, sweep_values
from hypersense.space import CategoricalDistribution, FloatDistribution, IntDistribution


def test_float_sweep_is_even_in_the_encoding_and_keeps_the_reference() -> None:
    values = sweep_values(FloatDistribution(0.0, 1.0), 0.33, n_points=5, window=None)
    assert values == pytest.approx([0.0, 0.25, 0.33, 0.5, 0.75, 1.0])
    assert 0.33 in values


def test_log_sweep_is_even_on_the_log_scale() -> None:
    values = sweep_values(FloatDistribution(1e-4, 1.0, log=True), 1e-2, n_points=5, window=None)
    assert np.log10(values) == pytest.approx([-4.0, -3.0, -2.0, -1.0, 0.0])


def test_reference_on_the_grid_is_not_duplicated() -> None:
    values = sweep_values(FloatDistribution(0.0, 1.0), 0.5, n_points=3, window=None)
    assert values == [0.0, 0.5, 1.0]


def test_window_is_centred_on_the_reference_and_clipped() -> None:
    values = sweep_values(FloatDistribution(0.0, 10.0), 9.0, n_points=3, window=0.4)
    # Unit window [0.7, 1.1] clipped to [0.7, 1.0]: 7, 8.5, 10 and the reference 9.
    assert values == pytest.approx([7.0, 8.5, 9.0, 10.0])


def test_small_discrete_ranges_visit_every_value() -> None:
    assert sweep_values(IntDistribution(1, 4), 2, n_points=7, window=None) == [1, 2, 3, 4]
    stepped = FloatDistribution(0.0, 1.0, step=0.25)
    assert sweep_values(stepped, 0.5, n_points=7, window=None) == [0.0, 0.25, 0.5, 0.75, 1.0]
    choices = CategoricalDistribution(("relu", "tanh", None))
    assert sweep_values(choices, "tanh", n_points=2, window=0.1) == ["relu", "tanh", None]


def test_large_int_ranges_get_n_points_plus_reference() -> None:
    values = sweep_values(IntDistribution(1, 1024, log=True), 100, n_points=3, window=None)
    # A log int owns [x - 1/2, x + 1/2] on the log scale, so the middle of the
    # encoding is sqrt(0.5 · 1024.5) = 22.6, i.e. 23.
    assert values == [1, 23, 100, 1024]
    assert all(isinstance(v, int) for v in values)


def test_extreme_gap_known_answer() -> None:
    groups = [np.array([1.0, 2.0, 3.0]), np.array([5.0, 6.0, 7.0]), np.array([3.0, 4.0, 5.0])]
    gap = extreme_gap(groups, 0.95)
    # Gap 6 - 2 = 4; pooled sd 1 (df 6); se sqrt(1/3 + 1/3).
    half = stats.t.ppf(0.975, 6) * math.sqrt(2 / 3)
    assert gap.estimate == pytest.approx(4.0)
    assert (gap.low, gap.high) == pytest.approx((4.0 - half, 4.0 + half))


def test_extreme_gap_degenerate_cases() -> None:
    assert math.isnan(extreme_gap([np.array([1.0, 2.0])], 0.95).estimate)
    single = extreme_gap([np.array([1.0]), np.array([3.0])], 0.95)
    assert single.estimate == 2.0 and math.isnan(single.low)
    clipped = extreme_gap([np.array([0.0, 10.0]), np.array([1.0, 11.0])], 0.95)
    assert clipped.low == 0.0
