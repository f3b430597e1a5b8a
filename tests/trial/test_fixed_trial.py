"""FixedTrial: running an objective outside any study."""

from __future__ import annotations

import pytest

import hypersense as hs


def objective(trial: hs.Trial) -> float:
    lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
    layers = trial.suggest_int("layers", 1, 4)
    for step in range(3):
        trial.report(lr * step, step)
    trial.set_user_attr("layers_seen", layers)
    return lr * layers


def test_fixed_trial_replays_given_values() -> None:
    trial = hs.FixedTrial({"lr": 0.01, "layers": 3}, seed=5)
    assert objective(trial) == pytest.approx(0.03)
    assert trial.params == {"lr": 0.01, "layers": 3}
    assert trial.intermediate_values == {0: 0.0, 1: 0.01, 2: 0.02}
    assert trial.user_attrs == {"layers_seen": 3}
    assert trial.seed == 5 and trial.should_prune() is False


def test_fixed_trial_rejects_missing_or_out_of_range_values() -> None:
    with pytest.raises(KeyError, match="'layers'"):
        objective(hs.FixedTrial({"lr": 0.01}))
    with pytest.raises(ValueError, match="'lr'"):
        objective(hs.FixedTrial({"lr": 5.0, "layers": 1}))


def test_user_attrs_must_be_json() -> None:
    trial = hs.FixedTrial({})
    with pytest.raises(TypeError, match="'bad'"):
        trial.set_user_attr("bad", object())
