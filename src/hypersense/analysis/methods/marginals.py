"""Marginal curves and surfaces of a surrogate, with bands, as data for plots.

The marginal curve of a parameter is ``E[f | x_j = t]``: the surrogate's mean
objective when that parameter is set to ``t`` and every other parameter is
averaged over the search space (the function whose variance is the main
effect). Surfaces do the same for pairs. Bands are percentile ranges over the
surrogate's draws, the same draws that make the importance intervals.

Given the :class:`~hypersense.analysis.ImportanceResult` of the same trials,
the curves come from the surrogate that result chose and fitted, and carry its
cross-validated R²: one surrogate and one fit for the bars and the curves.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from hypersense.analysis.base import SurrogateSpec, resolve_surrogates
from hypersense.analysis.data import (
    Design,
    TrialSource,
    build_design,
    collect_trials,
    find_scopes,
    search_space_of,
)
from hypersense.analysis.marginal_results import MarginalCurve, MarginalsResult, MarginalSurface
from hypersense.analysis.methods.bootstrap import percentile_interval
from hypersense.analysis.methods.decomposition import (
    main_effect_curves,
    pair_effect_surfaces,
)
from hypersense.analysis.surrogates.base import SeparableExpansion
from hypersense.analysis.surrogates.selection import SurrogateChoice, select_surrogate
from hypersense.direction import StudyDirection

if TYPE_CHECKING:
    from hypersense.analysis.results import ImportanceResult

__all__ = ["curve_points", "marginal_effects"]

_log = logging.getLogger(__name__)

# Grid points per parameter of a pair surface, at most.
_MAX_SURFACE_POINTS = 16


def curve_points(design: Design, column: int, n_points: int) -> NDArray[np.float64]:
    """Encoded points of a curve: every value of a discrete parameter, else
    ``n_points`` evenly spaced in the encoded (linear or log) scale."""
    quad = design.quadratures[column]
    if quad.is_discrete:
        return quad.points
    return np.linspace(0.0, 1.0, n_points)


def _decoded(design: Design, column: int, points: NDArray[np.float64]) -> tuple[object, ...]:
    return tuple(design.distributions[column].from_unit_array(points))


def _band(
    values: NDArray[np.float64], confidence: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    return percentile_interval(values[1:], confidence)


def _resolve_pairs(
    names: Sequence[str], pairs: Sequence[tuple[str, str]] | None, columns: tuple[str, ...]
) -> list[tuple[int, int]]:
    """Column indices of the requested pairs (every pair of ``names`` by default)."""
    if pairs is None:
        return [(columns.index(a), columns.index(b)) for a, b in itertools.combinations(names, 2)]
    out = []
    for pair in pairs:
        if len(pair) != 2 or any(p not in columns for p in pair) or pair[0] == pair[1]:
            raise ValueError(
                f"each entry of `pairs` must be two different parameters of {list(columns)} "
                f"(got {pair!r})"
            )
        out.append((columns.index(pair[0]), columns.index(pair[1])))
    return out


def marginal_effects(
    study: TrialSource,
    *,
    params: Sequence[str] | None = None,
    pairs: Sequence[tuple[str, str]] | None = None,
    surrogate: SurrogateSpec = "auto",
    n_points: int = 32,
    n_bootstrap: int = 100,
    confidence: float = 0.95,
    top_quantile: float | None = None,
    objective: int = 0,
    directions: Sequence[str | StudyDirection] | None = None,
    n_folds: int = 5,
    seed: int | None = None,
    importance: ImportanceResult | None = None,
) -> MarginalsResult:
    """Marginal curves of the parameters active in every trial, and pair surfaces.

    Args:
        study: A study, a history or a sequence of frozen trials.
        params: Parameters to draw curves for (default: all analysed ones).
        pairs: Pairs to draw surfaces for (default: every pair of ``params``).
        surrogate: ``"auto"``, ``"gp"``, ``"rf"`` or surrogate objects.
        n_points: Points of a continuous parameter's curve.
        n_bootstrap: Draws behind the bands.
        confidence: Nominal coverage of the bands.
        top_quantile: Cap values worse than this quantile, as for importance.
        objective: Index of the objective.
        directions: Directions of a bare sequence of trials.
        n_folds: Folds of the surrogate's cross-validation.
        seed: Seed of every random choice.
        importance: The importance result of the same trials (and
            ``top_quantile``): its fitted surrogate is used, and its R²
            reported, instead of choosing and fitting one again. When it was
            computed on other trials, ``surrogate`` is fitted anew.
    """
    if not isinstance(n_points, int) or isinstance(n_points, bool) or n_points < 2:
        raise ValueError(f"`n_points` must be an integer >= 2 (got {n_points!r})")
    if not isinstance(confidence, float) or not 0.0 < confidence < 1.0:
        raise ValueError(f"`confidence` must be a float in (0, 1) (got {confidence!r})")
    if not isinstance(n_bootstrap, int) or isinstance(n_bootstrap, bool) or n_bootstrap < 0:
        raise ValueError(f"`n_bootstrap` must be an integer >= 0 (got {n_bootstrap!r})")
    trials, direction = collect_trials(study, directions=directions, objective=objective)
    space = search_space_of(trials)
    root, _ = find_scopes(trials, space)
    if not root.parameters or not trials:
        raise ValueError("cannot draw marginals: no parameter varies in every complete trial")
    design = build_design(
        root, space, objective=objective, direction=direction, top_quantile=top_quantile
    )
    wanted = design.names if params is None else tuple(params)
    unknown = [p for p in wanted if p not in design.names]
    if unknown:
        raise ValueError(f"`params` {unknown} are not among the analysed {list(design.names)}")
    rng = np.random.default_rng(seed)
    choice = _reused_choice(importance, design, top_quantile)
    if choice is None:
        choice = select_surrogate(
            resolve_surrogates(surrogate),
            design.x,
            design.y,
            design.categorical,
            rng,
            n_folds=n_folds,
        )
    draws = choice.fitted.draws(n_bootstrap, rng)
    expansions = list(draws.expansions(design.quadratures))
    curves = tuple(
        _curve(design, design.names.index(p), n_points, expansions, draws.n_draws, confidence)
        for p in wanted
    )
    surfaces = tuple(
        _surface(design, columns, n_points, expansions, draws.n_draws, confidence)
        for columns in _resolve_pairs(wanted, pairs, design.names)
    )
    return MarginalsResult(
        curves=curves,
        surfaces=surfaces,
        surrogate=choice.name,
        r2=choice.r2,
        confidence=confidence,
        n_trials=design.n_trials,
    )


def _reused_choice(
    importance: ImportanceResult | None, design: Design, top_quantile: float | None
) -> SurrogateChoice | None:
    """The fit of ``importance`` when it was made on this very design, else None."""
    if importance is None:
        return None
    fit = importance.fitted
    if (
        fit is not None
        and fit.columns == design.names
        and importance.n_trials == design.n_trials
        and importance.top_quantile == top_quantile
    ):
        return fit
    _log.debug("the importance result was computed on other trials; fitting a surrogate anew")
    return None


def _curve(
    design: Design,
    column: int,
    n_points: int,
    expansions: list[SeparableExpansion],
    n_draws: int,
    confidence: float,
) -> MarginalCurve:
    points = curve_points(design, column, n_points)
    values = main_effect_curves(expansions, n_draws, column, points)
    low, high = _band(values, confidence)
    return MarginalCurve(
        name=design.names[column],
        values=_decoded(design, column, points),
        mean=tuple(float(v) for v in values[0]),
        low=tuple(float(v) for v in low),
        high=tuple(float(v) for v in high),
    )


def _surface(
    design: Design,
    columns: tuple[int, int],
    n_points: int,
    expansions: list[SeparableExpansion],
    n_draws: int,
    confidence: float,
) -> MarginalSurface:
    a, b = columns
    size = min(n_points, _MAX_SURFACE_POINTS)
    points = (curve_points(design, a, size), curve_points(design, b, size))
    values = pair_effect_surfaces(expansions, n_draws, (a, b), points)
    low, high = _band(values, confidence)

    def rows(grid: NDArray[np.float64]) -> tuple[tuple[float, ...], ...]:
        return tuple(tuple(float(v) for v in row) for row in grid)

    return MarginalSurface(
        names=(design.names[a], design.names[b]),
        values=(_decoded(design, a, points[0]), _decoded(design, b, points[1])),
        mean=rows(values[0]),
        low=rows(low),
        high=rows(high),
    )
