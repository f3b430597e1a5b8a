"""Result dataclasses, marginal curves and surfaces."""

from __future__ import annotations

import json

import numpy as np
import pytest

import hypersense as hs
from hypersense.analysis import marginal_effects
from hypersense.samplers import RandomSampler


@pytest.fixture(scope="module")
def study() -> hs.Study:
    def objective(trial: hs.Trial) -> float:
        x = trial.suggest_float("x", 0.0, 1.0)
        lr = trial.suggest_float("lr", 1e-4, 1.0, log=True)
        act = trial.suggest_categorical("act", ["relu", "tanh"])
        return (x - 0.3) ** 2 + (1.0 if act == "tanh" else 0.0) + 0.0 * lr

    s = hs.create_study(sampler=RandomSampler(seed=0), heartbeat_interval_s=None)
    s.optimize(objective, n_trials=50)
    return s


def test_marginal_curves_follow_the_function_with_bands(study: hs.Study) -> None:
    result = marginal_effects(study, n_points=11, n_bootstrap=10, seed=0, surrogate="gp")
    curves = {c.name: c for c in result.curves}
    x = curves["x"]
    assert len(x.values) == 11 and x.values[0] == 0.0 and x.values[-1] == 1.0
    # E[f | x] = (x - 0.3)^2 + 0.5 (the mean over the two activations) + const.
    truth = (np.array(x.values) - 0.3) ** 2 + 0.5
    assert np.max(np.abs(np.array(x.mean) - truth)) < 0.05
    assert all(lo <= hi for lo, hi in zip(x.low, x.high, strict=True))
    act = curves["act"]
    assert act.values == ("relu", "tanh")
    assert abs((act.mean[1] - act.mean[0]) - 1.0) < 0.05
    lr = curves["lr"]
    assert np.isclose(lr.values[0], 1e-4) and np.isclose(lr.values[-1], 1.0)
    assert np.ptp(lr.mean) < 0.05
    assert {s.names for s in result.surfaces} == {("x", "lr"), ("x", "act"), ("lr", "act")}
    json.dumps(result.to_dict(), allow_nan=False)
    assert len(result.to_pandas()) == 11 + 11 + 2


def test_marginals_for_chosen_params_and_pairs(study: hs.Study) -> None:
    result = marginal_effects(
        study, params=["x"], pairs=[("x", "act")], n_bootstrap=0, seed=0, surrogate="rf"
    )
    assert [c.name for c in result.curves] == ["x"]
    (surface,) = result.surfaces
    assert surface.names == ("x", "act") and len(surface.mean) == 16 and len(surface.mean[0]) == 2
    assert result.surrogate == "rf"
    with pytest.raises(ValueError, match="`params`"):
        marginal_effects(study, params=["nope"])
    with pytest.raises(ValueError, match="`pairs`"):
        marginal_effects(study, pairs=[("x", "x")])


def test_result_lookup_and_tables(study: hs.Study) -> None:
    from hypersense.analysis import importance

    result = importance(study, n_bootstrap=5, seed=1)
    assert result["act"].name == "act"
    with pytest.raises(KeyError, match="no parameter 'nope'"):
        result["nope"]
    assert list(result.importances) == [p.name for p in result.parameters]
    frame = result.interactions_to_pandas()
    assert len(frame) == 3 and {"param_a", "param_b", "interaction"} <= set(frame.columns)
    shares = result.shares
    assert shares.main_effects is not None and shares.interactions is not None
    assert np.isclose(shares.main_effects + shares.interactions + shares.unexplained, 1.0)
