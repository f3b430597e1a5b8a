"""Log-scaled, integer, categorical and conditional parameters in importance analysis."""

from __future__ import annotations

import math

import numpy as np

import hypersense as hs
from hypersense.analysis import FanovaImportanceEvaluator, importance
from hypersense.samplers import RandomSampler

LR_LOW, LR_HIGH = 1e-5, 1e-1


def lr_objective(trial: hs.Trial) -> float:
    """Half the variance from a log-scaled learning rate, half from dropout.

    On the encoded (log) scale ``u`` of the learning rate the effect is
    ``sqrt(2/3) cos(pi u)`` (variance 1/3), dropout's is ``2 d - 1`` (variance
    1/3), and the optimizer choice does nothing: true importances 0.5, 0.5, 0.
    """
    lr = trial.suggest_float("lr", LR_LOW, LR_HIGH, log=True)
    dropout = trial.suggest_float("dropout", 0.0, 1.0)
    trial.suggest_categorical("optimizer", ["adam", "sgd", "rmsprop"])
    u = (math.log(lr) - math.log(LR_LOW)) / (math.log(LR_HIGH) - math.log(LR_LOW))
    return math.sqrt(2.0 / 3.0) * math.cos(math.pi * u) + (2.0 * dropout - 1.0)


def test_log_scaled_learning_rate_is_analysed_on_its_log_scale() -> None:
    study = hs.create_study(sampler=RandomSampler(seed=5), heartbeat_interval_s=None)
    study.optimize(lr_objective, n_trials=150)
    result = FanovaImportanceEvaluator(n_bootstrap=20, seed=5).evaluate(study)
    assert abs(result["lr"].importance - 0.5) <= 0.05
    assert abs(result["dropout"].importance - 0.5) <= 0.05
    assert result["optimizer"].importance < 0.02


def conditional_objective(trial: hs.Trial) -> float:
    """A branch choice with different children; ``lr`` (everywhere) does nothing.

    ``linear``: ``2 + cos(pi u_c)`` with ``c`` log-scaled; ``tree``: ``depth / 12``
    (``frac`` does nothing).
    """
    trial.suggest_float("lr", 1e-4, 1e-1, log=True)
    kind = trial.suggest_categorical("kind", ["linear", "tree"])
    if kind == "linear":
        c = trial.suggest_float("c", 1e-4, 1e2, log=True)
        return 2.0 + math.cos(math.pi * (math.log10(c) + 4.0) / 6.0)
    depth = trial.suggest_int("depth", 1, 12)
    trial.suggest_float("frac", 0.1, 1.0, step=0.1)
    return depth / 12.0


def test_conditional_space_reports_the_choice_and_each_branch() -> None:
    study = hs.create_study(sampler=RandomSampler(seed=6), heartbeat_interval_s=None)
    study.optimize(conditional_objective, n_trials=120)
    result = importance(study, n_bootstrap=20, seed=6)
    assert {p.name for p in result.parameters} == {"lr", "kind"}
    assert result["kind"].importance > 0.9
    assert result.n_trials == 120
    branches = {b.condition["kind"]: b for b in result.branches}
    assert set(branches) == {"linear", "tree"}
    linear, tree = branches["linear"], branches["tree"]
    assert {p.name for p in linear.parameters} == {"lr", "c"}
    assert linear["c"].importance > 0.9 and linear.r2 > 0.9
    assert {p.name for p in tree.parameters} == {"lr", "depth", "frac"}
    assert tree["depth"].importance > 0.9 and tree.r2 > 0.9
    assert linear.n_trials + tree.n_trials == 120
    for branch in (linear, tree):
        assert branch.parameters[0].ci_low <= branch.parameters[0].ci_high


def test_small_branches_are_skipped_with_a_note() -> None:
    study = hs.create_study(sampler=RandomSampler(seed=7), heartbeat_interval_s=None)
    study.optimize(conditional_objective, n_trials=14)
    result = FanovaImportanceEvaluator(n_bootstrap=5, min_trials=10, seed=7).evaluate(study)
    assert result.branches == ()
    assert sum("fewer than min_trials=10" in note for note in result.notes) == 2


def test_integer_and_stepped_parameters_are_integrated_value_by_value() -> None:
    def objective(trial: hs.Trial) -> float:
        layers = trial.suggest_int("layers", 1, 4)
        width = trial.suggest_int("width", 16, 1024, log=True)
        return float(layers == 4) + 0.0 * width

    study = hs.create_study(sampler=RandomSampler(seed=8), heartbeat_interval_s=None)
    study.optimize(objective, n_trials=60)
    result = importance(study, n_bootstrap=10, seed=8)
    assert result["layers"].importance > 0.95
    # (layers == 4) has variance 3/16 under the uniform measure on 4 values.
    assert result["layers"].main_effect is not None
    assert abs(result["layers"].main_effect.value - 1.0) < 0.05
    assert np.isclose(sum(p.importance for p in result.parameters), 1.0)
