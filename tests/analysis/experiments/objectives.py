"""Objectives with known answers for the designed-experiment tests.

Each objective draws its noise from ``trial.seed`` (as a real training run
draws its initialisation), so repeats of one configuration differ by seed only
and the planted noise is known exactly.
"""

from __future__ import annotations

import math

import numpy as np

import hypersense as hs
from hypersense.samplers.random import RandomSampler

#: Optimum of ``x`` and of ``log10(lr)`` in :func:`quadratic_mean`.
X_OPT = 0.3
LOG_LR_OPT = -2.0


def quadratic_mean(x: float, lr: float) -> float:
    """The noise-free value of :class:`NoisyQuadratic`: ``4 (x-0.3)² + (log10 lr + 2)²``."""
    return 4.0 * (x - X_OPT) ** 2 + (math.log10(lr) - LOG_LR_OPT) ** 2


class NoisyQuadratic:
    """``quadratic_mean(x, lr) + N(0, noise_sd²)``; ``dummy`` and ``width`` do nothing.

    Args:
        noise_sd: Standard deviation of the planted seed noise.
    """

    def __init__(self, noise_sd: float) -> None:
        self.noise_sd = noise_sd
        self.calls = 0

    def __call__(self, trial: hs.Trial) -> float:
        self.calls += 1
        x = trial.suggest_float("x", -1.0, 1.0)
        lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
        trial.suggest_categorical("dummy", ["a", "b", "c"])
        trial.suggest_int("width", 1, 8)
        noise = np.random.default_rng(trial.seed).normal(0.0, self.noise_sd)
        return quadratic_mean(x, lr) + float(noise)


def searched_study(
    objective: object,
    *,
    n_trials: int = 30,
    seed: int = 0,
    storage: str | None = None,
    direction: str = "minimize",
    study_name: str | None = None,
) -> hs.Study:
    """A random search of ``objective`` (a few dozen trials), to run experiments after."""
    study = hs.create_study(
        study_name=study_name,
        storage=storage,
        direction=direction,
        sampler=RandomSampler(seed=seed),
    )
    study.optimize(objective, n_trials=n_trials)  # type: ignore[arg-type]
    return study
