"""Cholesky with jitter and its failure policy; solves and posterior moments."""

from __future__ import annotations

import numpy as np
import pytest

from hypersense.gp.kernels import KernelParams, kernel_matrix
from hypersense.gp.linalg import (
    JITTERS,
    cho_solve,
    cholesky_with_jitter,
    extend_cholesky,
    gls_constant_mean,
    inverse_from_cholesky,
    posterior_covariance,
    posterior_mean_var,
    solve_lower,
    solve_lower_transpose,
)


def _spd(n: int, seed: int) -> np.ndarray:
    a = np.random.default_rng(seed).standard_normal((n, n))
    return a @ a.T + n * np.eye(n)


def test_a_positive_definite_matrix_gets_its_exact_factor() -> None:
    k = _spd(6, 0)
    np.testing.assert_array_equal(cholesky_with_jitter(k), np.linalg.cholesky(k))


def test_stable_cholesky_handles_a_singular_matrix() -> None:
    v = np.ones((4, 1))
    chol = cholesky_with_jitter(v @ v.T)
    assert np.allclose(chol @ chol.T, v @ v.T, atol=1e-5)


def test_the_smallest_sufficient_jitter_is_used() -> None:
    v = np.ones((4, 1))
    chol = cholesky_with_jitter(v @ v.T)  # mean diagonal 1: jitter is absolute here
    added = np.diag(chol @ chol.T) - 1.0
    assert JITTERS[1] * 0.5 < added.mean() < JITTERS[1] * 2


def test_an_indefinite_matrix_raises_after_the_largest_jitter() -> None:
    with pytest.raises(np.linalg.LinAlgError, match="not positive definite"):
        cholesky_with_jitter(np.diag([1.0, -1.0]))
    # Negative beyond what the largest jitter (1e-4 x the mean diagonal) can repair.
    with pytest.raises(np.linalg.LinAlgError):
        cholesky_with_jitter(np.array([[1.0, 1.0], [1.0, 1.0 - 1e-3]]))


def test_inverse_from_cholesky_is_the_inverse_and_a_singular_factor_raises() -> None:
    k = _spd(5, 1)
    np.testing.assert_allclose(
        inverse_from_cholesky(np.linalg.cholesky(k)), np.linalg.inv(k), rtol=1e-10, atol=1e-14
    )
    singular = np.linalg.cholesky(k)
    singular[2, 2] = 0.0
    with pytest.raises(np.linalg.LinAlgError, match="singular"):
        inverse_from_cholesky(singular)


def test_solves_agree_with_a_dense_solve() -> None:
    k = _spd(5, 2)
    chol = np.linalg.cholesky(k)
    b = np.random.default_rng(3).standard_normal((5, 2))
    np.testing.assert_allclose(solve_lower(chol, b), np.linalg.solve(chol, b), rtol=1e-10)
    np.testing.assert_allclose(solve_lower_transpose(chol, b), np.linalg.solve(chol.T, b))
    np.testing.assert_allclose(cho_solve(chol, b), np.linalg.solve(k, b), rtol=1e-10)
    np.testing.assert_allclose(
        solve_lower_transpose(chol, solve_lower(chol, b)), cho_solve(chol, b), rtol=1e-10
    )


def test_extended_factor_equals_a_factorisation_from_scratch() -> None:
    k = _spd(7, 4)
    chol = extend_cholesky(np.linalg.cholesky(k[:5, :5]), k[5:, :5], k[5:, 5:])
    np.testing.assert_allclose(chol, np.linalg.cholesky(k), atol=1e-12)


def test_posterior_moments_match_the_textbook_formulas() -> None:
    rng = np.random.default_rng(5)
    params = KernelParams(np.array([0.3, 0.6]), signal_var=1.4, noise_var=0.01)
    numeric = np.zeros(2, dtype=bool)
    x, at = rng.random((8, 2)), rng.random((4, 2))
    y = rng.standard_normal(8)
    k = kernel_matrix(x, x, params, numeric) + 0.01 * np.eye(8)
    k_cross = kernel_matrix(at, x, params, numeric)
    k_at = kernel_matrix(at, at, params, numeric)
    chol = np.linalg.cholesky(k)
    mean, var, v = posterior_mean_var(k_cross, chol, np.linalg.solve(k, y), 1.4)
    cov = k_at - k_cross @ np.linalg.solve(k, k_cross.T)
    np.testing.assert_allclose(mean, k_cross @ np.linalg.solve(k, y), rtol=1e-10)
    np.testing.assert_allclose(var, np.diag(cov), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(v, np.linalg.solve(chol, k_cross.T), rtol=1e-10)
    got = posterior_covariance(k_cross, k_at, chol)
    np.testing.assert_allclose(got, cov, rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(got, got.T)


def test_gls_mean_counts_a_cluster_of_correlated_observations_about_once() -> None:
    # Two observations with correlation r and one independent: K^-1 1 weighs
    # each of the pair 1 / (1 + r) and the lone one 1 (a hand computation).
    r, y = 0.98, np.array([0.0, 0.0, 3.0])
    k = np.array([[1.0, r, 0.0], [r, 1.0, 0.0], [0.0, 0.0, 1.0]])
    expected = 3.0 / (2.0 / (1.0 + r) + 1.0)
    assert gls_constant_mean(np.linalg.cholesky(k), y) == pytest.approx(expected, rel=1e-12)
    assert expected > 1.45  # the plain average is 1.0
    # Uncorrelated observations: the plain average.
    assert gls_constant_mean(np.eye(3), y) == pytest.approx(1.0, rel=1e-12)
