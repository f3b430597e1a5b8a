"""Known answers for the Matérn-5/2 correlation and both ARD kernel shapes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hypersense.gp.kernels import (
    KernelParams,
    column_distances,
    factor_matrix,
    kernel_matrix,
    matern52,
    matern52_sq,
    matern52_sq_derivative,
    pairwise_deltas,
    product_kernel_log_derivatives,
    product_kernel_matrix,
    scaled_sq_distances,
)


def _matern_direct(r: float) -> float:
    return (1 + math.sqrt(5) * r + 5 * r * r / 3) * math.exp(-math.sqrt(5) * r)


def _mixed_points(rng: np.random.Generator, n: int) -> np.ndarray:
    """Columns: numeric, category code, numeric."""
    return np.column_stack([rng.random(n), rng.integers(3, size=n), rng.random(n)])


IS_CAT = np.array([False, True, False])


def test_matern52_closed_form_at_known_distances() -> None:
    r = np.array([0.0, 0.5, 1.0, 2.0])
    expected = [_matern_direct(d) for d in r]
    np.testing.assert_allclose(matern52(r), expected, rtol=1e-14)
    np.testing.assert_allclose(matern52_sq(r**2), expected, rtol=1e-14)
    assert matern52_sq(np.array([0.0]))[0] == 1.0


def test_matern_is_one_at_zero_and_decreasing() -> None:
    r = np.linspace(0.0, 5.0, 50)
    m = matern52(r)
    assert m[0] == 1.0 and np.all(np.diff(m) < 0)


def test_matern52_derivative_matches_finite_differences_and_is_finite_at_zero() -> None:
    t = np.array([1e-3, 0.1, 1.0, 7.0])
    h = 1e-7
    numeric = (matern52_sq(t + h) - matern52_sq(t - h)) / (2 * h)
    np.testing.assert_allclose(matern52_sq_derivative(t), numeric, rtol=1e-6)
    assert matern52_sq_derivative(np.array([0.0]))[0] == pytest.approx(-5 / 6)


def test_scaled_sq_distances_match_the_definition_with_categoricals() -> None:
    rng = np.random.default_rng(0)
    x1, x2 = _mixed_points(rng, 4), _mixed_points(rng, 5)
    rho = np.array([2.0, 0.7, 5.0])
    expected = np.zeros((4, 5))
    for a in range(4):
        for b in range(5):
            expected[a, b] = (
                rho[0] * (x1[a, 0] - x2[b, 0]) ** 2
                + rho[1] * float(x1[a, 1] != x2[b, 1])
                + rho[2] * (x1[a, 2] - x2[b, 2]) ** 2
            )
    np.testing.assert_allclose(scaled_sq_distances(x1, x2, rho, IS_CAT), expected, atol=1e-14)


def test_pairwise_deltas_contract_to_scaled_distances() -> None:
    rng = np.random.default_rng(1)
    is_cat = np.array([True, False])
    x = np.column_stack([rng.integers(4, size=6), rng.random(6)])
    rho = np.array([1.5, 3.0])
    t = np.tensordot(rho, pairwise_deltas(x, is_cat), axes=1)
    np.testing.assert_allclose(t, scaled_sq_distances(x, x, rho, is_cat), atol=1e-14)


def test_kernel_matrix_is_the_matern_of_the_scaled_distance() -> None:
    rng = np.random.default_rng(5)
    x1, x2 = _mixed_points(rng, 3), _mixed_points(rng, 4)
    params = KernelParams(np.array([0.3, 0.8, 1.5]), signal_var=1.7, noise_var=0.0)
    expected = np.zeros((3, 4))
    for a in range(3):
        for b in range(4):
            t = sum(
                (float(x1[a, j] != x2[b, j]) if IS_CAT[j] else (x1[a, j] - x2[b, j]) ** 2)
                / params.lengthscales[j] ** 2
                for j in range(3)
            )
            expected[a, b] = 1.7 * _matern_direct(math.sqrt(t))
    np.testing.assert_allclose(kernel_matrix(x1, x2, params, IS_CAT), expected, rtol=1e-12)


def test_kernel_matrix_is_signal_variance_on_the_diagonal_and_symmetric() -> None:
    rng = np.random.default_rng(2)
    x = rng.random((7, 3))
    params = KernelParams(lengthscales=np.array([0.2, 0.5, 1.0]), signal_var=2.5, noise_var=1e-6)
    k = kernel_matrix(x, x, params, np.zeros(3, dtype=bool))
    np.testing.assert_allclose(np.diag(k), 2.5, rtol=1e-12)
    np.testing.assert_allclose(k, k.T, atol=1e-15)
    assert np.all(np.linalg.eigvalsh(k) > -1e-10)


def test_product_kernel_is_the_product_of_one_dimensional_matern_factors() -> None:
    rng = np.random.default_rng(3)
    x1, x2 = _mixed_points(rng, 3), _mixed_points(rng, 4)
    params = KernelParams(np.array([0.3, 0.8, 1.5]), signal_var=1.7, noise_var=0.0)
    expected = np.full((3, 4), 1.7)
    for a in range(3):
        for b in range(4):
            for j in range(3):
                diff = abs(x1[a, j] - x2[b, j])
                r = (float(diff > 0) if IS_CAT[j] else diff) / params.lengthscales[j]
                expected[a, b] *= _matern_direct(r)
    np.testing.assert_allclose(product_kernel_matrix(x1, x2, params, IS_CAT), expected, rtol=1e-12)
    factors = [
        factor_matrix(x1[:, j], x2[:, j], float(params.lengthscales[j]), bool(IS_CAT[j]))
        for j in range(3)
    ]
    np.testing.assert_allclose(1.7 * np.prod(factors, axis=0), expected, rtol=1e-12)


def test_column_distances_are_absolute_or_hamming() -> None:
    rng = np.random.default_rng(4)
    x1, x2 = _mixed_points(rng, 3), _mixed_points(rng, 2)
    d = column_distances(x1, x2, IS_CAT)
    assert d.shape == (3, 3, 2)
    np.testing.assert_allclose(d[0], np.abs(x1[:, 0, None] - x2[None, :, 0]))
    np.testing.assert_array_equal(d[1], (x1[:, 1, None] != x2[None, :, 1]).astype(float))


def test_product_log_derivatives_match_finite_differences_in_log_lengthscale() -> None:
    rng = np.random.default_rng(6)
    x = _mixed_points(rng, 5)
    distances = column_distances(x, x, IS_CAT)
    log_ls = np.log(np.array([0.4, 0.9, 0.6]))

    def log_product(log_l: np.ndarray) -> np.ndarray:
        product, _ = product_kernel_log_derivatives(distances / np.exp(log_l)[:, None, None])
        return np.log(product)

    product, log_derivatives = product_kernel_log_derivatives(
        distances / np.exp(log_ls)[:, None, None]
    )
    params = KernelParams(np.exp(log_ls), signal_var=1.0, noise_var=0.0)
    np.testing.assert_allclose(product, product_kernel_matrix(x, x, params, IS_CAT), rtol=1e-12)
    h = 1e-6
    for j in range(3):
        step = np.zeros(3)
        step[j] = h
        numeric = (log_product(log_ls + step) - log_product(log_ls - step)) / (2 * h)
        np.testing.assert_allclose(log_derivatives[j], numeric, rtol=1e-6, atol=1e-9)
