"""Output standardisation and the power warp of heavy-tailed losses."""

from __future__ import annotations

import numpy as np

from hypersense.samplers.gp.warping import fit_output_warp, is_heavy_tailed


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


def _yeo_johnson(z: np.ndarray, lam: float) -> np.ndarray:
    """The transform by its definition (Yeo & Johnson, 2000), for lam < 2 and z >= 0."""
    assert lam < 2 and np.all(z >= 0)
    return np.log1p(z) if lam == 0 else ((1 + z) ** lam - 1) / lam


def test_the_exponent_maximises_the_profile_likelihood_on_the_grid() -> None:
    y = np.exp(np.random.default_rng(4).normal(0.0, 2.0, size=50))
    warp = fit_output_warp(y)
    assert warp.yeo_johnson_lambda is not None
    z = (y - warp.shift) / warp.scale

    def profile(lam: float) -> float:
        jacobian = (lam - 1) * np.sum(np.sign(z) * np.log1p(np.abs(z)))
        return -0.5 * len(z) * np.log(np.var(_yeo_johnson(z, lam))) + jacobian

    best = max(np.linspace(-2.0, 1.0, 13), key=profile)
    assert warp.yeo_johnson_lambda == best
    # The warp is the standardised transform with that exponent.
    expected = _yeo_johnson(z, best)
    np.testing.assert_allclose(
        warp(y), (expected - expected.mean()) / expected.std(), rtol=1e-9, atol=1e-12
    )
