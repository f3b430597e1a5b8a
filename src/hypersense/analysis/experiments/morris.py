"""Morris elementary-effects screening run through the study.

Morris screening ranks many hyperparameters with few trials: ``r``
trajectories of ``D + 1`` configurations each, where consecutive
configurations differ in one parameter by a fixed jump on a ``p``-level grid.
Each jump gives one elementary effect ``(y' - y) / Δ`` of that parameter; over
the trajectories, ``μ*`` (mean absolute effect) ranks influence and ``sigma``
(spread of the effects) flags interactions or non-linearity.

The trajectories come from SALib's Morris sampler and the statistics from
SALib's Morris analysis (optional extra ``analysis``), both in the unit cube of
:mod:`hypersense.space`: effects are per unit of a parameter's encoded range,
so a log-scaled learning rate moves along its log scale. Discrete parameters
(integers, stepped floats, categoricals) map the grid levels to their values by
rounding, so the lowest level is the first value and the highest the last; a
categorical's effect is thus that of jumping between choices its declared order
puts apart. A conditional parameter moved where its branch is inactive leaves
the metric unchanged, so its effect is diluted by the share of such jumps.
Elementary effects of a noisy objective include the seed noise; ``μ*`` of a
parameter with no effect is then about ``1.13·sd_noise / Δ`` rather than 0
(the mean of ``|e' - e|`` for two independent noise draws), which is why a
parameter is judged against the others, not against zero.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from hypersense._optional import import_optional
from hypersense.analysis.experiments.base import DesignPoint, config_key, run_design
from hypersense.analysis.experiments.options import (
    check_confidence,
    check_int,
    check_run_options,
)
from hypersense.analysis.experiments.reference import (
    fill_values,
    ranked_trials,
    resolve_reference,
    searched_space,
)
from hypersense.analysis.experiments.serialization import json_dict, rows_to_frame
from hypersense.execution.outcome import Objective
from hypersense.pruners.base import Pruner
from hypersense.space.base import Distribution
from hypersense.space.numeric import IntDistribution
from hypersense.space.search_space import SearchSpace
from hypersense.study.study import Study

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "MorrisEffect",
    "MorrisScreening",
    "complete_trajectories",
    "decode_level",
    "morris_screening",
]

_PURPOSE = "Morris screening"


@dataclass(frozen=True)
class MorrisEffect:
    """Elementary-effect statistics of one parameter, in metric units per unit
    of its encoded range.

    Attributes:
        parameter: The parameter's name.
        mu: Mean elementary effect (its sign is the metric's trend).
        mu_star: Mean absolute elementary effect: the influence ranking.
        sigma: Standard deviation of the elementary effects (interaction or
            non-linearity; also seed noise).
        mu_star_conf: Half-width of SALib's bootstrap interval of ``mu_star``.
        rank: 1 for the largest ``mu_star``.
    """

    parameter: str
    mu: float
    mu_star: float
    sigma: float
    mu_star_conf: float
    rank: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return json_dict(self.__dict__)


@dataclass(frozen=True)
class MorrisScreening:
    """Result of :func:`morris_screening`.

    Attributes:
        study_name: The searched study.
        companion_study_name: The study holding the screening's trials.
        effects: One per screened parameter, largest ``mu_star`` first.
        fixed_params: Values of the parameters held fixed (not screened).
        n_trajectories: Trajectories in the design.
        n_trajectories_used: Trajectories with no failed or pruned point (the
            only ones the statistics use).
        n_levels: Grid levels of the design.
        confidence: Coverage of ``mu_star_conf``.
    """

    study_name: str
    companion_study_name: str
    effects: tuple[MorrisEffect, ...]
    fixed_params: Mapping[str, Any]
    n_trajectories: int
    n_trajectories_used: int
    n_levels: int
    confidence: float

    @property
    def ranking(self) -> tuple[str, ...]:
        """Parameter names, most influential first."""
        return tuple(e.parameter for e in self.effects)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description of the whole result."""
        return json_dict(
            {
                "study_name": self.study_name,
                "companion_study_name": self.companion_study_name,
                "effects": [e.to_dict() for e in self.effects],
                "fixed_params": dict(self.fixed_params),
                "n_trajectories": self.n_trajectories,
                "n_trajectories_used": self.n_trajectories_used,
                "n_levels": self.n_levels,
                "confidence": self.confidence,
            }
        )

    def to_pandas(self) -> pd.DataFrame:
        """One row per parameter: ``parameter, mu, mu_star, sigma, mu_star_conf, rank``."""
        return rows_to_frame([e.to_dict() for e in self.effects], purpose=_PURPOSE)


def decode_level(distribution: Distribution, level: float) -> Any:
    """The value of ``distribution`` at Morris grid coordinate ``level`` in [0, 1].

    Continuous ranges (and log-scaled integers) decode ``level`` as a point of
    their unit encoding. A finite set of ``n`` values takes value number
    ``round(level·(n-1))``, so levels 0 and 1 are the first and last values and
    the levels in between spread evenly over the others.
    """
    n = distribution.n_values
    if n is None or (isinstance(distribution, IntDistribution) and distribution.log):
        return distribution.from_unit(level)
    index = round(min(max(level, 0.0), 1.0) * (n - 1))
    return distribution.from_unit((index + 0.5) / n)


def complete_trajectories(
    levels: NDArray[np.float64], values: NDArray[np.float64], n_factors: int
) -> tuple[NDArray[np.float64], NDArray[np.float64], int]:
    """Keep the trajectories whose every point has a finite value.

    Args:
        levels: Morris design, shape ``(r·(D+1), D)``.
        values: Metric per row, shape ``(r·(D+1),)``; NaN for a missing point.
        n_factors: ``D``.

    Returns:
        The kept rows of ``levels`` and ``values`` and how many trajectories
        they hold.
    """
    size = n_factors + 1
    r = levels.shape[0] // size
    ok = np.isfinite(values.reshape(r, size)).all(axis=1)
    rows = np.repeat(ok, size)
    return levels[rows], values[rows], int(ok.sum())


def _check_parameters(space: SearchSpace, parameters: Sequence[str] | None) -> list[str]:
    if parameters is None:
        names = [n for n in space.names if not space[n].is_single]
    else:
        if isinstance(parameters, str) or not isinstance(parameters, Sequence):
            raise TypeError(f"`parameters` must be a list of names or None (got {parameters!r})")
        names = list(dict.fromkeys(parameters))
        unknown = [n for n in names if n not in space]
        if unknown:
            raise ValueError(
                f"`parameters` names {unknown}, which the study never drew "
                f"(known: {list(space.names)})"
            )
    if len(names) < 2:
        raise ValueError(f"Morris screening needs at least 2 parameters to move (got {names})")
    return names


def _design(
    space: SearchSpace, names: list[str], fixed: Mapping[str, Any], levels: NDArray[np.float64]
) -> list[DesignPoint]:
    points = []
    size = len(names) + 1
    for row, level_row in enumerate(levels):
        moved = {n: decode_level(space[n], float(x)) for n, x in zip(names, level_row, strict=True)}
        params = {**fixed, **moved}
        coords = {"trajectory": row // size, "step": row % size, "levels": level_row.tolist()}
        points.append(DesignPoint(config_key(params, "row", row), params, coords))
    return points


def _effects(names: list[str], analysis: Mapping[str, Any]) -> tuple[MorrisEffect, ...]:
    def column(key: str) -> NDArray[np.float64]:
        return np.asarray(np.ma.filled(analysis[key], np.nan), dtype=float)

    mu, mu_star, sigma, conf = (column(k) for k in ("mu", "mu_star", "sigma", "mu_star_conf"))
    order = np.argsort(-np.nan_to_num(mu_star, nan=-math.inf), kind="stable")
    return tuple(
        MorrisEffect(
            names[j], float(mu[j]), float(mu_star[j]), float(sigma[j]), float(conf[j]), r + 1
        )
        for r, j in enumerate(order)
    )


def morris_screening(
    study: Study,
    objective: Objective,
    *,
    n_trajectories: int = 10,
    n_levels: int = 4,
    parameters: Sequence[str] | None = None,
    reference: Mapping[str, Any] | None = None,
    n_jobs: int = 1,
    seed: int | None = None,
    confidence: float = 0.95,
    n_resamples: int = 1000,
    pruner: Pruner | None = None,
    catch: Sequence[type[Exception]] | type[Exception] = (),
) -> MorrisScreening:
    """Rank the study's hyperparameters by Morris elementary effects.

    Runs ``n_trajectories · (D + 1)`` new trials of ``objective`` in the
    companion study ``"<study>:morris"`` (stored, resumable, parallel with
    ``n_jobs``, prunable with ``pruner``), where ``D`` is the number of screened
    parameters. Trajectories with a failed or pruned point are left out.

    Args:
        study: A finished (or running) single-objective study.
        objective: The objective of the search.
        n_trajectories: Trajectories ``r`` (>= 2); ``r·(D+1)`` trials.
        n_levels: Grid levels ``p`` (even, >= 2).
        parameters: Parameters to screen (default: all the study drew that can
            vary); the others are held at ``reference``.
        reference: Values of the parameters not screened (default: the best
            trial's; parameters inactive there come from the best trial that
            drew them).
        n_jobs: Worker processes for the new trials.
        seed: Seed of the design and of the trials' seeds. None draws a fresh
            design each call, so only a seeded screening resumes.
        confidence: Coverage of the bootstrap interval of ``mu_star``.
        n_resamples: Bootstrap resamples for that interval.
        pruner: Pruner of the design trials (None: never prune).
        catch: Exception types that fail a trial but let the design go on.
    """
    n_trajectories = check_int("n_trajectories", n_trajectories, minimum=2)
    n_levels = check_int("n_levels", n_levels, minimum=2)
    if n_levels % 2:
        raise ValueError(f"`n_levels` must be even (got {n_levels!r})")
    n_resamples = check_int("n_resamples", n_resamples, minimum=10)
    confidence = check_confidence(confidence)
    options = check_run_options(n_jobs=n_jobs, seed=seed, pruner=pruner, catch=catch)
    sample = import_optional("SALib.sample.morris", extra="analysis", purpose=_PURPOSE)
    analyze = import_optional("SALib.analyze.morris", extra="analysis", purpose=_PURPOSE)

    ranked = ranked_trials(study)
    space = searched_space(ranked)
    names = _check_parameters(space, parameters)
    fixed = {**fill_values(space, ranked), **resolve_reference(space, ranked, reference)}
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    rng = np.random.default_rng(options.seed)
    levels = np.asarray(sample.sample(problem, n_trajectories, num_levels=n_levels, seed=rng))
    points = _design(space, names, fixed, levels)
    outcome = run_design(study, objective, points, experiment="morris", options=options)
    kept_levels, kept_values, n_used = complete_trajectories(levels, outcome.values, len(names))
    if n_used < 2:
        raise ValueError(
            f"Morris screening needs at least 2 complete trajectories; only {n_used} of "
            f"{n_trajectories} had no failed or pruned trial (see study "
            f"{outcome.companion_study_name!r})"
        )
    analysis = analyze.analyze(
        problem,
        kept_levels,
        kept_values,
        num_resamples=n_resamples,
        conf_level=confidence,
        num_levels=n_levels,
        seed=rng,
    )
    return MorrisScreening(
        study_name=study.study_name,
        companion_study_name=outcome.companion_study_name,
        effects=_effects(names, analysis),
        fixed_params={n: v for n, v in fixed.items() if n not in names},
        n_trajectories=n_trajectories,
        n_trajectories_used=n_used,
        n_levels=n_levels,
        confidence=confidence,
    )
