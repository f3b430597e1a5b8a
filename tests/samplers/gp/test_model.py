"""The GP posterior: closed-form cases, a 1-D function, gradients, fantasies, the prior mean."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hypersense.gp.kernels import KernelParams, kernel_matrix, matern52_sq
from hypersense.gp.linalg import gls_constant_mean
from hypersense.samplers.gp.fitting import fit_kernel_params
from hypersense.samplers.gp.model import GPPosterior

NUMERIC_1D = np.array([False])


def _params(ls: list[float], signal: float = 1.0, noise: float = 1e-6) -> KernelParams:
    return KernelParams(lengthscales=np.array(ls), signal_var=signal, noise_var=noise)


def test_single_observation_posterior_is_the_closed_form() -> None:
    params = _params([0.5], signal=2.0, noise=0.1)
    gp = GPPosterior(np.array([[0.3]]), np.array([1.5]), params, NUMERIC_1D)
    x = np.array([[0.3], [0.6], [0.9]])
    k = 2.0 * matern52_sq(((x[:, 0] - 0.3) / 0.5) ** 2)
    mean, var = gp.mean_var(x)
    np.testing.assert_allclose(mean, k * 1.5 / 2.1, rtol=1e-12)
    np.testing.assert_allclose(var, 2.0 - k * k / 2.1, rtol=1e-12)


def test_posterior_of_a_smooth_1d_function_recovers_it() -> None:
    def f(x: np.ndarray) -> np.ndarray:
        return np.sin(2 * math.pi * x) + x

    x_train = np.linspace(0, 1, 15)[:, None]
    y = f(x_train[:, 0])
    params = fit_kernel_params(
        x_train, y, NUMERIC_1D, rng=np.random.default_rng(0), fit_noise=False
    ).params
    gp = GPPosterior(x_train, y, params, NUMERIC_1D)
    x_test = np.linspace(0.02, 0.98, 49)[:, None]
    mean, var = gp.mean_var(x_test)
    np.testing.assert_allclose(mean, f(x_test[:, 0]), atol=0.02)
    _, var_train = gp.mean_var(x_train)
    assert np.all(var_train < 1e-4)
    # Uncertainty grows outside the data.
    assert gp.mean_var(np.array([[1.3]]))[1][0] > 10 * var.max()


def test_mean_and_variance_gradients_match_finite_differences() -> None:
    rng = np.random.default_rng(3)
    is_cat = np.array([False, True, False])
    x = np.column_stack([rng.random(10), rng.integers(2, size=10), rng.random(10)])
    y = rng.standard_normal(10)
    gp = GPPosterior(x, y, _params([0.4, 1.0, 0.7], noise=1e-3), is_cat)
    at = np.array([[0.2, 1.0, 0.5], [0.9, 0.0, 0.1]])
    _, _, d_mean, d_var = gp.mean_var_grad(at)
    h = 1e-6
    for j in (0, 2):
        step = np.zeros(3)
        step[j] = h
        m1, v1 = gp.mean_var(at + step)
        m0, v0 = gp.mean_var(at - step)
        np.testing.assert_allclose(d_mean[:, j], (m1 - m0) / (2 * h), rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(d_var[:, j], (v1 - v0) / (2 * h), rtol=1e-5, atol=1e-7)
    np.testing.assert_array_equal(d_mean[:, 1], 0.0)
    mean, var, _, _ = gp.mean_var_grad(at)
    np.testing.assert_allclose((mean, var), gp.mean_var(at), rtol=1e-12)


def test_fantasies_keep_the_mean_and_shrink_the_variance_at_pending_points() -> None:
    rng = np.random.default_rng(4)
    x = rng.random((8, 2))
    y = rng.standard_normal(8)
    params = _params([0.3, 0.3], noise=1e-4)
    gp = GPPosterior(x, y, params, np.zeros(2, dtype=bool))
    pending = np.array([[0.5, 0.5], [0.1, 0.9]])
    believer = gp.with_fantasies(pending)
    probe = rng.random((20, 2))
    np.testing.assert_allclose(believer.mean_var(probe)[0], gp.mean_var(probe)[0], atol=1e-8)
    assert np.all(believer.mean_var(probe)[1] <= gp.mean_var(probe)[1] + 1e-12)
    assert np.all(believer.mean_var(pending)[1] < 2e-4)
    # The block-updated factor equals a factorisation from scratch.
    scratch = GPPosterior(
        np.vstack([x, pending]),
        np.concatenate([y, gp.mean_var(pending)[0]]),
        params,
        np.zeros(2, dtype=bool),
    )
    np.testing.assert_allclose(believer.mean_var(probe), scratch.mean_var(probe), atol=1e-9)


def test_far_from_the_data_the_mean_reverts_to_the_prior_mean() -> None:
    rng = np.random.default_rng(6)
    x, y = rng.random((6, 2)) * 0.2, rng.standard_normal(6)
    params = _params([0.05, 0.05], noise=1e-6)
    numeric = np.zeros(2, dtype=bool)
    shifted = GPPosterior(x, y, params, numeric, prior_mean=2.5)
    far = np.array([[1.0, 1.0], [0.9, 0.0]])
    np.testing.assert_allclose(shifted.mean_var(far)[0], 2.5, atol=1e-9)
    np.testing.assert_allclose(shifted.mean_var(x)[0], y, atol=1e-4)  # still interpolates
    # The variance does not depend on the mean; the mean's gradient is that of
    # the zero-mean posterior of y - 2.5.
    centred = GPPosterior(x, y - 2.5, params, numeric)
    at = rng.random((5, 2))
    np.testing.assert_allclose(shifted.mean_var(at)[1], centred.mean_var(at)[1], rtol=1e-12)
    got, want = shifted.mean_var_grad(at), centred.mean_var_grad(at)
    np.testing.assert_allclose(got[0], want[0] + 2.5, rtol=1e-12)
    np.testing.assert_allclose(got[2], want[2], rtol=1e-12)
    # Fantasies keep it: far away the believer's mean is still the prior mean.
    believer = shifted.with_fantasies(np.array([[0.5, 0.5]]))
    assert believer.prior_mean == 2.5
    np.testing.assert_allclose(believer.mean_var(far)[0], 2.5, atol=1e-9)


def test_the_estimated_mean_is_the_gls_estimate_not_the_average() -> None:
    # A search's typical data: a tight cluster of good (low) losses and a few
    # spread-out bad ones. The average is pulled down by the cluster; the GLS
    # estimate counts the cluster about once.
    rng = np.random.default_rng(7)
    cluster = 0.5 + 0.01 * rng.standard_normal((12, 2))
    spread = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    x = np.vstack([cluster, spread])
    y = np.concatenate([np.full(12, -1.0), np.full(4, 2.0)])
    params = _params([0.2, 0.2], noise=1e-4)
    numeric = np.zeros(2, dtype=bool)
    gp = GPPosterior.with_estimated_mean(x, y, params, numeric)
    k = kernel_matrix(x, x, params, numeric) + 1e-4 * np.eye(16)
    ones = np.ones(16)
    gls = ones @ np.linalg.solve(k, y) / (ones @ np.linalg.solve(k, ones))
    assert gp.prior_mean == pytest.approx(gls, rel=1e-9)
    assert gp.prior_mean > 1.0 > float(np.mean(y))  # the average is -0.25
    # An unexplored point looks like the function's typical level, not like
    # the average of the search's samples.
    assert gp.mean_var(np.array([[0.5, 0.0]]))[0][0] > 1.0


def test_the_estimated_mean_never_falls_below_the_lowest_loss() -> None:
    # A noisy line modelled as noise-free with a long length scale: the GLS
    # weights grow large with both signs and the estimate lands at -3.3, far
    # below every observation, where every unexplored point would look better
    # than the best trial. It is raised to the lowest loss.
    x = np.linspace(0.0, 1.0, 8)[:, None]
    y = x[:, 0] + 0.1 * np.random.default_rng(6).standard_normal(8)
    params = _params([2.0], noise=1e-6)
    gp = GPPosterior.with_estimated_mean(x, y, params, NUMERIC_1D)
    k = kernel_matrix(x, x, params, NUMERIC_1D) + 1e-6 * np.eye(8)
    assert gls_constant_mean(np.linalg.cholesky(k), y) < float(np.min(y)) - 3.0
    assert gp.prior_mean == float(np.min(y))
    # Above the range is kept: on a bowl the level away from the data is higher
    # than any loss seen.
    bowl_x = np.linspace(0.3, 0.7, 9)[:, None]
    bowl_y = (bowl_x[:, 0] - 0.5) ** 2 * 100.0
    bowl = GPPosterior.with_estimated_mean(bowl_x, bowl_y, _params([0.5]), NUMERIC_1D)
    assert bowl.prior_mean > float(np.max(bowl_y))
