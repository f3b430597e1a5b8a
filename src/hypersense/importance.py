"""Parameter importances in the shape Optuna users know.

``get_param_importances(study)`` returns a dict from parameter name to its
importance, most important first, summing to 1 like Optuna's — computed by
hypersense's analysis (fANOVA on a cross-validated surrogate). The intervals,
the surrogate's fit and the interactions are in
:func:`hypersense.analysis.importance`, which this calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hypersense.study.study import Study

__all__ = ["get_param_importances"]


def get_param_importances(
    study: Study,
    *,
    params: Sequence[str] | None = None,
    objective: int = 0,
    normalize: bool = True,
    seed: int | None = 0,
) -> dict[str, float]:
    """Importance of each parameter, most important first.

    Args:
        study: The study (its COMPLETE trials are analysed).
        params: Only these parameters (all by default).
        objective: Which objective of a multi-objective study.
        normalize: Scale so the importances sum to 1 (as Optuna does); else the
            share of the objective's variance each explains on its own.
        seed: Seed of the analysis (fixed by default, so the order is stable).
    """
    from hypersense.analysis.api import importance

    result = importance(study, objective=objective, seed=seed)
    scores = {p.name: max(float(p.importance), 0.0) for p in result.parameters}
    if params is not None:
        unknown = [p for p in params if p not in scores]
        if unknown:
            raise ValueError(f"`params` names {unknown}, not analysed parameters {list(scores)}")
        scores = {p: scores[p] for p in params}
    total = sum(scores.values())
    if normalize and total > 0:
        scores = {name: value / total for name, value in scores.items()}
    return dict(sorted(scores.items(), key=lambda item: -item[1]))
