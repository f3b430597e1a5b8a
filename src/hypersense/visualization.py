"""Figures under the names Optuna users know, as plotly ``Figure`` objects.

``plot_optimization_history(study)`` and its siblings draw the same figures
as the HTML report: each builds the report's data for one figure (from
:mod:`hypersense.report.data`) and renders it with the report's renderer, so
the numbers always agree with ``hypersense report``. They need plotly
(``pip install "hypersense[plot]"``). Where Optuna takes ``params=``, the
figure keeps only those parameters, in the order given.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hypersense._optional import import_optional
from hypersense.report import data as d
from hypersense.report.data.importance_adapter import AnalysisFigures, build_analysis_figures
from hypersense.report.figures import figure_kind

if TYPE_CHECKING:
    from hypersense.study.study import Study

__all__ = [
    "plot_contour",
    "plot_intermediate_values",
    "plot_optimization_history",
    "plot_parallel_coordinate",
    "plot_param_importances",
    "plot_pareto_front",
    "plot_slice",
    "plot_timeline",
]

_PURPOSE = "plot_* figures"


def _figure(name: str, data: Any, why_empty: str) -> Any:
    """The plotly Figure of report figure ``name`` drawn from ``data``."""
    go = import_optional("plotly.graph_objects", extra="plot", purpose=_PURPOSE)
    if data is None:
        raise ValueError(f"no {figure_kind(name).title.lower()} to draw: {why_empty}")
    spec = figure_kind(name).render(data)
    return go.Figure({"data": spec["data"], "layout": spec["layout"]})


def _picked(names: Sequence[str], params: Sequence[str] | None, what: str) -> list[int]:
    """Indices of ``params`` among ``names`` (all when None), in the order given."""
    if params is None:
        return list(range(len(names)))
    unknown = [p for p in params if p not in names]
    if unknown:
        raise ValueError(f"`params` names {unknown}, which the {what} does not have: {names}")
    return [list(names).index(p) for p in params]


def _analysis(study: Study, level: str) -> AnalysisFigures:
    return build_analysis_figures(d.as_snapshot(study), level=level, min_trials=4)


def plot_optimization_history(study: Study) -> Any:
    """Every completed value by trial number, with the best so far."""
    snap = d.as_snapshot(study)
    if snap.is_multi_objective:
        raise ValueError("a study with several objectives has no single history; use "
                         "plot_pareto_front")  # fmt: skip
    return _figure("history", d.build_history_data(snap), "the study has no COMPLETE trial")


def plot_intermediate_values(study: Study) -> Any:
    """The values each trial reported per step; pruned trials grey."""
    data = d.build_learning_curves_data(d.as_snapshot(study))
    return _figure("learning_curves", data, "no trial reported intermediate values")


def plot_parallel_coordinate(study: Study, params: Sequence[str] | None = None) -> Any:
    """Each completed trial as a line through its parameters and its value."""
    data = d.build_parallel_coordinates_data(d.as_snapshot(study))
    if data is not None and params is not None:
        keep = _picked([a.name for a in data.axes], params, "study")
        data = dataclasses.replace(data, axes=tuple(data.axes[i] for i in keep))
    return _figure("parallel_coordinates", data, "the study has no COMPLETE trial")


def plot_slice(study: Study, params: Sequence[str] | None = None) -> Any:
    """The objective against each parameter, one panel per parameter."""
    data = d.build_marginal_data(d.as_snapshot(study))
    if data is not None and params is not None:
        keep = _picked([c.parameter for c in data.curves], params, "study")
        data = dataclasses.replace(data, curves=tuple(data.curves[i] for i in keep))
    return _figure("marginals", data, "the study has no COMPLETE trial")


def plot_contour(study: Study, params: Sequence[str] | None = None) -> Any:
    """The surrogate's predicted objective over the strongest pairs of parameters
    (only pairs of ``params``, when given)."""
    data = _analysis(study, "full").interactions
    if data is not None and params is not None:
        wanted = set(params)
        surfaces = tuple(s for s in data.surfaces if {s.x_name, s.y_name} <= wanted)
        data = dataclasses.replace(data, surfaces=surfaces) if surfaces else None
    return _figure("interactions", data, "too few COMPLETE trials, or no analysed pair of `params`")


def plot_param_importances(study: Study, params: Sequence[str] | None = None) -> Any:
    """How much of the objective's variation each parameter explains, with intervals."""
    data = _analysis(study, "importance").importance
    if data is not None and params is not None:
        keep = _picked([p.name for p in data.parameters], params, "importance analysis")
        data = dataclasses.replace(data, parameters=tuple(data.parameters[i] for i in keep))
    return _figure("importance", data, "too few COMPLETE trials to fit a surrogate")


def plot_pareto_front(study: Study) -> Any:
    """Completed trials in objective space, the non-dominated ones highlighted."""
    data = d.build_pareto_data(d.as_snapshot(study))
    return _figure("pareto", data, "the study needs several objectives and a COMPLETE trial")


def plot_timeline(study: Study) -> Any:
    """When each trial ran, on which worker process."""
    data = d.build_timeline_data(d.as_snapshot(study))
    return _figure("timeline", data, "no trial has started")
