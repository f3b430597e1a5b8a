"""The benchmark's study: ``n_trials`` finished trials of six parameters with
learning curves, a fifth pruned, written in one go, then the same trials
exported into an Optuna storage with ``hypersense export-optuna``."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

import hypersense as hs
from hypersense import CategoricalDistribution, FloatDistribution, IntDistribution

STUDY = "bench"
N_STEPS = 8
DISTRIBUTIONS = {
    "lr": FloatDistribution(1e-5, 1e-1, log=True),
    "weight_decay": FloatDistribution(1e-6, 1e-2, log=True),
    "dropout": FloatDistribution(0.0, 0.5),
    "layers": IntDistribution(1, 6),
    "units": IntDistribution(16, 512, log=True),
    "optimizer": CategoricalDistribution(("adam", "sgd", "rmsprop")),
}


def make_study(url: str, n_trials: int, seed: int) -> None:
    """Write the study into the hypersense storage at ``url``."""
    rng = np.random.default_rng(seed)
    study = hs.create_study(study_name=STUDY, storage=url)
    trials = []
    for i in range(n_trials):
        params = {
            "lr": float(10 ** rng.uniform(-5, -1)),
            "weight_decay": float(10 ** rng.uniform(-6, -2)),
            "dropout": float(rng.uniform(0, 0.5)),
            "layers": int(rng.integers(1, 7)),
            "units": int(np.exp(rng.uniform(np.log(16), np.log(512)))),
            "optimizer": str(rng.choice(["adam", "sgd", "rmsprop"])),
        }
        final = (np.log10(params["lr"]) + 3) ** 2 + params["dropout"] + rng.normal(0, 0.05)
        pruned = i % 5 == 1 and i != n_trials - 1  # the newest trial is COMPLETE
        steps = N_STEPS // 2 if pruned else N_STEPS
        curve = {s: float(final + 1.0 / (s + 1)) for s in range(steps)}
        trials.append(
            hs.create_trial(
                state=hs.TrialState.PRUNED if pruned else hs.TrialState.COMPLETE,
                value=None if pruned else float(final),
                params=params,
                distributions=DISTRIBUTIONS,
                intermediate_values=curve,
            )
        )
    study.add_trials(trials)


def export_to_optuna(url: str, optuna_url: str) -> None:
    """The same trials in an Optuna storage (``hypersense export-optuna``)."""
    command = [sys.executable, "-m", "hypersense.cli", "export-optuna", STUDY]
    subprocess.run(
        [*command, "--storage", url, "--to", optuna_url],
        check=True,
        capture_output=True,
    )
