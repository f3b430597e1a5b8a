"""Every curve family is a grid of finite, strictly decreasing shapes."""

from __future__ import annotations

import numpy as np
import pytest

from hypersense.pruners.curves import FAMILIES, log_basis


@pytest.mark.parametrize("name", sorted(FAMILIES))
@pytest.mark.parametrize("horizon", [10.0, 100.0, 5000.0])
def test_every_grid_point_decreases(name: str, horizon: float) -> None:
    x = np.concatenate([np.arange(1.0, 60.0), [horizon]])
    x = np.unique(x)
    log_g = log_basis(name, x, horizon)
    assert log_g.shape[1] == x.size and log_g.shape[0] >= 10
    assert np.all(np.isfinite(log_g))
    assert np.all(np.diff(log_g, axis=1) < 0)


def test_known_values() -> None:
    x = np.array([1.0, 4.0])
    assert np.allclose(log_basis("power", x, 10.0)[:, 1], -np.geomspace(0.05, 4.0, 20) * np.log(4))
    tau = np.geomspace(0.25, 20.0, 20)
    assert np.allclose(log_basis("exponential", x, 10.0), -x[None, :] / tau[:, None])
