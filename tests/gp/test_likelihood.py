"""The marginal likelihood against a direct Gaussian density, and its gradients."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
import scipy.stats

from hypersense.gp.kernels import (
    KernelParams,
    column_distances,
    kernel_matrix,
    pairwise_deltas,
    product_kernel_matrix,
)
from hypersense.gp.likelihood import (
    LikelihoodGradient,
    log_marginal_likelihood,
    product_log_marginal_likelihood,
    scaled_distance_log_marginal_likelihood,
)

Likelihood = Callable[[np.ndarray, np.ndarray, np.ndarray, float, float], LikelihoodGradient]


def _data(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    is_cat = np.array([False, False, True])
    x = np.column_stack([rng.random(12), rng.random(12), rng.integers(3, size=12)])
    y = np.sin(6 * x[:, 0]) + x[:, 1] ** 2 + 0.3 * x[:, 2] + 0.05 * rng.standard_normal(12)
    return x, (y - y.mean()) / y.std(), is_cat


def test_log_marginal_likelihood_equals_the_gaussian_log_density() -> None:
    x, y, is_cat = _data()
    ls = np.array([0.3, 0.8, 1.2])
    params = KernelParams(lengthscales=ls, signal_var=1.3, noise_var=0.01)
    cov = kernel_matrix(x, x, params, is_cat) + 0.01 * np.eye(len(y))
    expected = scipy.stats.multivariate_normal(np.zeros(len(y)), cov).logpdf(y)
    lml, *_ = scaled_distance_log_marginal_likelihood(pairwise_deltas(x, is_cat), y, ls, 1.3, 0.01)
    assert math.isclose(lml, expected, rel_tol=1e-10)
    value, _ = log_marginal_likelihood(cov, y)
    assert math.isclose(value, expected, rel_tol=1e-10)
    without, _ = log_marginal_likelihood(cov, y, with_constant=False)
    assert math.isclose(without - 0.5 * len(y) * math.log(2 * math.pi), expected, rel_tol=1e-10)


def test_product_likelihood_equals_the_gaussian_log_density() -> None:
    x, y, is_cat = _data(2)
    ls = np.array([0.4, 0.7, 2.0])
    params = KernelParams(lengthscales=ls, signal_var=0.8, noise_var=0.05)
    cov = product_kernel_matrix(x, x, params, is_cat) + 0.05 * np.eye(len(y))
    expected = scipy.stats.multivariate_normal(np.zeros(len(y)), cov).logpdf(y)
    got = product_log_marginal_likelihood(column_distances(x, x, is_cat), y, ls, 0.8, 0.05)
    assert math.isclose(got.value, expected, rel_tol=1e-10)


@pytest.mark.parametrize(
    ("likelihood", "distances"),
    [
        (scaled_distance_log_marginal_likelihood, pairwise_deltas),
        (product_log_marginal_likelihood, lambda x, c: column_distances(x, x, c)),
    ],
)
def test_gradients_match_finite_differences(
    likelihood: Likelihood, distances: Callable[[np.ndarray, np.ndarray], np.ndarray]
) -> None:
    x, y, is_cat = _data(1)
    dist = distances(x, is_cat)

    def value(theta: np.ndarray) -> float:
        # theta = [log l (3), log s2, noise_var]
        return likelihood(dist, y, np.exp(theta[:3]), math.exp(theta[3]), theta[4]).value

    theta = np.array([-1.0, 0.2, 0.4, 0.1, 0.03])
    got = likelihood(dist, y, np.exp(theta[:3]), math.exp(theta[3]), theta[4])
    grad = np.concatenate([got.d_log_lengthscales, [got.d_log_signal_var, got.d_noise_var]])
    h = 1e-6
    numeric = [(value(theta + h * e) - value(theta - h * e)) / (2 * h) for e in np.eye(5)]
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-6)


def test_a_covariance_that_is_not_positive_definite_raises() -> None:
    with pytest.raises(np.linalg.LinAlgError):
        log_marginal_likelihood(np.diag([1.0, -1.0]), np.array([0.5, 0.5]))
