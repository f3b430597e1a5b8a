"""The study ``hypersense demo`` runs: a PyTorch CNN on the digits, tuned in minutes.

The demo tunes the ``torch-digits-cnn`` task (learning rate, weight decay,
schedule, batch size, channels, batch norm, dropout and augmentation) with TPE
and a median pruner that stops trials whose validation accuracy trails the
median of earlier trials at the same epoch. Its study is stored like any other
(``demo-torch-digits-cnn`` in the chosen storage, SQLite by default), so running
the command again resumes it. After the search, the best configuration is
trained again under its trial's seed and scored once on the held-out test set;
the score is stored on the study (:mod:`hypersense.tasks.final_evaluation`).

The scikit-learn task the demo used before stays available by name
(``task: sklearn-digits-mlp`` in a config).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from hypersense.config.loader import parse_config
from hypersense.config.schema import StudyConfig
from hypersense.storage.base import Storage
from hypersense.study.management import load_study
from hypersense.tasks.final_evaluation import (
    FinalEvaluation,
    attr_for_test_score,
    evaluate_on_test,
)

if TYPE_CHECKING:
    from hypersense.config.run import RunStatus

__all__ = [
    "DEMO_STUDY_NAME",
    "DEMO_TASK",
    "demo_config",
    "demo_result_text",
    "evaluate_demo_on_test",
]

DEMO_STUDY_NAME = "demo-torch-digits-cnn"
#: The built-in task the demo tunes.
DEMO_TASK = "torch-digits-cnn"


def demo_config(*, n_trials: int, n_jobs: int, seed: int) -> StudyConfig:
    """The demo's config: TPE over the digits CNN task's default space, with a
    median pruner that stops a trial behind the median from its fifth epoch on
    (the first epochs of a warm-up schedule say little), once five trials have
    finished."""
    return parse_config(
        {
            "study_name": DEMO_STUDY_NAME,
            "task": DEMO_TASK,
            "sampler": {"name": "tpe", "options": {"n_startup_trials": 10}},
            "pruner": {"name": "median", "options": {"n_startup_trials": 5, "n_warmup_steps": 4}},
            "n_trials": n_trials,
            "n_jobs": n_jobs,
            "seed": seed,
        }
    )


def evaluate_demo_on_test(status: RunStatus, storage: str | Storage) -> FinalEvaluation | None:
    """The final evaluation of the run's best configuration, stored on its study.

    Returns None when there is nothing to evaluate (no COMPLETE trial, or a
    task without a test set).

    Args:
        status: The status :func:`hypersense.config.run.run_config` returned.
        storage: The storage the study is in (URL or Storage).
    """
    task = status.task
    if task is None or not task.has_test_set or not status.best_trials:
        return None
    study = load_study(status.study_name, storage)
    try:
        return evaluate_on_test(study, task, trial=status.best_trials[0])
    finally:
        study.close()
        if not isinstance(storage, Storage):
            study.storage.close()


def demo_result_text(evaluation: FinalEvaluation, *, sem: float | None = None) -> str:
    """One line: the best configuration's validation score (± its standard error,
    when cross-validated) and its test score, and where the latter is stored."""
    metric = evaluation.metric_name
    spread = f" ± {sem:.4f}" if sem is not None and math.isfinite(sem) else ""
    return (
        f"validation {metric} of the best configuration (trial {evaluation.trial_number}): "
        f"{evaluation.validation_value:.4f}{spread}; on the held-out test set: "
        f"{evaluation.test_value:.4f} (stored as study attribute "
        f"'{attr_for_test_score(metric)}')"
    )
