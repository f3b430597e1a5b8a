"""Output standardisation and the power warp of heavy-tailed losses."""

from __future__ import annotations

import numpy as np

from hypersense.samplers.gp.warping import fit_output_warp, is_heavy_tailed, yeo_johnson


def test_light_tailed_losses_are_only_standardised() -> None:
    y = np.random.default_rng(0).normal(5.0, 2.0, size=60)
    warp = fit_output_warp(y)
    assert warp.yeo_johnson_lambda is None
    z = warp(y)
    assert abs(z.mean()) < 1e-12 and abs(z.std() - 1) < 1e-12
    np.testing.assert_allclose(z, (y - y.mean()) / y.std())


def test_heavy_tailed_losses_are_warped_monotonically_towards_gaussian() -> None:
    rng = np.random.default_rng(1)
    y = np.exp(rng.normal(0.0, 2.0, size=60))  # log-normal: a long right tail
    warp = fit_output_warp(y)
    assert warp.yeo_johnson_lambda is not None and warp.yeo_johnson_lambda < 1
    z = warp(y)
    np.testing.assert_array_equal(np.argsort(z), np.argsort(y))
    assert abs(z.mean()) < 1e-9 and abs(z.std() - 1) < 1e-9
    assert not is_heavy_tailed(z)
    # Values between the observed ones land between their images.
    probe = np.sort(rng.uniform(y.min(), y.max(), size=50))
    assert np.all(np.diff(warp(probe)) >= 0)


def test_warp_can_be_disabled_and_constant_losses_do_not_break_it() -> None:
    y = np.exp(np.random.default_rng(2).normal(0.0, 2.0, size=30))
    assert fit_output_warp(y, allow_power=False).yeo_johnson_lambda is None
    flat = fit_output_warp(np.full(10, 3.0))
    np.testing.assert_array_equal(flat(np.full(10, 3.0)), 0.0)


def test_a_single_far_outlier_counts_as_heavy_tailed() -> None:
    z = np.concatenate([np.linspace(-1, 1, 30), [40.0]])
    assert is_heavy_tailed((z - z.mean()) / z.std())


def test_log_jacobian_matches_numerical_derivatives() -> None:
    y = np.exp(np.random.default_rng(3).normal(0.0, 1.5, size=40))
    for warp in (fit_output_warp(y), fit_output_warp(y, allow_power=False)):
        h = 1e-6 * np.maximum(1.0, np.abs(y))
        slope = (warp(y + h) - warp(y - h)) / (2 * h)
        np.testing.assert_allclose(warp.log_jacobian(y), np.sum(np.log(slope)), rtol=1e-6)


def test_yeo_johnson_matches_scipy_at_every_exponent_and_is_identity_at_one() -> None:
    import scipy.stats

    z = np.linspace(-4.0, 6.0, 41)
    for lam in (-2.0, -0.75, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5):
        np.testing.assert_allclose(
            yeo_johnson(z, lam), scipy.stats.yeojohnson(z, lmbda=lam), rtol=1e-12
        )
    np.testing.assert_allclose(yeo_johnson(z, 1.0), z, atol=1e-15)
