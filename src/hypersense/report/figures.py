"""The catalogue of figures: name, section, what each shows, how it is rendered.

One list drives the HTML page (its sections and their order), ``hypersense plot
NAME FIGURE`` (the names users type) and the tests (every figure is rendered).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypersense.report import render
from hypersense.report.render.spec import FigureSpec

__all__ = ["FIGURES", "SECTIONS", "FigureKind", "figure_kind"]


@dataclass(frozen=True)
class FigureKind:
    """One figure of the report.

    Attributes:
        name: Its identifier (``hypersense plot NAME <name>``).
        section: The page section it belongs to.
        title: Its heading.
        shows: What it shows, in one sentence.
        appears: When it appears (what data it needs), in one sentence.
        render: Turns its data class into a figure spec.
    """

    name: str
    section: str
    title: str
    shows: str
    appears: str
    render: Callable[[Any], FigureSpec]


#: Page sections, in order: (id, heading).
SECTIONS = (
    ("search", "Search"),
    ("importance", "What matters"),
    ("training", "Training"),
    ("robustness", "Sensitivity, noise and the winner's curse"),
)

FIGURES: tuple[FigureKind, ...] = (
    FigureKind("history", "search", "Optimisation history",
               "Every completed value by trial number, with the best so far.",
               "Once a trial completes (single-objective studies).", render.render_history),
    FigureKind("pareto", "search", "Pareto front",
               "Completed trials in objective space, the non-dominated ones highlighted.",
               "For studies with several objectives.", render.render_pareto),
    FigureKind("parallel_coordinates", "search", "Parallel coordinates",
               "Each completed trial as a line through its parameters and its value.",
               "Once a trial completes.", render.render_parallel_coordinates),
    FigureKind("state_counts", "search", "Trial states",
               "How many trials completed, were pruned, failed, run or wait.",
               "Always.", render.render_state_counts),
    FigureKind("timeline", "search", "Timeline per worker",
               "When each trial ran, on which worker process.",
               "Once a trial has started.", render.render_timeline),
    FigureKind("importance", "importance", "Importance",
               "How much of the objective's variation each hyperparameter explains, with "
               "intervals and the noise floor.",
               "When the study has 20+ COMPLETE trials (computed by the report) or an importance "
               "analysis is given.",
               render.render_importance),
    FigureKind("marginals", "importance", "Marginal curves",
               "The objective against each parameter: observed trials, and the marginal "
               "(partial-dependence) curve with its band when an analysis computed it.",
               "Once a trial completes; curves when the study has 20+ COMPLETE trials or an "
               "analysis is given.",
               render.render_marginals),
    FigureKind("interactions", "importance", "Interactions",
               "Predicted objective over the strongest pairs of parameters.",
               "When the study has 20+ COMPLETE trials (computed by the report) or an analysis "
               "with interaction surfaces is given.",
               render.render_interactions),
    FigureKind("learning_curves", "training", "Learning curves",
               "Intermediate values per step, pruned trials grey, rungs dotted.",
               "Once trials report intermediate values.", render.render_learning_curves),
    FigureKind("lr_range_test", "training", "LR range test",
               "Training loss against an increasing learning rate for every seed: the "
               "suggestion's interval shaded, the divergence point marked, and the study's "
               "search range when it came from the test.",
               "Once a range test is stored on the study (hypersense lr-find --study, or a "
               "config's lr: {from_range_test: true}) or given to the report.",
               render.render_lr_range_test),
    FigureKind("lr_schedule", "training", "Best trial's LR schedule",
               "The planned learning rate of the best trial over its whole horizon, the rate "
               "of each epoch it trained, and its loss curves.",
               "When the best trial stored 'lr' per epoch (the PyTorch helper does).",
               render.render_lr_schedule),
    FigureKind("lr_batch_size", "training", "Learning rate against batch size",
               "The best learning rate per effective batch size with its interval, the "
               "fitted lr ∝ batch^k with the exponent's interval, and the linear and "
               "square-root rules.",
               "Once a batch-size study is stored on the study "
               "(hypersense lr-find --batch-sizes ... --study).",
               render.render_lr_batch_size),
    FigureKind("weight_distribution", "training", "Weight distribution per layer",
               "The best model's weight density, layer by layer.",
               "When the best trial stored 'weight_histograms' (hypersense.torch.fit does).",
               render.render_weight_distribution),
    FigureKind("param_count", "training", "Metric against model size",
               "Each completed trial's value against its number of model parameters.",
               "When trials stored 'n_params' (the PyTorch helper does).",
               render.render_param_count),
    FigureKind("tornado", "robustness", "Local sensitivity (tornado)",
               "How far each parameter alone moves the mean metric around the best "
               "configuration.",
               "Once local_sensitivity (or analyze_noise) ran on the study.",
               render.render_tornado),
    FigureKind("noise", "robustness", "Seed noise",
               "Repeated configurations: their search value against the mean of their "
               "repeats; the noise floor.",
               "Once analyze_noise ran on the study.", render.render_noise),
    FigureKind("reevaluation", "robustness", "Winner's curse",
               "The top configurations re-evaluated with fresh seeds: how optimistic the "
               "search's values were.",
               "Once reevaluate ran on the study.", render.render_reevaluation),
)  # fmt: skip


#: Other names users type for some figures.
ALIASES = {"lr_range": "lr_range_test", "lr_batch": "lr_batch_size"}


def figure_kind(name: str) -> FigureKind:
    """The figure called ``name`` (hyphens read as underscores; a few aliases
    such as ``lr-range``); ValueError listing the known names otherwise."""
    key = name.replace("-", "_")
    key = ALIASES.get(key, key)
    for kind in FIGURES:
        if kind.name == key:
            return kind
    known = ", ".join(k.name for k in FIGURES)
    raise ValueError(f"unknown figure {name!r}; known figures: {known}")
