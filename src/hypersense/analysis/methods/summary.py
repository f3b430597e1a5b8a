"""Turning per-draw indices into the result dataclasses users read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hypersense.analysis.data import Design, replicate_noise_variance
from hypersense.analysis.methods.bootstrap import DrawIndices, normalise, percentile_interval
from hypersense.analysis.results import (
    Estimate,
    ImportanceResult,
    InteractionImportance,
    ParameterImportance,
    VarianceShares,
)
from hypersense.analysis.surrogates.selection import SurrogateChoice
from hypersense.direction import StudyDirection

__all__ = ["WEAK_FIT_R2", "WEAK_MAIN_EFFECTS", "summarise", "variance_shares"]

#: Below this cross-validated R², results carry a note that they mean little.
WEAK_FIT_R2 = 0.5
#: Below this sum of first-order indices, results note that effects are interactions.
WEAK_MAIN_EFFECTS = 0.1


def _estimates(draws: NDArray[np.float64], confidence: float) -> list[Estimate]:
    """One Estimate per column of ``draws`` (shape ``(S, d)``), point from row 0."""
    low, high = percentile_interval(draws[1:], confidence)
    return [
        Estimate(float(v), float(lo), float(hi))
        for v, lo, hi in zip(draws[0], low, high, strict=True)
    ]


def variance_shares(indices: DrawIndices, design: Design, r2: float) -> VarianceShares:
    """Shares of the observed variance (see :class:`VarianceShares`)."""
    explained = float(np.clip(r2, 0.0, 1.0))
    observed = float(np.var(design.y)) if design.n_trials else 0.0
    noise_var = replicate_noise_variance(design.x, design.y)
    noise = None if noise_var is None or observed <= 0 else min(noise_var / observed, 1.0)
    main = inter = pairwise = None
    if indices.main is not None:
        main_sum = float(np.clip(np.sum(np.maximum(indices.main[0], 0.0)), 0.0, 1.0))
        main, inter = explained * main_sum, explained * (1.0 - main_sum)
    if indices.pair is not None:
        upper = np.triu(np.maximum(indices.pair[0], 0.0), k=1)
        pairwise = explained * float(min(np.sum(upper), 1.0))
    return VarianceShares(
        explained=explained,
        main_effects=main,
        interactions=inter,
        pairwise_interactions=pairwise,
        unexplained=1.0 - explained,
        noise=noise,
        observed_variance=observed,
    )


def _interactions(
    pair: NDArray[np.float64] | None, names: tuple[str, ...], confidence: float
) -> tuple[InteractionImportance, ...]:
    if pair is None:
        return ()
    out = []
    for j in range(len(names)):
        for k in range(j + 1, len(names)):
            (est,) = _estimates(np.maximum(pair[:, j, k], 0.0)[:, None], confidence)
            out.append(InteractionImportance((names[j], names[k]), est))
    return tuple(sorted(out, key=lambda i: -i.interaction.value))


def summarise(
    indices: DrawIndices,
    design: Design,
    choice: SurrogateChoice,
    *,
    method: str,
    confidence: float,
    top_quantile: float | None,
    objective: int,
    direction: StudyDirection,
    condition: Mapping[str, Any],
    notes: tuple[str, ...],
) -> ImportanceResult:
    """The :class:`ImportanceResult` of one scope from its per-draw indices."""
    importance = _estimates(normalise(indices.basis), confidence)
    main = None if indices.main is None else _estimates(np.maximum(indices.main, 0.0), confidence)
    total = (
        None if indices.total is None else _estimates(np.maximum(indices.total, 0.0), confidence)
    )
    parameters = [
        ParameterImportance(
            name=name,
            importance=imp.value,
            ci_low=imp.ci_low,
            ci_high=imp.ci_high,
            method=method,
            surrogate=choice.name,
            r2=choice.r2,
            main_effect=None if main is None else main[j],
            total_effect=None if total is None else total[j],
        )
        for j, (name, imp) in enumerate(zip(design.names, importance, strict=True))
    ]
    extra_notes = list(notes)
    if choice.r2 < WEAK_FIT_R2:
        extra_notes.append(
            f"the {choice.name} surrogate predicts only R²={choice.r2:.2f} of the variance out "
            "of sample; these importances mean little"
        )
    if indices.main is not None:
        main_sum = float(np.sum(np.maximum(indices.main[0], 0.0)))
        if main_sum < WEAK_MAIN_EFFECTS:
            extra_notes.append(
                f"main effects explain only {main_sum:.0%} of the surrogate's variance: the "
                "normalised importances split a small quantity; read the total effects and "
                "interactions"
            )
    return ImportanceResult(
        method=method,
        surrogate=choice.name,
        r2=choice.r2,
        surrogate_r2=dict(choice.scores),
        parameters=tuple(sorted(parameters, key=lambda p: -p.importance)),
        interactions=_interactions(indices.pair, design.names, confidence),
        shares=variance_shares(indices, design, choice.r2),
        n_trials=design.n_trials,
        objective=objective,
        direction=direction.value,
        top_quantile=top_quantile,
        confidence=confidence,
        interval=indices.interval,
        n_draws=indices.n_draws - 1,
        condition=dict(condition),
        notes=tuple(extra_notes),
        surrogate_reason=choice.reason,
        fitted=choice,
    )
