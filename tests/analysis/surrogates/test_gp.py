"""The product-Matérn GP: likelihood gradient, fit, posterior draws, decomposition."""

from __future__ import annotations

import numpy as np
import pytest

from hypersense.analysis.methods.decomposition import decompose
from hypersense.analysis.quadrature import composite_gauss_legendre
from hypersense.analysis.surrogates import GaussianProcessSurrogate, cross_validated_r2
from hypersense.analysis.surrogates.gp_fitting import negative_log_likelihood
from hypersense.gp.kernels import column_distances


def test_likelihood_gradient_matches_finite_differences() -> None:
    rng = np.random.default_rng(0)
    x = rng.random((25, 3))
    categorical = np.array([False, False, True])
    x[:, 2] = rng.integers(0, 3, 25) / 3 + 1 / 6
    z = np.sin(4 * x[:, 0]) + x[:, 2]
    z = (z - z.mean()) / z.std()
    distances = column_distances(x, x, categorical)
    theta = np.array([np.log(0.3), np.log(0.7), np.log(1.2), 0.2, np.log(0.05)])
    _, grad = negative_log_likelihood(theta, distances, z)
    step = 1e-6
    for i in range(theta.size):
        e = np.zeros_like(theta)
        e[i] = step
        numeric = (
            negative_log_likelihood(theta + e, distances, z)[0]
            - negative_log_likelihood(theta - e, distances, z)[0]
        ) / (2 * step)
        assert np.isclose(grad[i], numeric, rtol=1e-4, atol=1e-6), i


@pytest.fixture(scope="module")
def fitted():  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(1)
    x = rng.random((60, 2))
    y = np.sin(2 * np.pi * x[:, 0]) + 0.0 * x[:, 1]
    surrogate = GaussianProcessSurrogate(n_hyper_draws=2, n_extra_points=32)
    return surrogate.fit(x, y, np.zeros(2, dtype=bool), rng), x, y


def test_fit_learns_which_column_matters(fitted) -> None:  # type: ignore[no-untyped-def]
    model, x, y = fitted
    ls = model.hyperparameters.lengthscales
    assert ls[1] > 5 * ls[0]
    grid = np.random.default_rng(2).random((200, 2))
    assert np.max(np.abs(model.predict(grid) - np.sin(2 * np.pi * grid[:, 0]))) < 0.1
    assert cross_validated_r2(model, x, y, np.random.default_rng(3), n_folds=5) > 0.98


def test_draw_zero_is_the_posterior_mean_and_draws_vary(fitted) -> None:  # type: ignore[no-untyped-def]
    model, _, _ = fitted
    draws = model.draws(20, np.random.default_rng(4))
    assert draws.n_draws == 21
    points = np.random.default_rng(5).random((30, 2))
    values = draws.predict(points)
    assert np.allclose(values[0], model.predict(points))
    assert np.std(values[1:], axis=0).mean() > 0
    # The sine's variance over the unit square is 1/2, all of it from column 0.
    parts = decompose(draws.expansions([composite_gauss_legendre()] * 2), 21, pairs=True)
    assert abs(parts.variance[0] - 0.5) < 0.02
    assert parts.main[0, 0] / parts.variance[0] > 0.99


def test_options_are_validated() -> None:
    with pytest.raises(ValueError, match=r"`n_starts`.*0"):
        GaussianProcessSurrogate(n_starts=0)
    assert "n_hyper_draws=3" in repr(GaussianProcessSurrogate(n_hyper_draws=3))


def test_very_large_studies_condition_on_a_subset() -> None:
    rng = np.random.default_rng(6)
    x = rng.random((300, 1))
    y = x[:, 0] ** 2
    model = GaussianProcessSurrogate(max_trials=100, n_hyper_draws=0).fit(
        x, y, np.zeros(1, bool), rng
    )
    assert model.draws(2, rng).predict(x[:5]).shape == (3, 5)
    assert np.max(np.abs(model.predict(x) - y)) < 0.01
    with pytest.raises(ValueError, match=r"`max_trials`.*3"):
        GaussianProcessSurrogate(max_trials=3)
