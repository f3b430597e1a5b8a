"""Log expected improvement: exact where EI is representable, finite in the tail."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import scipy.stats

from hypersense.gp.kernels import KernelParams
from hypersense.samplers.gp.acquisition import (
    LogExpectedImprovement,
    log_ei,
    log_h,
    log_h_derivative,
)
from hypersense.samplers.gp.model import GPPosterior

mpmath.mp.dps = 60


def _log_h_exact(z: float) -> float:
    zm = mpmath.mpf(z)
    h = zm * mpmath.ncdf(zm) + mpmath.npdf(zm)
    return float(mpmath.log(h))


def _dlog_h_exact(z: float) -> float:
    zm = mpmath.mpf(z)
    return float(mpmath.ncdf(zm) / (zm * mpmath.ncdf(zm) + mpmath.npdf(zm)))


def test_log_h_equals_log_of_h_where_h_is_representable() -> None:
    z = np.linspace(-30.0, 30.0, 241)
    h = z * scipy.stats.norm.cdf(z) + scipy.stats.norm.pdf(z)
    assert np.all(h > 0)
    np.testing.assert_allclose(log_h(z), np.log(h), rtol=1e-9)


def test_log_h_matches_high_precision_values_across_all_regimes() -> None:
    z = np.array([5.0, 0.0, -0.999, -1.0, -1.001, -7.5, -40.0, -99.9, -100.1, -1e3, -1e6, -1e9])
    expected = np.array([_log_h_exact(v) for v in z])
    np.testing.assert_allclose(log_h(z), expected, rtol=1e-11)


def test_log_h_stays_finite_and_monotone_far_in_the_tail() -> None:
    z = -np.logspace(0, 100, 200)
    values = log_h(z)
    assert np.all(np.isfinite(values))
    assert np.all(np.diff(values) < 0)
    # Leading asymptotic term: -z^2/2 - log(sqrt(2 pi)) - 2 log|z|.
    far = -1e100
    assert math.isclose(
        log_h(np.array([far]))[0],
        -0.5 * far * far - 0.5 * math.log(2 * math.pi) - 2 * math.log(1e100),
    )


def test_log_h_derivative_matches_high_precision_values() -> None:
    z = np.array([3.0, 0.0, -1.0, -2.0, -30.0, -100.0, -150.0, -1e4, -1e8])
    expected = np.array([_dlog_h_exact(v) for v in z])
    np.testing.assert_allclose(log_h_derivative(z), expected, rtol=1e-9)


def test_log_ei_equals_log_of_closed_form_ei_and_its_partials_are_right() -> None:
    mean = np.array([0.0, 1.0, -0.5, 3.0])
    var = np.array([1.0, 0.25, 2.0, 0.01])
    best = 0.2
    sigma = np.sqrt(var)
    z = (best - mean) / sigma
    ei = sigma * (z * scipy.stats.norm.cdf(z) + scipy.stats.norm.pdf(z))
    value, d_mean, d_var = log_ei(mean, var, best)
    np.testing.assert_allclose(value, np.log(ei), rtol=1e-10)
    h = 1e-6
    np.testing.assert_allclose(
        d_mean,
        (log_ei(mean + h, var, best)[0] - log_ei(mean - h, var, best)[0]) / (2 * h),
        rtol=1e-5,
    )
    np.testing.assert_allclose(
        d_var,
        (log_ei(mean, var + h, best)[0] - log_ei(mean, var - h, best)[0]) / (2 * h),
        rtol=1e-5,
    )


def test_acquisition_gradient_matches_finite_differences_even_in_the_tail() -> None:
    rng = np.random.default_rng(0)
    x = rng.random((12, 2))
    y = np.sum((x - 0.3) ** 2, axis=1)
    params = KernelParams(lengthscales=np.array([0.2, 0.3]), signal_var=1.0, noise_var=1e-6)
    posterior = GPPosterior(x, (y - y.mean()) / y.std(), params, np.zeros(2, dtype=bool))
    acq = LogExpectedImprovement(posterior, best=-3.0)  # far below the data: deep tail
    at = np.array([[0.9, 0.9], [0.31, 0.29], [0.6, 0.1]])
    value, grad = acq.value_and_grad(at)
    assert np.all(np.isfinite(value)) and value.min() < -20
    h = 1e-6
    for j in range(2):
        step = np.zeros(2)
        step[j] = h
        numeric = (acq(at + step) - acq(at - step)) / (2 * h)
        np.testing.assert_allclose(grad[:, j], numeric, rtol=1e-4, atol=1e-6)
