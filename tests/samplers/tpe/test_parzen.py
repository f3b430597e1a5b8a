"""Known answers for the Parzen estimator: widths, normalisation, sampling."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import norm

from hypersense.samplers.tpe.columns import (
    CategoricalColumn,
    ContinuousColumn,
    OrderedBinsColumn,
    column_for,
)
from hypersense.samplers.tpe.parzen import (
    BandwidthRule,
    fit_parzen_mixture,
    parzen_log_pdf,
    sample_parzen_mixture,
)
from hypersense.space import IntDistribution

CONT = ContinuousColumn()
NO_CLIP = BandwidthRule(magic_clip=False)


def _grid(n: int, d: int) -> np.ndarray:
    axis = (np.arange(n) + 0.5) / n
    mesh = np.meshgrid(*([axis] * d), indexing="ij")
    return np.stack([m.ravel() for m in mesh], axis=1)


def test_neighbour_widths_are_the_larger_gap_to_a_neighbour() -> None:
    points = np.array([[0.5], [0.1], [0.2]])
    mix = fit_parzen_mixture(points, [CONT], prior_weight=1.0, rule=NO_CLIP)
    # Sorted 0.1, 0.2, 0.5: gaps 0.1 and 0.3; the ends use their only inner gap.
    np.testing.assert_allclose(mix.bandwidths[:, 0], [0.3, 0.1, 0.3])


def test_a_lone_point_is_as_wide_as_its_distance_to_the_far_end() -> None:
    mix = fit_parzen_mixture(np.array([[0.3]]), [CONT], prior_weight=1.0, rule=NO_CLIP)
    assert mix.bandwidths[0, 0] == pytest.approx(0.7)


def test_magic_clip_floors_the_widths_at_one_over_n_plus_two() -> None:
    points = np.array([[0.50], [0.51], [0.52]])
    mix = fit_parzen_mixture(points, [CONT], prior_weight=1.0)
    np.testing.assert_allclose(mix.bandwidths[:, 0], 1 / 5)


def test_scale_and_ceiling_of_the_widths() -> None:
    points = np.array([[0.1], [0.2], [0.9]])
    rule = BandwidthRule(scale=0.5, magic_clip=False, max_bandwidth=0.3)
    mix = fit_parzen_mixture(points, [CONT], prior_weight=1.0, rule=rule)
    # Neighbour widths 0.1, 0.7, 0.7: halved to 0.05, 0.35, 0.35, capped at 0.3.
    np.testing.assert_allclose(mix.bandwidths[:, 0], [0.05, 0.3, 0.3])


def test_weights_include_the_prior() -> None:
    mix = fit_parzen_mixture(np.array([[0.2], [0.7]]), [CONT], prior_weight=2.0)
    np.testing.assert_allclose(mix.weights, [0.25, 0.25, 0.5])


def test_observation_weights_share_the_mass_with_the_prior() -> None:
    mix = fit_parzen_mixture(
        np.array([[0.2], [0.7]]), [CONT], prior_weight=1.0, weights=np.array([3.0, 1.0])
    )
    np.testing.assert_allclose(mix.weights, [0.6, 0.2, 0.2])


def test_one_kernel_density_is_the_hand_computed_mixture() -> None:
    mix = fit_parzen_mixture(np.array([[0.4]]), [CONT], prior_weight=1.0, rule=NO_CLIP)
    h = 0.6  # the lone point's distance to the far end
    x = 0.55
    kernel = norm.pdf(x, 0.4, h) / (norm.cdf(1, 0.4, h) - norm.cdf(0, 0.4, h))
    expected = math.log(0.5 * kernel + 0.5 * 1.0)
    assert parzen_log_pdf(mix, np.array([[x]]))[0] == pytest.approx(expected, rel=1e-12)


def test_the_empty_mixture_is_the_uniform_prior() -> None:
    mix = fit_parzen_mixture(np.zeros((0, 2)), [CONT, CONT], prior_weight=1.0)
    np.testing.assert_allclose(parzen_log_pdf(mix, np.array([[0.1, 0.9], [0.5, 0.5]])), 0.0)


def test_continuous_density_integrates_to_one_in_two_dimensions() -> None:
    rng = np.random.default_rng(1)
    mix = fit_parzen_mixture(rng.random((6, 2)), [CONT, CONT], prior_weight=1.0)
    density = np.exp(parzen_log_pdf(mix, _grid(300, 2)))
    assert density.mean() == pytest.approx(1.0, abs=1e-4)


def test_mixed_columns_give_a_normalised_joint_distribution() -> None:
    """Continuous x ordered bins x categories: integrate, sum and sum."""
    int_col = column_for(IntDistribution(1, 5, log=True))
    assert isinstance(int_col, OrderedBinsColumn)
    cat_col = CategoricalColumn(3)
    points = np.array([[0.2, int_col.centers[0], 0.5], [0.8, int_col.centers[3], 1 / 6]])
    mix = fit_parzen_mixture(points, [CONT, int_col, cat_col], prior_weight=0.5)
    xs = (np.arange(2000) + 0.5) / 2000
    total = 0.0
    for b in int_col.centers:
        for c in cat_col.center_of(np.arange(3)):
            pts = np.column_stack([xs, np.full_like(xs, b), np.full_like(xs, c)])
            total += float(np.exp(parzen_log_pdf(mix, pts)).mean())
    assert total == pytest.approx(1.0, abs=1e-6)


def test_samples_follow_the_density() -> None:
    rng = np.random.default_rng(2)
    mix = fit_parzen_mixture(rng.random((5, 2)), [CONT, CONT], prior_weight=1.0)
    n = 200_000
    samples = sample_parzen_mixture(mix, np.random.default_rng(3), n)
    hist, _, _ = np.histogram2d(samples[:, 0], samples[:, 1], bins=8, range=[[0, 1], [0, 1]])
    density = np.exp(parzen_log_pdf(mix, _grid(160, 2))).reshape(160, 160)
    expected = density.reshape(8, 20, 8, 20).mean(axis=(1, 3)) / 64
    # Each cell's frequency has standard error below 0.0006 at n=200k; 0.003 is five of them.
    np.testing.assert_allclose(hist / n, expected, atol=0.003)


def test_samples_of_discrete_columns_are_bin_values() -> None:
    int_col = column_for(IntDistribution(0, 6, step=2))
    assert isinstance(int_col, OrderedBinsColumn)
    cat_col = CategoricalColumn(4)
    points = np.array([[int_col.centers[1], cat_col.center_of(np.array([2]))[0]]])
    mix = fit_parzen_mixture(points, [int_col, cat_col], prior_weight=1.0)
    samples = sample_parzen_mixture(mix, np.random.default_rng(0), 500)
    assert set(np.round(samples[:, 0], 12)) <= set(np.round(int_col.centers, 12))
    assert set(np.round(samples[:, 1], 12)) <= set(np.round(cat_col.center_of(np.arange(4)), 12))


def test_categorical_probabilities_have_the_stated_form() -> None:
    col = CategoricalColumn(3)
    points = col.center_of(np.array([0, 0]))[:, None]
    mix = fit_parzen_mixture(points, [col], prior_weight=1.0)
    spread = mix.spreads[0]
    assert spread == pytest.approx(1 / 3)  # categorical_smoothing / (m + 1)
    probs = np.exp(parzen_log_pdf(mix, col.center_of(np.arange(3))[:, None]))
    own = (1 - spread) + spread / 3
    expected = [(2 / 3) * own + 1 / 9, (2 / 3) * spread / 3 + 1 / 9, (2 / 3) * spread / 3 + 1 / 9]
    np.testing.assert_allclose(probs, expected)
