"""Hyperparameter fitting and the choice of output warp by evidence."""

from __future__ import annotations

import numpy as np

from hypersense.samplers.gp.fitting import fit_kernel_params, fit_surrogate

NUMERIC_2D = np.zeros(2, dtype=bool)


def test_relevant_dimension_gets_the_shorter_length_scale() -> None:
    rng = np.random.default_rng(0)
    x = rng.random((40, 2))
    y = np.sin(6 * x[:, 0])  # the second input is irrelevant
    fit = fit_kernel_params(x, (y - y.mean()) / y.std(), NUMERIC_2D, rng=rng)
    assert fit.params.lengthscales[0] < 1.0 and fit.params.lengthscales[1] > 20.0
    assert fit.params.noise_var < 1e-2
    assert np.isfinite(fit.log_posterior)


def test_unstructured_outliers_are_warped_away() -> None:
    rng = np.random.default_rng(1)
    x = rng.random((40, 2))
    losses = (x[:, 0] - 0.3) ** 2 + (x[:, 1] - 0.6) ** 2
    diverged = rng.choice(40, size=5, replace=False)
    losses[diverged] = 1e3 * (1 + rng.random(5))  # runs that blew up, anywhere
    fit = fit_surrogate(x, losses, NUMERIC_2D, seed=np.random.SeedSequence(0))
    assert fit.power_warp


def test_gaussian_looking_losses_are_not_warped() -> None:
    rng = np.random.default_rng(2)
    x = rng.random((30, 2))
    losses = np.sin(3 * x[:, 0]) + np.cos(2 * x[:, 1])
    fit = fit_surrogate(x, losses, NUMERIC_2D, seed=np.random.SeedSequence(0))
    assert not fit.power_warp
