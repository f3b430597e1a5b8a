"""Known answers for the Matérn-5/2 ARD kernel and its distances."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hypersense.samplers.gp.kernels import (
    KernelParams,
    kernel_matrix,
    matern52,
    matern52_derivative,
    pairwise_deltas,
    scaled_sq_distances,
)


def test_matern52_closed_form_at_known_distances() -> None:
    r = np.array([0.0, 0.5, 1.0, 2.0])
    expected = [(1 + math.sqrt(5) * d + 5 * d * d / 3) * math.exp(-math.sqrt(5) * d) for d in r]
    np.testing.assert_allclose(matern52(r**2), expected, rtol=1e-14)
    assert matern52(np.array([0.0]))[0] == 1.0


def test_matern52_derivative_matches_finite_differences_and_is_finite_at_zero() -> None:
    t = np.array([1e-3, 0.1, 1.0, 7.0])
    h = 1e-7
    numeric = (matern52(t + h) - matern52(t - h)) / (2 * h)
    np.testing.assert_allclose(matern52_derivative(t), numeric, rtol=1e-6)
    assert matern52_derivative(np.array([0.0]))[0] == pytest.approx(-5 / 6)


def test_scaled_sq_distances_match_the_definition_with_categoricals() -> None:
    rng = np.random.default_rng(0)
    is_cat = np.array([False, True, False])
    x1 = np.column_stack([rng.random(4), rng.integers(3, size=4), rng.random(4)])
    x2 = np.column_stack([rng.random(5), rng.integers(3, size=5), rng.random(5)])
    rho = np.array([2.0, 0.7, 5.0])
    expected = np.zeros((4, 5))
    for a in range(4):
        for b in range(5):
            expected[a, b] = (
                rho[0] * (x1[a, 0] - x2[b, 0]) ** 2
                + rho[1] * float(x1[a, 1] != x2[b, 1])
                + rho[2] * (x1[a, 2] - x2[b, 2]) ** 2
            )
    np.testing.assert_allclose(scaled_sq_distances(x1, x2, rho, is_cat), expected, atol=1e-14)


def test_pairwise_deltas_contract_to_scaled_distances() -> None:
    rng = np.random.default_rng(1)
    is_cat = np.array([True, False])
    x = np.column_stack([rng.integers(4, size=6), rng.random(6)])
    rho = np.array([1.5, 3.0])
    t = np.tensordot(rho, pairwise_deltas(x, is_cat), axes=1)
    np.testing.assert_allclose(t, scaled_sq_distances(x, x, rho, is_cat), atol=1e-14)


def test_kernel_matrix_is_signal_variance_on_the_diagonal_and_symmetric() -> None:
    rng = np.random.default_rng(2)
    x = rng.random((7, 3))
    params = KernelParams(lengthscales=np.array([0.2, 0.5, 1.0]), signal_var=2.5, noise_var=1e-6)
    k = kernel_matrix(x, x, params, np.zeros(3, dtype=bool))
    np.testing.assert_allclose(np.diag(k), 2.5, rtol=1e-12)
    np.testing.assert_allclose(k, k.T, atol=1e-15)
    assert np.all(np.linalg.eigvalsh(k) > -1e-10)
