"""One-way ANOVA and variance components: hand-computed tables, scipy, and coverage."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from hypersense.analysis.experiments.variance_components import (
    between_variance,
    between_variance_interval,
    equal_noise_p_value,
    holm_adjust,
    one_way_anova,
    variance_share,
    within_variance_interval,
)


def test_anova_table_matches_hand_computation_and_scipy() -> None:
    # Means 2 and 5, grand mean 3.5: SSB = 3·1.5²·2 = 13.5 (df 1); SSW = 2 + 2 = 4 (df 4).
    groups = [np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0])]
    table = one_way_anova(groups)
    assert table.group_sizes == (3, 3)
    assert table.group_means == (2.0, 5.0)
    assert (table.df_between, table.df_within) == (1, 4)
    assert table.ms_between == pytest.approx(13.5)
    assert table.ms_within == pytest.approx(1.0)
    assert table.effective_group_size == pytest.approx(3.0)
    assert table.f_statistic == pytest.approx(13.5)
    assert table.p_value == pytest.approx(stats.f_oneway(*groups).pvalue)


def test_unequal_groups_and_missing_values() -> None:
    groups = [np.array([1.0, np.nan, 3.0]), np.array([4.0, 5.0, 6.0, 9.0]), np.array([np.nan])]
    table = one_way_anova(groups)
    kept = [np.array([1.0, 3.0]), np.array([4.0, 5.0, 6.0, 9.0])]
    assert table.group_sizes == (2, 4)
    assert table.p_value == pytest.approx(stats.f_oneway(*kept).pvalue)
    # Searle's n0 = (N - Σn²/N)/(k-1) = (6 - 20/6)/1.
    assert table.effective_group_size == pytest.approx(6 - 20 / 6)


def test_degenerate_tables_give_nan_not_errors() -> None:
    one_group = one_way_anova([np.array([1.0, 2.0, 4.0])])
    assert one_group.ms_within == pytest.approx(7 / 3)
    assert math.isnan(one_group.f_statistic) and math.isnan(between_variance(one_group))
    singletons = one_way_anova([np.array([1.0]), np.array([2.0])])
    assert singletons.df_within == 0 and math.isnan(singletons.p_value)
    assert all(math.isnan(v) for v in within_variance_interval(singletons, 0.95))


def test_within_interval_is_the_chi_square_interval() -> None:
    table = one_way_anova([np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0])])
    low, high = within_variance_interval(table, 0.9)
    assert low == pytest.approx(4.0 / stats.chi2.ppf(0.95, 4))
    assert high == pytest.approx(4.0 / stats.chi2.ppf(0.05, 4))


def test_between_variance_is_the_variance_of_group_means_without_noise() -> None:
    # With no noise MSW = 0 and σ²_a = MSB / n = the sample variance of the means.
    means = np.array([0.0, 1.0, 3.0])
    table = one_way_anova([np.full(4, m) for m in means])
    assert between_variance(table) == pytest.approx(np.var(means, ddof=1))


@pytest.mark.parametrize(
    ("n_groups", "n_repeats", "sd_between", "sd_within"),
    [(6, 5, 1.0, 1.0), (4, 8, 0.3, 1.0), (10, 3, 2.0, 0.5)],
)
def test_intervals_cover_at_their_nominal_rate(
    n_groups: int, n_repeats: int, sd_between: float, sd_within: float
) -> None:
    # 1,000 simulated one-way layouts (seed 0): the 95% intervals of σ²_w (exact),
    # σ²_a (MLS, approximate) and the share must cover in [0.93, 0.97]; the binomial
    # standard error of a coverage of 0.95 over 1,000 runs is 0.007, so this allows
    # ~3 standard errors around nominal.
    rng = np.random.default_rng(0)
    runs, hits = 1000, np.zeros(3)
    share = sd_between**2 / (sd_between**2 + sd_within**2)
    for _ in range(runs):
        effects = rng.normal(0.0, sd_between, n_groups)
        table = one_way_anova([e + rng.normal(0.0, sd_within, n_repeats) for e in effects])
        low_w, high_w = within_variance_interval(table, 0.95)
        low_a, high_a = between_variance_interval(table, 0.95)
        _, low_s, high_s = variance_share(table, 0.95)
        hits += [
            low_w <= sd_within**2 <= high_w,
            low_a <= sd_between**2 <= high_a,
            low_s <= share <= high_s,
        ]
    assert np.all((hits / runs >= 0.93) & (hits / runs <= 0.97)), hits / runs


def test_between_interval_is_clipped_at_zero_and_contains_the_estimate() -> None:
    rng = np.random.default_rng(3)
    table = one_way_anova([rng.normal(0.0, 1.0, 5) for _ in range(5)])
    low, high = between_variance_interval(table, 0.95)
    assert 0.0 <= low <= between_variance(table) <= high


def test_holm_adjustment_known_answer() -> None:
    # Sorted 0.01, 0.03, 0.04 with m=3: 3·0.01, max(0.03, 2·0.03), max(0.06, 1·0.04).
    adjusted = holm_adjust([0.01, 0.04, np.nan, 0.03])
    np.testing.assert_allclose(adjusted, [0.03, 0.06, np.nan, 0.06])
    assert np.all(holm_adjust([0.9, 0.8]) <= 1.0)
    np.testing.assert_allclose(holm_adjust(np.array([0.01, 0.04, 0.03])), [0.03, 0.06, 0.06])
    np.testing.assert_allclose(holm_adjust(np.array([0.5, 0.9])), [1.0, 1.0])
    # Tied p-values get the same adjusted value whatever order they come in.
    np.testing.assert_allclose(holm_adjust([0.02, 0.01, 0.02]), [0.04, 0.03, 0.04])
    assert holm_adjust(np.array([])).shape == (0,)
    assert np.isnan(holm_adjust([np.nan])).all()


def test_equal_noise_p_value_is_scipys_brown_forsythe() -> None:
    rng = np.random.default_rng(1)
    groups = [rng.normal(0, 1, 6), rng.normal(0, 3, 6), np.array([1.0, np.nan, 2.0, 4.0])]
    expected = stats.levene(groups[0], groups[1], np.array([1.0, 2.0, 4.0]), center="median")
    assert equal_noise_p_value(groups) == pytest.approx(expected.pvalue)
    # Groups of two carry no spread for Brown-Forsythe and are left out.
    with_pairs = [*groups, np.array([0.0, 100.0])]
    assert equal_noise_p_value(with_pairs) == pytest.approx(expected.pvalue)
    assert math.isnan(equal_noise_p_value([np.ones(3), np.ones(3)]))
    assert math.isnan(equal_noise_p_value([np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0])]))
