"""Figure renderers: each turns one data class into a plotly figure spec (a dict)."""

from hypersense.report.render.analysis import (
    render_importance,
    render_interactions,
    render_marginals,
    render_noise,
    render_reevaluation,
    render_tornado,
)
from hypersense.report.render.lr import (
    render_lr_batch_size,
    render_lr_range_test,
    render_lr_schedule,
)
from hypersense.report.render.search import (
    render_history,
    render_parallel_coordinates,
    render_pareto,
    render_state_counts,
    render_timeline,
)
from hypersense.report.render.spec import FigureSpec
from hypersense.report.render.training import (
    render_learning_curves,
    render_param_count,
    render_weight_distribution,
)

__all__ = [
    "FigureSpec",
    "render_history",
    "render_importance",
    "render_interactions",
    "render_learning_curves",
    "render_lr_batch_size",
    "render_lr_range_test",
    "render_lr_schedule",
    "render_marginals",
    "render_noise",
    "render_parallel_coordinates",
    "render_param_count",
    "render_pareto",
    "render_reevaluation",
    "render_state_counts",
    "render_timeline",
    "render_tornado",
    "render_weight_distribution",
]
