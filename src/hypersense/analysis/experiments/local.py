"""One-at-a-time local sensitivity around the best configuration, and its tornado.

For each parameter active at the reference configuration (the best trial's by
default) a sweep moves that parameter alone over ``n_points`` positions of its
unit encoding (the whole range, or a ``window`` around the reference) while
every other parameter keeps its reference value; each point runs with
``n_seeds`` seeds. A curve gives, per point, the mean and a t-interval across
seeds; a sweep's one-way ANOVA F-test says whether its levels differ by more
than seed noise; the tornado ranks parameters by the range of their curve's
means. Conditional parameters are swept only where their branch is active: a
parameter the reference configuration does not use is skipped. All points run
through the companion study ``"<study>:local"``; the reference configuration
is shared by every sweep and runs only ``n_seeds`` times.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hypersense.analysis.experiments.base import DesignPoint, config_key, run_design
from hypersense.analysis.experiments.local_results import (
    LocalSensitivity,
    SensitivityCurve,
    SweepPoint,
    TornadoBar,
)
from hypersense.analysis.experiments.options import (
    check_confidence,
    check_int,
    check_run_options,
    check_window,
)
from hypersense.analysis.experiments.reference import (
    fill_values,
    ranked_trials,
    resolve_reference,
    searched_space,
)
from hypersense.analysis.experiments.repeats import summarize_repeats
from hypersense.analysis.experiments.sweeps import extreme_gap, sweep_values
from hypersense.analysis.experiments.variance_components import one_way_anova
from hypersense.execution.outcome import Objective
from hypersense.pruners.base import Pruner
from hypersense.space.search_space import SearchSpace
from hypersense.study.study import Study

__all__ = [
    "LocalSensitivity",
    "SensitivityCurve",
    "SweepPoint",
    "TornadoBar",
    "local_sensitivity",
]


def _swept_names(
    space: SearchSpace, reference: Mapping[str, Any], parameters: Sequence[str] | None
) -> tuple[list[str], dict[str, str]]:
    if parameters is not None and (
        isinstance(parameters, str) or not isinstance(parameters, Sequence)
    ):
        raise TypeError(f"`parameters` must be a list of names or None (got {parameters!r})")
    wanted = list(space.names) if parameters is None else list(dict.fromkeys(parameters))
    unknown = [n for n in wanted if n not in space]
    if unknown:
        raise ValueError(
            f"`parameters` names {unknown}, which the study never drew (known: {list(space.names)})"
        )
    names, skipped = [], {}
    for name in wanted:
        if name not in reference:
            skipped[name] = "inactive at the reference configuration"
        elif space[name].is_single:
            skipped[name] = "has a single value"
        else:
            names.append(name)
    if not names:
        raise ValueError(f"no parameter to sweep; skipped: {skipped}")
    return names, skipped


def _reference_design(base: Mapping[str, Any], n_seeds: int) -> list[DesignPoint]:
    """The reference configuration's repeats (every sweep shares them by key)."""
    coords = {"reference": True}
    return [
        DesignPoint(config_key(base, "seed", r), base, {**coords, "replicate": r})
        for r in range(n_seeds)
    ]


def _design(
    space: SearchSpace,
    base: Mapping[str, Any],
    reference: Mapping[str, Any],
    sweeps: Mapping[str, list[Any]],
    n_seeds: int,
) -> list[DesignPoint]:
    """Every (parameter, value, seed) of the sweeps, parameter by parameter."""
    points = []
    for name, values in sweeps.items():
        for value in values:
            params = {**base, name: value}
            is_ref = space[name].to_unit(value) == space[name].to_unit(reference[name])
            for r in range(n_seeds):
                coords = {"reference": True} if is_ref else {"parameter": name, "value": value}
                points.append(
                    DesignPoint(config_key(params, "seed", r), params, {**coords, "replicate": r})
                )
    return points


def _curves(
    space: SearchSpace,
    reference: Mapping[str, Any],
    sweeps: Mapping[str, list[Any]],
    values: NDArray[np.float64],
    n_seeds: int,
    confidence: float,
) -> tuple[SensitivityCurve, ...]:
    """Curves from the design's values, shaped as :func:`_design` laid them out."""
    curves, start = [], 0
    for name, swept in sweeps.items():
        dist = space[name]
        groups = values[start : start + len(swept) * n_seeds].reshape(len(swept), n_seeds)
        start += len(swept) * n_seeds
        ref_unit = dist.to_unit(reference[name])
        points = tuple(
            SweepPoint(
                v, dist.to_unit(v), dist.to_unit(v) == ref_unit, summarize_repeats(g, confidence)
            )
            for v, g in zip(swept, groups, strict=True)
        )
        curves.append(
            SensitivityCurve(
                name,
                dist,
                points,
                one_way_anova(list(groups)),
                extreme_gap(list(groups), confidence),
            )
        )
    return tuple(curves)


def local_sensitivity(
    study: Study,
    objective: Objective,
    *,
    n_points: int = 7,
    n_seeds: int = 3,
    window: float | None = None,
    parameters: Sequence[str] | None = None,
    reference: Mapping[str, Any] | None = None,
    n_jobs: int = 1,
    seed: int | None = None,
    confidence: float = 0.95,
    pruner: Pruner | None = None,
    catch: Sequence[type[Exception]] | type[Exception] = (),
) -> LocalSensitivity:
    """Sweep each parameter alone around the reference configuration.

    Runs about ``D · n_points · n_seeds`` new trials of ``objective`` in the
    companion study ``"<study>:local"`` (stored, resumable, parallel with
    ``n_jobs``, prunable with ``pruner``). Failed or pruned repeats are left out
    of their point's statistics.

    Args:
        study: A single-objective study with at least one COMPLETE trial.
        objective: The objective of the search; it should draw its own
            randomness from ``trial.seed`` so that repeats differ.
        n_points: Evenly spaced positions of a numeric sweep (>= 2); discrete
            ranges with fewer values and categoricals visit every value.
        n_seeds: Repeats per point (>= 2 for intervals and F-tests).
        window: Width of each sweep in the unit encoding, in (0, 1], centred
            on the reference (None: the whole range).
        parameters: Parameters to sweep (default: every one active at the
            reference).
        reference: The configuration to sweep around (default: the best
            trial's parameters); its keys are the active parameters.
        n_jobs: Worker processes for the new trials.
        seed: Seed of the trials' seeds (None: fresh).
        confidence: Coverage of the intervals.
        pruner: Pruner of the design trials (None: never prune).
        catch: Exception types that fail a trial but let the design go on.
    """
    n_points = check_int("n_points", n_points, minimum=2)
    n_seeds = check_int("n_seeds", n_seeds, minimum=1)
    window = check_window(window)
    confidence = check_confidence(confidence)
    options = check_run_options(n_jobs=n_jobs, seed=seed, pruner=pruner, catch=catch)

    ranked = ranked_trials(study)
    space = searched_space(ranked)
    ref = resolve_reference(space, ranked, reference)
    names, skipped = _swept_names(space, ref, parameters)
    base = {**fill_values(space, ranked), **ref}
    sweeps = {n: sweep_values(space[n], ref[n], n_points=n_points, window=window) for n in names}
    design = _reference_design(base, n_seeds) + _design(space, base, ref, sweeps, n_seeds)
    outcome = run_design(study, objective, design, experiment="local", options=options)
    return LocalSensitivity(
        study_name=study.study_name,
        companion_study_name=outcome.companion_study_name,
        reference=ref,
        reference_summary=summarize_repeats(outcome.values[:n_seeds], confidence),
        curves=_curves(space, ref, sweeps, outcome.values[n_seeds:], n_seeds, confidence),
        skipped=skipped,
        n_points=n_points,
        n_seeds=n_seeds,
        window=window,
        confidence=confidence,
    )
