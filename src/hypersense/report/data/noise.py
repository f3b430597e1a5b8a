"""The noise floor and the re-evaluation of the best configurations (winner's curse).

Built from the analysis results given to the report
(:class:`~hypersense.analysis.noise.NoiseAnalysis`,
:class:`~hypersense.analysis.reevaluation.Reevaluation`), or from the trials of
the ``"<study>:noise"`` and ``"<study>:reeval"`` companion studies those
analyses ran (then intervals are recomputed at 95% and held-out test scores,
which are not stored on trials, are missing).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hypersense.direction import StudyDirection
from hypersense.report.data.companions import (
    design_points,
    group_values,
    params_key,
    trial_by_params,
)
from hypersense.report.data.snapshot import StudySnapshot, as_snapshot
from hypersense.trial.frozen import FrozenTrial

if TYPE_CHECKING:
    from hypersense.study.study import Study

__all__ = [
    "Estimate",
    "NoiseData",
    "ReevaluationData",
    "ReevaluationRow",
    "RepeatRow",
    "build_noise_data",
    "build_reevaluation_data",
    "noise_data_from_analysis",
    "reevaluation_data_from_result",
]

_CONFIDENCE = 0.95


@dataclass(frozen=True)
class Estimate:
    """A value with an interval (NaN ends when unknown)."""

    estimate: float
    low: float = math.nan
    high: float = math.nan


@dataclass(frozen=True)
class RepeatRow:
    """One configuration run again with several seeds.

    Attributes:
        trial_number: Its trial in the searched study (None when not found).
        original_value: Its value in the search (NaN when not found).
        n: Finite repeats.
        mean: Mean of the repeats, with its t-interval.
        std: Their standard deviation (the seed noise at this configuration).
    """

    trial_number: int | None
    original_value: float
    n: int
    mean: Estimate
    std: float


@dataclass(frozen=True)
class NoiseData:
    """The seed-noise table.

    Attributes:
        noise_floor: Pooled seed standard deviation, in metric units.
        hyperparameter_share: Share of the metric's variance due to the
            configurations rather than seeds.
        configurations: The repeated configurations, best first.
        distinguishable: Parameters whose effect beats the noise (empty when
            the per-parameter tests are not known).
        source: Where the data came from, in words.
    """

    noise_floor: Estimate
    hyperparameter_share: Estimate
    configurations: tuple[RepeatRow, ...]
    distinguishable: tuple[str, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class ReevaluationRow:
    """One top configuration, re-evaluated with fresh seeds.

    Attributes:
        rank: 1 for the search's best.
        trial_number: Its trial in the searched study (None when not found).
        original_value: The value the search saw.
        n: Finite re-evaluations.
        reevaluated: Their mean with its t-interval.
        optimism: How much better the original looked, signed so that positive
            means flattering, with its interval.
        test: Mean held-out test score with its interval, or None.
    """

    rank: int
    trial_number: int | None
    original_value: float
    n: int
    reevaluated: Estimate
    optimism: Estimate
    test: Estimate | None = None


@dataclass(frozen=True)
class ReevaluationData:
    """The winner's-curse table, rank 1 first."""

    direction: StudyDirection
    rows: tuple[ReevaluationRow, ...]
    source: str = ""

    @property
    def winners_curse(self) -> Estimate | None:
        """The optimism of the selected (rank 1) configuration."""
        return self.rows[0].optimism if self.rows and self.rows[0].rank == 1 else None


def _estimate(interval: Any) -> Estimate:
    return Estimate(float(interval.estimate), float(interval.low), float(interval.high))


def _summary_estimate(summary: Any) -> Estimate:
    return Estimate(float(summary.mean), float(summary.low), float(summary.high))


def noise_data_from_analysis(analysis: Any) -> NoiseData:
    """From a ``NoiseAnalysis`` result (read by attribute, not imported)."""
    rows = tuple(
        RepeatRow(
            c.trial_number,
            float(c.original_value),
            int(c.summary.n),
            _summary_estimate(c.summary),
            float(c.summary.std),
        )
        for c in analysis.configurations
    )
    return NoiseData(
        noise_floor=_estimate(analysis.noise_floor),
        hyperparameter_share=_estimate(analysis.hyperparameter_share),
        configurations=rows,
        distinguishable=tuple(analysis.distinguishable_parameters),
        source=f"noise analysis in study {analysis.companion_study_name!r}",
    )


def reevaluation_data_from_result(result: Any) -> ReevaluationData:
    """From a ``Reevaluation`` result (read by attribute, not imported)."""
    rows = tuple(
        ReevaluationRow(
            rank=int(c.rank),
            trial_number=int(c.trial_number),
            original_value=float(c.original_value),
            n=int(c.reevaluated.n),
            reevaluated=_summary_estimate(c.reevaluated),
            optimism=_estimate(c.optimism),
            test=None if c.test is None else _summary_estimate(c.test),
        )
        for c in result.configurations
    )
    return ReevaluationData(
        result.direction, rows, source=f"re-evaluation in study {result.companion_study_name!r}"
    )


def _original(
    companion: StudySnapshot, attr: str, group: Any, parents: dict[str, FrozenTrial]
) -> FrozenTrial | None:
    for t in companion.trials:
        if t.user_attrs.get(attr) == group:
            return parents.get(params_key(t.params))
    return None


def _groups(
    snap: StudySnapshot, experiment: str, attr: str
) -> tuple[StudySnapshot, dict[Any, list[float]], dict[str, FrozenTrial]] | None:
    companion = snap.companions.get(experiment)
    if companion is None or snap.is_multi_objective:
        return None
    groups = group_values(design_points(companion), lambda a: a.get(attr))
    if not groups:
        return None
    return companion, groups, trial_by_params(snap)


def build_noise_data(study: Study | StudySnapshot) -> NoiseData | None:
    """The noise table of the ``"noise"`` companion study; None without one."""
    from hypersense.analysis.experiments.repeats import summarize_repeats
    from hypersense.analysis.experiments.variance_components import (
        one_way_anova,
        variance_share,
        within_variance_interval,
    )

    snap = as_snapshot(study)
    found = _groups(snap, "noise", "design_configuration")
    if found is None:
        return None
    companion, groups, parents = found
    rows = []
    for group, values in sorted(groups.items(), key=lambda kv: kv[0]):
        parent = _original(companion, "design_configuration", group, parents)
        summary = summarize_repeats(values, _CONFIDENCE)
        rows.append(
            RepeatRow(
                None if parent is None else parent.number,
                math.nan if parent is None else parent.objective_value(),
                summary.n,
                _summary_estimate(summary),
                summary.std,
            )
        )
    anova = one_way_anova(list(groups.values()))
    w_low, w_high = within_variance_interval(anova, _CONFIDENCE)
    floor = Estimate(math.sqrt(anova.ms_within), math.sqrt(w_low), math.sqrt(w_high))
    share = Estimate(*variance_share(anova, _CONFIDENCE))
    return NoiseData(
        floor, share, tuple(rows), source=f"repeats in study {companion.study_name!r} (95%)"
    )


def build_reevaluation_data(study: Study | StudySnapshot) -> ReevaluationData | None:
    """The winner's-curse table of the ``"reeval"`` companion study; None without one."""
    from hypersense.analysis.experiments.repeats import summarize_repeats
    from hypersense.analysis.reevaluation import optimism

    snap = as_snapshot(study)
    found = _groups(snap, "reeval", "design_rank")
    if found is None:
        return None
    companion, groups, parents = found
    direction = snap.directions[0]
    rows = []
    for rank, values in sorted(groups.items(), key=lambda kv: kv[0]):
        parent = _original(companion, "design_rank", rank, parents)
        original = math.nan if parent is None else parent.objective_value()
        summary = summarize_repeats(values, _CONFIDENCE)
        rows.append(
            ReevaluationRow(
                rank=int(rank),
                trial_number=None if parent is None else parent.number,
                original_value=original,
                n=summary.n,
                reevaluated=_summary_estimate(summary),
                optimism=_estimate(optimism(original, summary, direction)),
            )
        )
    return ReevaluationData(
        direction, tuple(rows), source=f"re-evaluations in study {companion.study_name!r} (95%)"
    )
