"""The GP sampler's MAP objective: its gradient, and the priors' dependence on d."""

from __future__ import annotations

import math

import numpy as np

from hypersense.gp.kernels import pairwise_deltas
from hypersense.samplers.gp.priors import HyperPrior, negative_log_posterior


def _data(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    is_cat = np.array([False, False, True])
    x = np.column_stack([rng.random(12), rng.random(12), rng.integers(3, size=12)])
    y = np.sin(6 * x[:, 0]) + x[:, 1] ** 2 + 0.3 * x[:, 2] + 0.05 * rng.standard_normal(12)
    return x, (y - y.mean()) / y.std(), is_cat


def test_negative_log_posterior_gradient_matches_finite_differences() -> None:
    x, y, is_cat = _data(1)
    deltas = pairwise_deltas(x, is_cat)
    for fit_noise in (True, False):
        locs, scales = HyperPrior().locs_scales(3, fit_noise=fit_noise)
        theta = np.array([-1.0, 0.2, 0.4, 0.1, -3.0][: len(locs)])
        value, grad = negative_log_posterior(theta, deltas, y, locs, scales, 1e-6)
        h = 1e-6
        numeric = np.array(
            [
                (
                    negative_log_posterior(theta + h * e, deltas, y, locs, scales, 1e-6)[0]
                    - negative_log_posterior(theta - h * e, deltas, y, locs, scales, 1e-6)[0]
                )
                / (2 * h)
                for e in np.eye(len(theta))
            ]
        )
        np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-6)
        assert np.isfinite(value)


def test_prior_median_length_scale_grows_with_sqrt_of_dimension() -> None:
    prior = HyperPrior()
    loc1, _ = prior.locs_scales(1, fit_noise=True)
    loc16, _ = prior.locs_scales(16, fit_noise=True)
    assert math.isclose(loc16[0] - loc1[0], 0.5 * math.log(16))
    assert len(loc16) == 16 + 2
    assert len(prior.locs_scales(16, fit_noise=False)[0]) == 16 + 1
