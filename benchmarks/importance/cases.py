"""The benchmark's problems: trials of known functions, as hypersense and Optuna studies."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from tests.analysis.known_functions import (
    KnownFunction,
    g_function_with_dummies,
    ishigami,
    pure_interaction,
)

import hypersense as hs
from hypersense.samplers import RandomSampler

LR_LOW, LR_HIGH = 1e-5, 1e-1


@dataclass(frozen=True)
class Case:
    """Trials of one function at one size and seed, with the truth to compare to."""

    function: str
    n_trials: int
    seed: int
    names: tuple[str, ...]
    truth: NDArray[np.float64]  # normalised first-order indices
    study: hs.Study


def known_case(function: KnownFunction, n_trials: int, seed: int) -> Case:
    """``n_trials`` uniform random trials of ``function`` (parameters x0.. in [0, 1])."""
    study = hs.create_study(sampler=RandomSampler(seed=seed), heartbeat_interval_s=None)

    def objective(trial: hs.Trial) -> float:
        u = np.array([[trial.suggest_float(n, 0.0, 1.0) for n in function.names]])
        return float(function.evaluate(u)[0])

    study.optimize(objective, n_trials=n_trials)
    truth = function.normalised_first_order if function.first_order.sum() > 0 else function.total
    return Case(function.name, n_trials, seed, function.names, truth, study)


def lr_case(n_trials: int, seed: int) -> Case:
    """A log-scaled learning rate with true importance 0.50 (on its log scale),
    a linear dropout with 0.50, a categorical with 0."""
    study = hs.create_study(sampler=RandomSampler(seed=seed), heartbeat_interval_s=None)

    def objective(trial: hs.Trial) -> float:
        lr = trial.suggest_float("lr", LR_LOW, LR_HIGH, log=True)
        dropout = trial.suggest_float("dropout", 0.0, 1.0)
        trial.suggest_categorical("optimizer", ["adam", "sgd", "rmsprop"])
        u = (math.log(lr) - math.log(LR_LOW)) / (math.log(LR_HIGH) - math.log(LR_LOW))
        return math.sqrt(2.0 / 3.0) * math.cos(math.pi * u) + (2.0 * dropout - 1.0)

    study.optimize(objective, n_trials=n_trials)
    names = ("lr", "dropout", "optimizer")
    return Case("log-lr", n_trials, seed, names, np.array([0.5, 0.5, 0.0]), study)


FUNCTIONS = {"ishigami": ishigami, "g+dummies": g_function_with_dummies}
INTERACTION = pure_interaction
