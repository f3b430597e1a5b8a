"""Known answers for the one-dimensional kernels."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import norm

from hypersense.samplers.tpe.kernels import (
    categorical_log_kernel,
    gaussian_log_mass,
    truncated_gaussian_log_bin_mass,
    truncated_gaussian_log_norm,
    truncated_gaussian_log_pdf,
    truncated_gaussian_sample,
)


@pytest.mark.parametrize(
    ("a", "b"), [(-1.0, 1.0), (0.0, 2.0), (-3.0, -2.5), (2.5, 3.0), (-0.5, 0.25)]
)
def test_gaussian_log_mass_matches_the_normal_cdf(a: float, b: float) -> None:
    expected = math.log(norm.cdf(b) - norm.cdf(a))
    assert gaussian_log_mass(np.array(a), np.array(b)) == pytest.approx(expected, rel=1e-12)


def test_gaussian_log_mass_keeps_precision_far_in_both_tails() -> None:
    # Phi(41) - Phi(40) cancels to 0 in double precision; its log is about -804.6.
    expected = norm.logsf(40.0) + math.log1p(-math.exp(norm.logsf(41.0) - norm.logsf(40.0)))
    upper = gaussian_log_mass(np.array(40.0), np.array(41.0))
    lower = gaussian_log_mass(np.array(-41.0), np.array(-40.0))
    assert float(upper) == pytest.approx(expected, rel=1e-10)
    assert float(lower) == pytest.approx(expected, rel=1e-10)


def test_an_empty_interval_has_zero_mass() -> None:
    assert gaussian_log_mass(np.array(0.3), np.array(0.3)) == -np.inf


def test_truncated_gaussian_density_integrates_to_one_on_the_unit_interval() -> None:
    centers = np.array([0.0, 0.3, 0.95, 1.0])
    widths = np.array([0.05, 0.5, 0.2, 3.0])
    grid = (np.arange(20000) + 0.5) / 20000
    log_norm = truncated_gaussian_log_norm(centers, widths)
    density = np.exp(truncated_gaussian_log_pdf(grid, centers, widths, log_norm))
    np.testing.assert_allclose(density.mean(axis=0), 1.0, rtol=1e-6)


def test_truncated_gaussian_density_at_the_centre_is_known() -> None:
    # A kernel at 0.5 with width 0.1: mass inside [0, 1] is Phi(5) - Phi(-5).
    c, h = np.array([0.5]), np.array([0.1])
    log_norm = truncated_gaussian_log_norm(c, h)
    value = truncated_gaussian_log_pdf(np.array([0.5]), c, h, log_norm)[0, 0]
    expected = -math.log(h[0] * math.sqrt(2 * math.pi)) - math.log(norm.cdf(5) - norm.cdf(-5))
    assert value == pytest.approx(expected, rel=1e-12)


def test_bin_masses_of_a_partition_sum_to_one() -> None:
    edges = np.array([0.0, 0.1, 0.35, 0.4, 0.8, 1.0])
    centers = np.array([0.05, 0.6, 1.0])
    widths = np.array([0.02, 0.3, 0.1])
    log_norm = truncated_gaussian_log_norm(centers, widths)
    mass = np.exp(truncated_gaussian_log_bin_mass(edges[:-1], edges[1:], centers, widths, log_norm))
    np.testing.assert_allclose(mass.sum(axis=0), 1.0, rtol=1e-12)


def test_truncated_samples_stay_inside_and_follow_the_kernel() -> None:
    rng = np.random.default_rng(0)
    n = 200_000
    x = truncated_gaussian_sample(np.full(n, 0.9), np.full(n, 0.2), rng)
    assert x.min() >= 0.0 and x.max() <= 1.0
    # P(X > 0.9) for N(0.9, 0.2) truncated to [0, 1]: (Phi(0.5) - 0.5) / (Phi(0.5) - Phi(-4.5)).
    expected = (norm.cdf(0.5) - 0.5) / (norm.cdf(0.5) - norm.cdf(-4.5))
    # Binomial standard error at n=200k is about 0.001; 0.005 is five of them.
    assert np.mean(x > 0.9) == pytest.approx(expected, abs=0.005)


def test_categorical_kernel_is_a_distribution_with_the_stated_own_mass() -> None:
    log_k = categorical_log_kernel(np.arange(4), np.array([2]), spread=0.4, n_choices=4)
    probs = np.exp(log_k[:, 0])
    np.testing.assert_allclose(probs, [0.1, 0.1, 0.7, 0.1])
    assert probs.sum() == pytest.approx(1.0)


def test_categorical_kernel_without_spread_is_a_point_mass() -> None:
    log_k = categorical_log_kernel(np.array([0, 1]), np.array([1]), spread=0.0, n_choices=3)
    assert log_k[0, 0] == -np.inf and log_k[1, 0] == 0.0
