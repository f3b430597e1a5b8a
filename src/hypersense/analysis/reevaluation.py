"""The winner's curse: re-evaluate the best configurations with fresh seeds.

Picking the best of many noisy validation scores favours configurations that
were lucky, so the selected score overstates what the configuration gives
again. :func:`reevaluate` takes the ``top_k`` distinct configurations of a
searched study and runs each ``n_seeds`` more times in the companion study
``"<study>:reeval"`` (stored, resumable, parallel, prunable). The companion's
trial seeds are fresh, so an objective that draws its initialisation, data
order or validation split from ``trial.seed`` gets fresh seeds *and* fresh
folds. With ``test_fn`` (a built-in task's ``evaluate_test``) each
configuration is also scored on the held-out test set, once per re-evaluation
seed.

For each configuration the result gives its original score, the mean of its
re-evaluations with a t-interval, its test score, and its *optimism*: original
minus re-evaluated mean, signed so that a positive optimism means the search
reported it better than it is (for a minimised metric, re-evaluated mean minus
original). The optimism of the selected best (rank 1) is the winner's curse.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from hypersense.analysis.experiments.base import DesignPoint, config_key, run_design
from hypersense.analysis.experiments.options import (
    check_confidence,
    check_int,
    check_run_options,
)
from hypersense.analysis.experiments.reference import distinct_configurations, ranked_trials
from hypersense.analysis.experiments.repeats import (
    IntervalEstimate,
    RepeatSummary,
    summarize_repeats,
)
from hypersense.analysis.experiments.serialization import json_dict, rows_to_frame
from hypersense.direction import StudyDirection
from hypersense.execution.outcome import Objective
from hypersense.pruners.base import Pruner
from hypersense.study.study import Study

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ReevaluatedConfiguration",
    "Reevaluation",
    "HeldOutScorer",
    "optimism",
    "reevaluate",
]

_PURPOSE = "a re-evaluation table"


class HeldOutScorer(Protocol):
    """Scores a configuration on held-out test data, e.g. ``Task.evaluate_test``."""

    def __call__(self, params: Mapping[str, Any], *, seed: int) -> float: ...


def optimism(
    original: float, summary: RepeatSummary, direction: StudyDirection
) -> IntervalEstimate:
    """How much better ``original`` looks than the mean of ``summary``, with the
    t-interval carried over; positive when the original score was flattering.

    Args:
        original: The score the search saw.
        summary: Repeated evaluations of the same configuration.
        direction: Whether the metric is minimised or maximised.
    """
    sign = 1.0 if direction is StudyDirection.MAXIMIZE else -1.0
    estimate = sign * (original - summary.mean)
    ends = sorted((sign * (original - summary.high), sign * (original - summary.low)))
    return IntervalEstimate(estimate, ends[0], ends[1])


@dataclass(frozen=True)
class ReevaluatedConfiguration:
    """One of the top configurations, re-evaluated.

    Attributes:
        rank: 1 for the study's best, 2 for the next distinct configuration...
        trial_number: Its trial in the searched study.
        params: Its parameters.
        original_value: Its value in the search.
        reevaluated: Its re-evaluations with fresh seeds.
        optimism: Original minus re-evaluated mean, signed so positive means
            flattering, with its interval.
        test: Its held-out test scores, one per re-evaluation seed (None
            without ``test_fn``).
        test_optimism: Original minus mean test score, signed likewise (None
            without ``test_fn``).
    """

    rank: int
    trial_number: int
    params: Mapping[str, Any]
    original_value: float
    reevaluated: RepeatSummary
    optimism: IntervalEstimate
    test: RepeatSummary | None
    test_optimism: IntervalEstimate | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, flat fields (``reevaluated_mean``, ``optimism_low``...)."""
        row: dict[str, Any] = {
            "rank": self.rank,
            "trial_number": self.trial_number,
            "params": dict(self.params),
            "original_value": self.original_value,
        }
        parts: dict[str, RepeatSummary | IntervalEstimate | None] = {
            "reevaluated": self.reevaluated,
            "optimism": self.optimism,
            "test": self.test,
            "test_optimism": self.test_optimism,
        }
        for prefix, part in parts.items():
            if part is not None:
                row.update({f"{prefix}_{k}": v for k, v in part.to_dict().items()})
        return json_dict(row)


@dataclass(frozen=True)
class Reevaluation:
    """Result of :func:`reevaluate`.

    Attributes:
        study_name: The searched study.
        companion_study_name: The study holding the re-evaluations.
        direction: The metric's direction.
        configurations: The top configurations, best original value first.
        n_seeds: Re-evaluations per configuration.
        confidence: Coverage of the intervals.
    """

    study_name: str
    companion_study_name: str
    direction: StudyDirection
    configurations: tuple[ReevaluatedConfiguration, ...]
    n_seeds: int
    confidence: float

    @property
    def selected(self) -> ReevaluatedConfiguration:
        """The configuration the search selected (its best trial)."""
        return self.configurations[0]

    @property
    def selected_optimism(self) -> IntervalEstimate:
        """The winner's curse: the selected configuration's optimism."""
        return self.selected.optimism

    @property
    def best_after_reevaluation(self) -> ReevaluatedConfiguration:
        """The configuration with the best re-evaluated mean (ties: better rank)."""
        sign = -1.0 if self.direction is StudyDirection.MAXIMIZE else 1.0

        def loss(c: ReevaluatedConfiguration) -> float:
            mean = c.reevaluated.mean
            return sign * mean if math.isfinite(mean) else math.inf

        return min(self.configurations, key=loss)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description of the whole result."""
        return json_dict(
            {
                "study_name": self.study_name,
                "companion_study_name": self.companion_study_name,
                "direction": self.direction.value,
                "configurations": [c.to_dict() for c in self.configurations],
                "selected_optimism": self.selected_optimism.to_dict(),
                "best_after_reevaluation": self.best_after_reevaluation.rank,
                "n_seeds": self.n_seeds,
                "confidence": self.confidence,
            }
        )

    def to_pandas(self) -> pd.DataFrame:
        """One row per configuration, fields as in ``ReevaluatedConfiguration.to_dict``."""
        return rows_to_frame([c.to_dict() for c in self.configurations], purpose=_PURPOSE)


def _test_scores(
    test_fn: HeldOutScorer, params: Mapping[str, Any], seeds: Sequence[int | None]
) -> list[float]:
    return [float(test_fn(dict(params), seed=s)) for s in seeds if s is not None]


def reevaluate(
    study: Study,
    objective: Objective,
    *,
    top_k: int = 5,
    n_seeds: int = 5,
    n_jobs: int = 1,
    test_fn: HeldOutScorer | None = None,
    seed: int | None = None,
    confidence: float = 0.95,
    pruner: Pruner | None = None,
    catch: Sequence[type[Exception]] | type[Exception] = (),
) -> Reevaluation:
    """Re-evaluate the ``top_k`` configurations of ``study`` with fresh seeds.

    Runs ``top_k · n_seeds`` new trials in ``"<study>:reeval"``; calling again
    with the same options runs nothing new. Test scores are computed in this
    process, after the trials.

    Args:
        study: A single-objective study with at least one COMPLETE trial.
        objective: The objective of the search; it should draw its randomness
            (and its validation split) from ``trial.seed``.
        top_k: Distinct configurations to re-evaluate, best first (>= 1;
            fewer when the study has fewer).
        n_seeds: Fresh seeds per configuration (>= 2).
        n_jobs: Worker processes for the new trials.
        test_fn: ``test_fn(params, seed=...) -> float`` scoring a configuration
            on held-out test data (e.g. a task's ``evaluate_test``), called
            with each re-evaluation seed; None to skip.
        seed: Seed of the trials' seeds (None: fresh).
        confidence: Coverage of the intervals.
        pruner: Pruner of the re-evaluation trials (None: never prune).
        catch: Exception types that fail a trial but let the design go on.
    """
    top_k = check_int("top_k", top_k, minimum=1)
    n_seeds = check_int("n_seeds", n_seeds, minimum=2)
    confidence = check_confidence(confidence)
    options = check_run_options(n_jobs=n_jobs, seed=seed, pruner=pruner, catch=catch)
    if test_fn is not None and not callable(test_fn):
        raise TypeError(f"`test_fn` must be callable or None (got {type(test_fn).__name__})")

    chosen = distinct_configurations(ranked_trials(study))[:top_k]
    design = [
        DesignPoint(
            config_key(t.params, "seed", r), dict(t.params), {"rank": i + 1, "replicate": r}
        )
        for i, t in enumerate(chosen)
        for r in range(n_seeds)
    ]
    outcome = run_design(study, objective, design, experiment="reeval", options=options)
    configurations = []
    for i, trial in enumerate(chosen):
        block = slice(i * n_seeds, (i + 1) * n_seeds)
        original = trial.objective_value()
        summary = summarize_repeats(outcome.values[block], confidence)
        test = None
        if test_fn is not None:
            scores = _test_scores(test_fn, trial.params, outcome.seeds[block])
            test = summarize_repeats(scores, confidence)
        configurations.append(
            ReevaluatedConfiguration(
                rank=i + 1,
                trial_number=trial.number,
                params=dict(trial.params),
                original_value=original,
                reevaluated=summary,
                optimism=optimism(original, summary, study.direction),
                test=test,
                test_optimism=None if test is None else optimism(original, test, study.direction),
            )
        )
    return Reevaluation(
        study_name=study.study_name,
        companion_study_name=outcome.companion_study_name,
        direction=study.direction,
        configurations=tuple(configurations),
        n_seeds=n_seeds,
        confidence=confidence,
    )
