"""Building a report: every figure's data from one snapshot of the study.

Lifecycle: :func:`build_report` reads the study once (a
:class:`~hypersense.report.data.StudySnapshot`, with its companion studies),
builds the data of every figure of :data:`~hypersense.report.figures.FIGURES`
(None where the study holds no data for it yet) and returns a :class:`Report`;
:mod:`hypersense.report.html` and :mod:`hypersense.report.static` render it.
Analysis results the study does not store (global importance, an LR range test
not saved on the study) are passed in; results of designed experiments are
also found in their companion studies, and a result passed in wins.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hypersense._options import check_int
from hypersense.lr.result import RangeTestResult
from hypersense.report import data as d
from hypersense.report.data.importance_adapter import (
    AnalysisFigures,
    analysis_figures,
    check_analysis_options,
)
from hypersense.report.figures import FIGURES, figure_kind
from hypersense.report.render.spec import FigureSpec

if TYPE_CHECKING:
    from hypersense.study.study import Study

__all__ = ["Report", "build_report"]

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Report:
    """Every figure's data for one study.

    Attributes:
        overview: Configuration, environment and best trial tables.
        figures: Figure name to its data, or None when the study has none yet.
        pruning: Steps pruning saved, or None.
        noise: The seed-noise table, or None.
        reevaluation: The winner's-curse table, or None.
        created_at: Unix time the report was built.
        missing: Figure name to why it has no data, where the report knows
            better than the figure's general condition (``FigureKind.appears``).
    """

    overview: d.OverviewData
    figures: Mapping[str, Any]
    pruning: d.PruningSavings | None = None
    noise: d.NoiseData | None = None
    reevaluation: d.ReevaluationData | None = None
    created_at: float = field(default_factory=time.time)
    missing: Mapping[str, str] = field(default_factory=dict)

    def available(self) -> tuple[str, ...]:
        """Names of the figures that have data, in catalogue order."""
        return tuple(k.name for k in FIGURES if self.figures.get(k.name) is not None)

    def figure_spec(self, name: str) -> FigureSpec | None:
        """The plotly spec of figure ``name`` (None when it has no data).

        Raises:
            ValueError: If no figure is called ``name``.
        """
        kind = figure_kind(name)
        value = self.figures.get(name)
        return None if value is None else kind.render(value)

    def why_missing(self, name: str) -> str:
        """Why figure ``name`` has no data: the specific reason when known,
        else when the figure appears.

        Raises:
            ValueError: If no figure is called ``name``.
        """
        kind = figure_kind(name)
        return self.missing.get(name) or f"not available yet. {kind.appears}"


def _check_type(name: str, value: Any, expected: type) -> None:
    if value is not None and not isinstance(value, expected):
        raise TypeError(
            f"`{name}` must be a {expected.__name__} or None (got {type(value).__name__})"
        )


def _given_or_built(given: Any, adapt: Callable[[Any], Any], build: Callable[[], Any]) -> Any:
    """``adapt(given)`` when a result was passed in, else ``build()``."""
    return adapt(given) if given is not None else build()


def _safely(name: str, build: Callable[[], Any]) -> Any:
    """Run a builder; a figure whose data is malformed is left out, with a warning,
    so that one bad attribute does not cost the whole report."""
    try:
        return build()
    except (ValueError, TypeError, KeyError) as exc:
        _log.warning("figure %r left out of the report: %s", name, exc)
        return None


def build_report(
    study: Study | d.StudySnapshot,
    *,
    importance: d.ImportanceData | None = None,
    marginals: d.MarginalData | None = None,
    interactions: d.InteractionData | None = None,
    computed: AnalysisFigures | None = None,
    local: Any = None,
    noise: Any = None,
    reevaluation: Any = None,
    lr_range_test: d.LRRangeTestData | RangeTestResult | None = None,
    max_curves: int = 200,
    max_points: int = 100,
    analysis: str = "full",
    analysis_min_trials: int = 20,
) -> Report:
    """Build every figure's data for ``study``.

    Args:
        study: The study (read once, with its companion studies) or a snapshot.
        importance: Global importance to show (see
            :mod:`hypersense.report.data.importance`).
        marginals: Marginal curves; without them the figure shows the observed
            values per parameter, ordered by ``importance`` when given.
        interactions: Interaction surfaces of the strongest pairs.
        computed: The three above as
            :func:`~hypersense.report.data.importance_adapter.build_analysis_figures`
            computed them, with the reasons for the missing ones (give either
            this or the three).
        local: A ``LocalSensitivity`` result (default: read from ``"<study>:local"``).
        noise: A ``NoiseAnalysis`` result (default: read from ``"<study>:noise"``).
        reevaluation: A ``Reevaluation`` result (default: read from ``"<study>:reeval"``).
        lr_range_test: A range test, as a result of :func:`hypersense.lr.range_test`
            or figure data (default: the one stored on the study).
        max_curves: Most learning curves drawn (all are summarised in the band).
        max_points: Most steps drawn per learning curve.
        analysis: When none of ``importance``, ``marginals`` and
            ``interactions`` is given, what to compute for them: ``"full"``
            (importance, marginal curves, interaction surfaces), ``"importance"``
            (the bars only) or ``"none"`` (see
            :mod:`hypersense.report.data.importance_adapter`).
        analysis_min_trials: Fewest COMPLETE trials for that analysis to run.
    """
    check_int("max_curves", max_curves, minimum=5)
    check_int("max_points", max_points, minimum=2)
    _check_type("importance", importance, d.ImportanceData)
    _check_type("marginals", marginals, d.MarginalData)
    _check_type("interactions", interactions, d.InteractionData)
    if isinstance(lr_range_test, RangeTestResult):
        lr_range_test = d.lr_range_test_data(lr_range_test)
    _check_type("lr_range_test", lr_range_test, d.LRRangeTestData)
    _check_type("computed", computed, AnalysisFigures)
    check_analysis_options(analysis, analysis_min_trials)
    snap = d.as_snapshot(study)
    missing: dict[str, str] = {}
    if computed is not None:
        if not (importance is None and marginals is None and interactions is None):
            raise ValueError("give `computed` or `importance`/`marginals`/`interactions`, not both")
        importance, marginals, interactions = (
            computed.importance,
            computed.marginals,
            computed.interactions,
        )
        missing.update(computed.reasons)
    elif importance is None and marginals is None and interactions is None:
        auto = analysis_figures(snap, level=analysis, min_trials=analysis_min_trials)
        importance, marginals, interactions = auto.importance, auto.marginals, auto.interactions
        missing.update(auto.reasons)
    order = None if importance is None else [p.name for p in importance.parameters]
    name = snap.objective_names()[0]
    builders: dict[str, Callable[[], Any]] = {
        "history": lambda: None if snap.is_multi_objective else d.build_history_data(snap),
        "pareto": lambda: d.build_pareto_data(snap),
        "parallel_coordinates": lambda: d.build_parallel_coordinates_data(snap),
        "state_counts": lambda: d.build_state_counts_data(snap) if snap.trials else None,
        "timeline": lambda: d.build_timeline_data(snap),
        "importance": lambda: importance,
        "marginals": lambda: marginals or d.build_marginal_data(snap, order=order),
        "interactions": lambda: interactions,
        "learning_curves": lambda: d.build_learning_curves_data(
            snap, max_curves=max_curves, max_points=max_points
        ),
        "lr_range_test": lambda: lr_range_test or d.build_lr_range_test_data(snap),
        "lr_schedule": lambda: d.build_lr_schedule_data(snap),
        "lr_batch_size": lambda: d.build_lr_batch_size_data(snap),
        "weight_distribution": lambda: d.build_weight_distribution_data(snap),
        "param_count": lambda: d.build_param_count_data(snap),
        "tornado": lambda: _given_or_built(
            local, lambda r: d.tornado_data_from_local(r, name), lambda: d.build_tornado_data(snap)
        ),
        "noise": lambda: _given_or_built(
            noise, d.noise_data_from_analysis, lambda: d.build_noise_data(snap)
        ),
        "reevaluation": lambda: _given_or_built(
            reevaluation, d.reevaluation_data_from_result, lambda: d.build_reevaluation_data(snap)
        ),
    }
    figures = {k.name: _safely(k.name, builders[k.name]) for k in FIGURES}
    return Report(
        overview=d.build_overview_data(snap),
        figures=figures,
        pruning=_safely("pruning", lambda: d.build_pruning_savings(snap)),
        noise=figures["noise"],
        reevaluation=figures["reevaluation"],
        missing={k: v for k, v in missing.items() if figures.get(k) is None},
    )
