"""The study ``hypersense demo`` runs: the digits MLP task, ready in about a minute."""

from __future__ import annotations

from hypersense.config.loader import parse_config
from hypersense.config.schema import StudyConfig

__all__ = ["DEMO_STUDY_NAME", "demo_config"]

DEMO_STUDY_NAME = "demo-digits-mlp"


def demo_config(*, n_trials: int, n_jobs: int, seed: int) -> StudyConfig:
    """The demo's config: random search over the digits MLP task's default
    space, with a median pruner that stops clearly bad trials after one fold."""
    return parse_config(
        {
            "study_name": DEMO_STUDY_NAME,
            "task": "sklearn-digits-mlp",
            "sampler": {"name": "random"},
            "pruner": {"name": "median", "options": {"n_startup_trials": 5}},
            "n_trials": n_trials,
            "n_jobs": n_jobs,
            "seed": seed,
        }
    )
