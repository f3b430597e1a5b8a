"""From :mod:`hypersense.analysis` results to the importance figures' data.

Adapters turn an :class:`~hypersense.analysis.ImportanceResult` and a
:class:`~hypersense.analysis.MarginalsResult` into the report's
:class:`ImportanceData`, :class:`MarginalData` and :class:`InteractionData`;
:func:`build_analysis_figures` computes those results for a snapshot, which
:func:`hypersense.report.build_report` does when it is not given them.

When the report computes the analysis (``analysis=`` of ``build_report``):

* ``"full"`` (default): fANOVA importance over a surrogate chosen by
  cross-validated R², marginal curves of every parameter, and surfaces of the
  (at most three) pairs whose interaction reaches 1% of the modelled variance;
* ``"importance"``: the importance bars only (what ``hypersense show`` prints);
* ``"none"``: nothing.

It runs only with at least ``min_trials`` COMPLETE trials (default 20: below
that a cross-validated fit of a surrogate says little) and with a fixed seed,
so one study always gives the same page. fANOVA needs no optional package, so
the report works without SALib. A study the analysis cannot handle (too few
trials with one set of parameters, no parameter that varies) gets no
importance figures, with a log message, not an error.

The **noise floor** of the bars is in importance units: the importance a
parameter would have if its main effect explained as much of the observed
variance as seed noise does, ``noise share / main-effects share``. The noise
share comes from the ``"<study>:noise"`` companion (``sd_w**2`` over the
observed variance) or, without one, from configurations the study repeated.
Methods without main effects (permutation) get no floor.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hypersense._options import check_int
from hypersense.report.data.importance import (
    ImportanceData,
    InteractionData,
    InteractionSurface,
    MarginalCurve,
    MarginalData,
    ParameterImportance,
    build_marginal_data,
    categories_of,
    observed_slice,
)
from hypersense.report.data.noise import build_noise_data
from hypersense.report.data.parallel import axis_kind
from hypersense.report.data.snapshot import StudySnapshot
from hypersense.trial.state import TrialState

if TYPE_CHECKING:
    from hypersense.analysis.marginal_results import MarginalsResult
    from hypersense.analysis.results import ImportanceResult

__all__ = [
    "ANALYSIS_LEVELS",
    "AnalysisFigures",
    "build_analysis_figures",
    "analysis_figures",
    "check_analysis_options",
    "importance_data_from_result",
    "importance_noise_floor",
    "interaction_data_from_result",
    "marginal_data_from_result",
]

_log = logging.getLogger(__name__)

#: What ``build_report(analysis=...)`` may compute.
ANALYSIS_LEVELS = ("full", "importance", "none")
#: Pairs whose interaction reaches this fraction of the modelled variance get a surface.
MIN_INTERACTION = 0.01
#: Most interaction surfaces computed.
MAX_SURFACES = 3

_METHOD_LABELS = {"fanova": "fANOVA", "sobol": "Sobol", "permutation": "permutation"}


def check_analysis_options(level: object, min_trials: object) -> None:
    """ValueError naming the option unless ``level`` is one of
    :data:`ANALYSIS_LEVELS` and ``min_trials`` an integer >= 4."""
    if level not in ANALYSIS_LEVELS:
        raise ValueError(f"`analysis` must be one of {list(ANALYSIS_LEVELS)} (got {level!r})")
    check_int("analysis_min_trials", min_trials, minimum=4)


def importance_noise_floor(result: ImportanceResult, noise_share: float | None) -> float | None:
    """The importance a parameter reaches when its main effect explains
    ``noise_share`` of the observed variance (see the module's docstring)."""
    main = result.shares.main_effects
    if noise_share is None or main is None or main <= 0.0 or not math.isfinite(noise_share):
        return None
    return noise_share / main


def _noise_share(result: ImportanceResult, snap: StudySnapshot | None) -> float | None:
    """Seed noise as a fraction of the observed variance: the ``:noise`` companion's
    floor when it exists, else the spread of repeated configurations."""
    noise = None if snap is None else build_noise_data(snap)
    observed = result.shares.observed_variance
    if noise is not None and math.isfinite(noise.noise_floor.estimate) and observed > 0:
        return float(noise.noise_floor.estimate**2 / observed)
    return result.shares.noise


def importance_data_from_result(
    result: ImportanceResult, *, snap: StudySnapshot | None = None
) -> ImportanceData:
    """The bars of ``result`` (the whole study's), with the noise floor when
    ``snap`` holds a noise analysis or repeated configurations."""
    label = _METHOD_LABELS.get(result.method, result.method)
    return ImportanceData(
        method=f"{label} on {result.surrogate}",
        parameters=tuple(
            ParameterImportance(p.name, p.importance, p.ci_low, p.ci_high)
            for p in result.parameters
        ),
        noise_floor=importance_noise_floor(result, _noise_share(result, snap)),
        r2=result.r2,
        confidence=result.confidence,
        n_trials=result.n_trials,
        surrogate_reason=result.surrogate_reason,
        notes=result.notes,
        n_pruned_left_out=0 if snap is None else len(snap.in_states(TrialState.PRUNED)),
    )


def _grid(values: Sequence[Any], kind: str) -> tuple[Any, ...]:
    if kind == "categorical":
        return tuple(str(v) for v in values)
    return tuple(float(v) for v in values)


def marginal_data_from_result(
    marginals: MarginalsResult,
    snap: StudySnapshot,
    *,
    objective: int = 0,
    order: Sequence[str] | None = None,
) -> MarginalData:
    """Model curves with bands and observed points; parameters without a model
    curve (e.g. conditional ones) keep their observed slice."""
    space = snap.search_space()
    slices = build_marginal_data(snap, order=order, objective=objective)
    modelled = {c.name: c for c in marginals.curves if c.name in space}
    curves = []
    for observed in () if slices is None else slices.curves:
        curve = modelled.get(observed.parameter)
        if curve is None:
            curves.append(observed)
            continue
        kind = axis_kind(space[curve.name])
        xs, ys = observed_slice(snap, curve.name, objective)
        curves.append(
            MarginalCurve(
                curve.name,
                kind,
                _grid(curve.values, kind),
                curve.mean,
                curve.low,
                curve.high,
                xs,
                ys,
                categories=categories_of(space[curve.name]),
            )
        )
    band = (
        f"{marginals.confidence:.0%} band over draws of the {marginals.surrogate} surrogate "
        f"of the importance analysis (cross-validated R² {marginals.r2:.2f}, "
        f"{marginals.n_trials} trials)"
    )
    return MarginalData(snap.objective_names()[objective], tuple(curves), band=band)


def interaction_data_from_result(
    result: ImportanceResult, marginals: MarginalsResult, snap: StudySnapshot, *, objective: int = 0
) -> InteractionData | None:
    """Surfaces of the pairs of ``marginals``, strongest interaction first; None
    without surfaces."""
    strength = {frozenset(i.names): i.interaction.value for i in result.interactions}
    space = snap.search_space()
    surfaces = []
    for s in marginals.surfaces:
        x_kind, y_kind = (axis_kind(space[n]) for n in s.names)
        # The analysis gives mean[i][j] at (values[0][i], values[1][j]); a surface
        # wants one row per y value, so the grid is transposed.
        z = tuple(tuple(row[j] for row in s.mean) for j in range(len(s.values[1])))
        surfaces.append(
            InteractionSurface(
                s.names[0],
                s.names[1],
                x_kind,
                y_kind,
                _grid(s.values[0], x_kind),
                _grid(s.values[1], y_kind),
                z,
                strength.get(frozenset(s.names), math.nan),
            )
        )
    if not surfaces:
        return None
    surfaces.sort(key=lambda f: -f.strength if math.isfinite(f.strength) else math.inf)
    return InteractionData(
        snap.objective_names()[objective],
        tuple(surfaces),
        measure=f"pure pairwise interaction ({result.method}), fraction of the modelled variance",
    )


@dataclass(frozen=True)
class AnalysisFigures:
    """The importance figures' data a report computed (None: not computed).

    Attributes:
        importance: The bars.
        marginals: Model curves (None: the report shows observed slices).
        interactions: Surfaces of the strongest pairs.
        reasons: Figure name to why its data is missing, in words (e.g. "no
            pairwise interaction reaches 1% of the modelled variance").
        importance_result: The importance analysis behind the figures, for
            callers that also report it in words (None: not computed).
        marginals_result: The marginal effects behind the curves (None: not computed).
    """

    importance: ImportanceData | None = None
    marginals: MarginalData | None = None
    interactions: InteractionData | None = None
    reasons: Mapping[str, str] = field(default_factory=dict)
    importance_result: ImportanceResult | None = None
    marginals_result: MarginalsResult | None = None


def _strong_pairs(result: ImportanceResult) -> list[tuple[str, str]]:
    pairs = [i.names for i in result.interactions if i.interaction.value >= MIN_INTERACTION]
    return pairs[:MAX_SURFACES]


def _no_interaction_reason(result: ImportanceResult) -> str:
    if not result.interactions:
        return f"the {result.method} importance method measures no pairwise interaction"
    strongest = result.interactions[0]
    return (
        f"no pairwise interaction reaches {MIN_INTERACTION:.0%} of the modelled variance "
        f"(the strongest, {' x '.join(strongest.names)}, is "
        f"{strongest.interaction.value:.1%})"
    )


def _not_computed(level: str, n_complete: int, min_trials: int) -> dict[str, str]:
    """Why the analysis figures are missing before any analysis ran."""
    if level == "none":
        why = "not computed: the report was built without analysis (analysis='none')"
    else:
        why = (
            f"the analysis needs at least {min_trials} COMPLETE trials; the study has {n_complete}"
        )
    return {"importance": why, "interactions": why}


def build_analysis_figures(
    snap: StudySnapshot,
    *,
    level: str = "full",
    min_trials: int = 20,
    n_bootstrap: int = 50,
    seed: int = 0,
) -> AnalysisFigures:
    """Compute the importance figures of ``snap`` (see the module's docstring).

    Args:
        snap: The study.
        level: ``"full"``, ``"importance"`` or ``"none"``.
        min_trials: Fewest COMPLETE trials to analyse.
        n_bootstrap: Draws behind the intervals and bands.
        seed: Seed of the analysis.
    """
    check_analysis_options(level, min_trials)
    n_complete = len(snap.completed())
    if level == "none" or n_complete < min_trials:
        return AnalysisFigures(reasons=_not_computed(level, n_complete, min_trials))
    from hypersense.analysis.api import importance
    from hypersense.analysis.methods.marginals import marginal_effects
    from hypersense.analysis.surrogates.threads import single_threaded_blas
    from hypersense.history import StudyHistory

    history = StudyHistory.from_trials(snap.directions, snap.trials)
    # Small BLAS calls: one thread is faster on a busy machine (analysis.surrogates.threads).
    with single_threaded_blas():
        try:
            result = importance(history, n_bootstrap=n_bootstrap, seed=seed)
        except ValueError as exc:
            _log.info("no importance figures for study %r: %s", snap.study_name, exc)
            why = f"the analysis could not run: {exc}"
            return AnalysisFigures(reasons={"importance": why, "interactions": why})
        bars = importance_data_from_result(result, snap=snap)
        if level == "importance":
            why = "not computed: the report was asked for the importance bars only"
            return AnalysisFigures(
                importance=bars, reasons={"interactions": why}, importance_result=result
            )
        marginals = marginal_effects(
            history,
            pairs=_strong_pairs(result),
            surrogate=result.surrogate,
            importance=result,  # the bars' own surrogate and fit
            n_bootstrap=n_bootstrap,
            seed=seed,
        )
    order = [p.name for p in result.parameters]
    interactions = interaction_data_from_result(result, marginals, snap)
    reasons = {} if interactions is not None else {"interactions": _no_interaction_reason(result)}
    return AnalysisFigures(
        importance=bars,
        marginals=marginal_data_from_result(marginals, snap, order=order),
        interactions=interactions,
        reasons=reasons,
        importance_result=result,
        marginals_result=marginals,
    )


def analysis_figures(snap: StudySnapshot, *, level: str, min_trials: int) -> AnalysisFigures:
    """:func:`build_analysis_figures` with the report's defaults; an analysis that
    fails costs the importance figures (with a warning), never the report."""
    try:
        return build_analysis_figures(snap, level=level, min_trials=min_trials)
    except (ValueError, TypeError, KeyError, ArithmeticError) as exc:
        _log.warning("importance figures left out of the report: %s", exc)
        why = f"the analysis failed: {exc}"
        return AnalysisFigures(reasons={"importance": why, "interactions": why})
