"""Random-forest surrogate, bootstrap draws, and selection by cross-validated R²."""

from __future__ import annotations

import numpy as np
import pytest

from hypersense.analysis.methods.decomposition import decompose
from hypersense.analysis.quadrature import composite_gauss_legendre
from hypersense.analysis.surrogates import (
    GaussianProcessSurrogate,
    RandomForestSurrogate,
    select_surrogate,
)


def test_forest_draws_are_bootstrap_refits_and_decompose_per_tree() -> None:
    rng = np.random.default_rng(0)
    x = rng.random((150, 3))
    y = (x[:, 0] > 0.5).astype(float)
    model = RandomForestSurrogate(n_trees=16, n_draw_trees=4).fit(x, y, np.zeros(3, bool), rng)
    assert model.interval_kind == "bootstrap"
    draws = model.draws(5, rng)
    assert draws.n_draws == 6
    assert np.allclose(draws.predict(x[:3])[0], model.predict(x[:3]))
    parts = decompose(draws.expansions([composite_gauss_legendre()] * 3), 6, pairs=False)
    share = parts.main[:, 0] / parts.variance
    assert np.all(share > 0.8)
    # A step at 0.5 has variance 1/4 under the uniform measure.
    assert abs(parts.variance[0] - 0.25) < 0.05


def test_selection_prefers_the_better_cross_validated_fit() -> None:
    rng = np.random.default_rng(1)
    x = rng.random((60, 2))
    smooth = np.sin(3 * x[:, 0]) + x[:, 1] ** 2
    candidates = [GaussianProcessSurrogate(n_hyper_draws=0), RandomForestSurrogate(n_trees=16)]
    choice = select_surrogate(candidates, x, smooth, np.zeros(2, bool), rng, n_folds=5)
    assert choice.name == "gp"
    assert set(choice.scores) == {"gp", "rf"}
    assert choice.scores["gp"] > choice.scores["rf"]
    assert choice.r2 == choice.scores["gp"]


def test_forest_options_are_validated() -> None:
    with pytest.raises(ValueError, match=r"`max_features`.*1.5"):
        RandomForestSurrogate(max_features=1.5)
    with pytest.raises(ValueError, match=r"`n_trees`.*0"):
        RandomForestSurrogate(n_trees=0)
