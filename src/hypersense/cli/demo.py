"""The study ``hypersense demo`` runs, and what it finds out afterwards.

The demo tunes the ``torch-digits-cnn`` task, a small CNN on scikit-learn's
bundled 8x8 digits, and is designed so that the analysis has something true to
say after a few minutes on two cores:

- the learning rate spans three decades, from 1e-5 (too small to learn much
  in ten epochs) to 1e-2 (about the largest that stays stable: above it some
  runs diverge and some do not, a cliff of seed luck that no surrogate fits
  from a few dozen trials; with it in range the fit's R² fell from 0.8 to 0.4);
- seven parameters are searched: some matter (the learning rate, and batch
  norm and the batch size, which decide which rates work) and some barely do
  at this size (weight decay, dropout, the rotation of training images);
  the schedule and the image shift are fixed, to spend the trials on the rest;
- half the trials are random (TPE's start-up), so the surrogate behind the
  importances sees the whole space, and TPE then spends the other half near
  the best configurations;
- no pruner: a pruned trial has no final value, so the analysis would see only
  the configurations that survived, and the bad half of the learning-rate range
  would look harmless.

After the search (:func:`run_demo_follow_up`) the best configuration is scored
once on the sealed test set, re-run with a few other seeds (its spread is the
noise floor; how far its search score lies above their mean is the winner's
curse), the importance of each parameter and the advice are computed, and the
HTML report is written. :mod:`hypersense.cli.demo_summary` prints it all.
Every step stores its trials like any other study (``demo-torch-digits-cnn``
and its companion ``demo-torch-digits-cnn:reeval``), so running the command
again resumes.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hypersense.config.loader import parse_config
from hypersense.config.schema import StudyConfig
from hypersense.storage.base import Storage
from hypersense.study.management import load_study
from hypersense.tasks.final_evaluation import FinalEvaluation, evaluate_on_test

if TYPE_CHECKING:
    from collections.abc import Callable

    from hypersense.analysis.advice.results import Advice
    from hypersense.analysis.reevaluation import Reevaluation
    from hypersense.analysis.results import ImportanceResult
    from hypersense.config.run import RunStatus
    from hypersense.report.data.importance_adapter import AnalysisFigures
    from hypersense.study.study import Study

__all__ = [
    "DEMO_MAX_EPOCHS",
    "DEMO_STUDY_NAME",
    "DEMO_TASK",
    "DemoFindings",
    "demo_config",
    "earlier_demo_differs",
    "evaluate_demo_on_test",
    "run_demo_follow_up",
]

_log = logging.getLogger(__name__)

DEMO_STUDY_NAME = "demo-torch-digits-cnn"
#: The built-in task the demo tunes.
DEMO_TASK = "torch-digits-cnn"
#: Epochs per training run: few enough that the learning rate decides whether
#: a run gets anywhere, and a trial takes about a second on one core.
DEMO_MAX_EPOCHS = 10
#: The fewest COMPLETE trials the demo analyses (below, a surrogate says little).
MIN_ANALYSED_TRIALS = 12


def demo_config(
    *, n_trials: int, n_jobs: int, seed: int, max_epochs: int = DEMO_MAX_EPOCHS
) -> StudyConfig:
    """The demo's config (see the module's docstring for why it is so)."""
    return parse_config(
        {
            "study_name": DEMO_STUDY_NAME,
            "task": DEMO_TASK,
            "task_options": {"max_epochs": max_epochs},
            "space": {
                "lr": {"type": "float", "low": 1e-5, "high": 1e-2, "log": True},
                "schedule": "constant",
                "max_shift_px": 0,
            },
            "sampler": {"name": "tpe", "options": {"n_startup_trials": max(10, n_trials // 2)}},
            "pruner": "none",
            "n_trials": n_trials,
            "n_jobs": n_jobs,
            "seed": seed,
        }
    )


def earlier_demo_differs(config: StudyConfig, storage: str) -> bool:
    """Whether ``storage`` holds a demo study searched over another space (one an
    earlier version of hypersense ran), which the demo cannot resume."""
    from hypersense.config.build import build_space
    from hypersense.config.loader import config_source
    from hypersense.config.space_check import CONFIG_SPACE_ATTR, space_changes, space_record
    from hypersense.config.storage_url import open_storage
    from hypersense.errors import StorageError, StudyNotFoundError
    from hypersense.tasks.registry import task_class

    space = build_space(config, config_source(config), task_class(DEMO_TASK).default_space())
    assert space is not None  # a task's space
    try:
        store = open_storage(storage, must_exist=True, read_only=True)
    except StorageError:  # no database yet
        return False
    try:
        stored = load_study(DEMO_STUDY_NAME, store).system_attrs.get(CONFIG_SPACE_ATTR)
    except StudyNotFoundError:
        return False
    finally:
        store.close()
    return stored is not None and bool(space_changes(stored, space_record(space)))


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


@dataclass(frozen=True)
class DemoFindings:
    """What the demo found out after its search.

    Attributes:
        study_name: The searched study.
        metric_name: What the study maximises (``accuracy``).
        evaluation: The best configuration on the sealed test set (None: not scored).
        reevaluation: The best configuration re-run with other seeds (None:
            not run, e.g. no COMPLETE trial).
        importance: The importance of every parameter (None: not analysed).
        advice: The advice drawn from it (None: not analysed).
        why_not_analysed: Why ``importance`` is None, in words.
        report_path: The HTML report written (None: not written).
    """

    study_name: str
    metric_name: str
    evaluation: FinalEvaluation | None
    reevaluation: Reevaluation | None
    importance: ImportanceResult | None
    advice: Advice | None
    why_not_analysed: str | None
    report_path: Path | None

    @property
    def noise_floor(self) -> float | None:
        """The seed standard deviation of the best configuration's re-runs."""
        if self.reevaluation is None:
            return None
        std = self.reevaluation.selected.reevaluated.std
        return std if math.isfinite(std) else None


def _rerun_best(
    study: Study, status: RunStatus, *, n_seeds: int, n_jobs: int, seed: int
) -> Reevaluation:
    from hypersense.analysis.reevaluation import reevaluate

    assert status.task is not None  # the demo runs a built-in task
    return reevaluate(
        study,
        status.task.objective,
        top_k=1,
        n_seeds=n_seeds,
        n_jobs=min(n_jobs, n_seeds),
        seed=seed,
    )


def _analyse(
    study: Study, *, noise_floor: float | None, n_bootstrap: int, seed: int
) -> tuple[AnalysisFigures, Advice | None]:
    """The report's importance figures and the advice, from one analysis."""
    from hypersense.analysis.advice import advise
    from hypersense.analysis.surrogates.threads import single_threaded_blas
    from hypersense.history import StudyHistory
    from hypersense.report.data.importance_adapter import build_analysis_figures
    from hypersense.report.data.snapshot import as_snapshot

    snap = as_snapshot(study)
    figures = build_analysis_figures(
        snap, min_trials=MIN_ANALYSED_TRIALS, n_bootstrap=n_bootstrap, seed=seed
    )
    if figures.importance_result is None:
        return figures, None
    history = StudyHistory.from_trials(snap.directions, snap.trials)
    with single_threaded_blas():
        advice = advise(
            history,
            importance=figures.importance_result,
            marginals=figures.marginals_result,
            noise_floor=noise_floor,
            n_bootstrap=n_bootstrap,
            seed=seed,
        )
    return figures, advice


def run_demo_follow_up(
    status: RunStatus,
    storage: str,
    *,
    report_path: Path,
    n_seeds: int,
    n_jobs: int,
    seed: int,
    n_bootstrap: int = 50,
    say: Callable[[str], None] = _log.info,
) -> DemoFindings:
    """Everything the demo does after its search (see the module's docstring).

    Args:
        status: The search's final status.
        storage: The storage URL of the study.
        report_path: Where to write the HTML report.
        n_seeds: Re-runs of the best configuration with other seeds (>= 2).
        n_jobs: Worker processes for the re-runs.
        seed: Seed of the re-runs' seeds and of the analysis.
        n_bootstrap: Draws behind the importance intervals.
        say: Called with a line before each step that takes a while.
    """
    from hypersense.report.build import build_report
    from hypersense.report.html import write_html

    evaluation = evaluate_demo_on_test(status, storage)
    metric = evaluation.metric_name if evaluation is not None else "accuracy"
    study = load_study(status.study_name, storage)
    try:
        reevaluation = None
        if status.best_trials:
            say(f"re-running the best configuration with {n_seeds} other seeds ...")
            reevaluation = _rerun_best(study, status, n_seeds=n_seeds, n_jobs=n_jobs, seed=seed)
        say("analysing which hyperparameters matter ...")
        floor = None if reevaluation is None else reevaluation.selected.reevaluated.std
        figures, advice = _analyse(
            study,
            noise_floor=floor if floor is not None and math.isfinite(floor) else None,
            n_bootstrap=n_bootstrap,
            seed=seed,
        )
        say("writing the report ...")
        report = build_report(study, computed=figures)
        path = write_html(report, report_path).resolve()
    finally:
        study.close()
        study.storage.close()
    return DemoFindings(
        study_name=status.study_name,
        metric_name=metric,
        evaluation=evaluation,
        reevaluation=reevaluation,
        importance=figures.importance_result,
        advice=advice,
        why_not_analysed=figures.reasons.get("importance"),
        report_path=path,
    )
