"""Seed noise: the study's noise floor, and which hyperparameters beat it.

Two designed experiments, both run through companion studies of the searched
study (stored, resumable, parallel, prunable):

1. **Repeats.** The best configuration and ``n_others`` others are each run
   with ``n_seeds`` seeds (``"<study>:noise"``). The others are a stratified
   sample of the searched configurations: the midpoints of ``n_others``
   equal-probability strata of the ranked values, so they stand for the
   population the search explored. A one-way random-effects ANOVA splits the
   metric's variance into the hyperparameter effect (between configurations,
   ``var_a``, MLS interval) and seed noise (within, ``var_w``, chi-square
   interval); the **noise floor** is ``sd_w`` in the metric's units. Levene's
   test (Brown-Forsythe, median-centred) says whether seeds spread equally at
   every configuration, which the pooled floor assumes.
2. **Per-parameter test.** Each parameter active at the best configuration is
   swept alone with :func:`~hypersense.analysis.experiments.local.local_sensitivity`
   (``n_points`` levels x ``n_seeds`` seeds, in ``"<study>:local"``), and the
   sweep's one-way ANOVA F-test asks whether any level's mean differs beyond
   seed noise. It is exact when the noise is Gaussian with one variance along
   the sweep and robust to moderate non-normality with equal group sizes. We
   prefer it to comparing the range of the sweep's means with the noise floor
   (an extreme statistic whose null distribution depends on the number of
   levels and seeds, while F uses every level and has a known null) and to
   regressing the repeated configurations' means on their parameters (a few
   configurations that differ in every parameter at once cannot separate
   them). One test per parameter is made, so p-values are Holm-adjusted: the
   chance that *any* parameter without effect is called distinguishable stays
   at most ``alpha``. The effect's size is ``sqrt`` of the sweep's
   between-level variance component, in the metric's units, to set beside the
   noise floor.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hypersense.analysis.experiments.base import DesignPoint, config_key, run_design
from hypersense.analysis.experiments.local import LocalSensitivity, local_sensitivity
from hypersense.analysis.experiments.noise_results import (
    NoiseAnalysis,
    ParameterNoiseTest,
    RepeatedConfiguration,
)
from hypersense.analysis.experiments.options import (
    check_confidence,
    check_int,
    check_probability,
    check_run_options,
    check_window,
)
from hypersense.analysis.experiments.reference import (
    distinct_configurations,
    ranked_trials,
    stratified_ranks,
)
from hypersense.analysis.experiments.repeats import IntervalEstimate, summarize_repeats
from hypersense.analysis.experiments.variance_components import (
    OneWayAnova,
    between_variance,
    between_variance_interval,
    equal_noise_p_value,
    holm_adjust,
    one_way_anova,
    variance_share,
    within_variance_interval,
)
from hypersense.execution.outcome import Objective
from hypersense.pruners.base import Pruner
from hypersense.study.study import Study
from hypersense.trial.frozen import FrozenTrial

__all__ = [
    "NoiseAnalysis",
    "ParameterNoiseTest",
    "RepeatedConfiguration",
    "analyze_noise",
    "parameter_noise_tests",
]

_log = logging.getLogger(__name__)


_TEST = (
    "one-way ANOVA F-test per parameter on its one-at-a-time sweep around the best "
    "configuration (levels as groups, seeds as repeats), Holm-adjusted over parameters "
    "at family-wise alpha={alpha}"
)


def parameter_noise_tests(local: LocalSensitivity, alpha: float) -> tuple[ParameterNoiseTest, ...]:
    """The per-parameter F-tests of ``local``'s sweeps, Holm-adjusted at ``alpha``."""
    curves = local.curves
    adjusted = holm_adjust([c.anova.p_value for c in curves])
    tests = []
    for curve, p_adj in zip(curves, adjusted, strict=True):
        a = curve.anova
        tests.append(
            ParameterNoiseTest(
                parameter=curve.parameter,
                effect_sd=math.sqrt(between_variance(a))
                if math.isfinite(a.f_statistic)
                else math.nan,
                range_of_means=curve.range_of_means,
                f_statistic=a.f_statistic,
                df_between=a.df_between,
                df_within=a.df_within,
                p_value=a.p_value,
                p_value_adjusted=float(p_adj),
                is_distinguishable=bool(math.isfinite(p_adj) and p_adj <= alpha),
            )
        )
    return tuple(tests)


def _repeat_design(configs: Sequence[Mapping[str, Any]], n_seeds: int) -> list[DesignPoint]:
    return [
        DesignPoint(config_key(params, "seed", r), params, {"configuration": i, "replicate": r})
        for i, params in enumerate(configs)
        for r in range(n_seeds)
    ]


def _chosen_configurations(study: Study, n_others: int) -> tuple[list[FrozenTrial], list[float]]:
    """The best and ``n_others`` stratified configurations, with their rank quantiles."""
    distinct = distinct_configurations(ranked_trials(study))
    ranks = stratified_ranks(len(distinct), n_others)
    last_rank = max(len(distinct) - 1, 1)
    return [distinct[r] for r in ranks], [r / last_rank for r in ranks]


def _warn_if_noiseless(anova: OneWayAnova, study: Study) -> None:
    if anova.ms_within == 0.0:
        _log.warning(
            "every repeat of each configuration of %r gave the same value: the noise floor is "
            "0 and the F-tests are undefined; does the objective draw its randomness from "
            "trial.seed?",
            study.study_name,
        )


def _check_local(local: object, study: Study) -> None:
    if local is None:
        return
    if not isinstance(local, LocalSensitivity):
        raise TypeError(f"`local` must be a LocalSensitivity or None (got {type(local).__name__})")
    if local.study_name != study.study_name:
        raise ValueError(
            f"`local` was computed on study {local.study_name!r}, not {study.study_name!r}"
        )


def _repeated(
    trial: FrozenTrial, quantile: float, values: NDArray[np.float64], confidence: float
) -> RepeatedConfiguration:
    return RepeatedConfiguration(
        trial_number=trial.number,
        value_quantile=quantile,
        params=dict(trial.params),
        original_value=trial.objective_value(),
        summary=summarize_repeats(values, confidence),
    )


def _variance_estimates(
    anova: OneWayAnova, confidence: float
) -> tuple[IntervalEstimate, IntervalEstimate, IntervalEstimate, IntervalEstimate]:
    """Seed variance, hyperparameter variance, its share, and the noise floor."""
    w_low, w_high = within_variance_interval(anova, confidence)
    seed_var = IntervalEstimate(anova.ms_within, w_low, w_high)
    hyper_var = IntervalEstimate(
        between_variance(anova), *between_variance_interval(anova, confidence)
    )
    share = IntervalEstimate(*variance_share(anova, confidence))
    floor = IntervalEstimate(math.sqrt(anova.ms_within), math.sqrt(w_low), math.sqrt(w_high))
    return seed_var, hyper_var, share, floor


def analyze_noise(
    study: Study,
    objective: Objective,
    *,
    n_others: int = 4,
    n_seeds: int = 5,
    local: LocalSensitivity | None = None,
    n_points: int = 5,
    window: float | None = None,
    alpha: float = 0.05,
    n_jobs: int = 1,
    seed: int | None = None,
    confidence: float = 0.95,
    pruner: Pruner | None = None,
    catch: Sequence[type[Exception]] | type[Exception] = (),
) -> NoiseAnalysis:
    """Measure the study's seed noise and test each hyperparameter against it.

    Runs ``(1 + n_others) · n_seeds`` repeats in ``"<study>:noise"`` and, unless
    ``local`` is given, a one-at-a-time sweep of every active parameter
    (``n_points`` levels x ``n_seeds`` seeds each) in ``"<study>:local"``.
    Both are resumable: calling again with the same options runs nothing new.
    The objective must draw its randomness (initialisation, data order,
    splits) from ``trial.seed``, or repeats will not differ.

    Args:
        study: A single-objective study with at least one COMPLETE trial.
        objective: The objective of the search.
        n_others: Configurations besides the best to repeat (>= 1).
        n_seeds: Seeds per configuration and per sweep point (>= 2).
        local: A finished sweep of this study to test parameters on, instead
            of running one.
        n_points: Levels per numeric sweep when running one.
        window: Sweep width in the unit encoding when running one (None: all).
        alpha: Family-wise error rate of the "distinguishable" verdicts.
        n_jobs: Worker processes for the new trials.
        seed: Seed of the trials' seeds (None: fresh).
        confidence: Coverage of the intervals.
        pruner: Pruner of the design trials (None: never prune).
        catch: Exception types that fail a trial but let the design go on.
    """
    n_others = check_int("n_others", n_others, minimum=1)
    n_seeds = check_int("n_seeds", n_seeds, minimum=2)
    n_points = check_int("n_points", n_points, minimum=2)
    window, alpha = check_window(window), check_probability("alpha", alpha)
    confidence = check_confidence(confidence)
    options = check_run_options(n_jobs=n_jobs, seed=seed, pruner=pruner, catch=catch)
    _check_local(local, study)

    chosen, quantiles = _chosen_configurations(study, n_others)
    design = _repeat_design([dict(t.params) for t in chosen], n_seeds)
    outcome = run_design(study, objective, design, experiment="noise", options=options)
    groups = list(outcome.values.reshape(len(chosen), n_seeds))
    if local is None:
        local = local_sensitivity(
            study,
            objective,
            n_points=n_points,
            n_seeds=n_seeds,
            window=window,
            confidence=confidence,
            **options.keywords(),
        )
    anova = one_way_anova(groups)
    _warn_if_noiseless(anova, study)
    seed_var, hyper_var, share, floor = _variance_estimates(anova, confidence)
    configurations = tuple(
        _repeated(t, q, g, confidence) for t, q, g in zip(chosen, quantiles, groups, strict=True)
    )
    return NoiseAnalysis(
        study_name=study.study_name,
        companion_study_name=outcome.companion_study_name,
        local_study_name=local.companion_study_name,
        configurations=configurations,
        anova=anova,
        seed_variance=seed_var,
        hyperparameter_variance=hyper_var,
        hyperparameter_share=share,
        noise_floor=floor,
        equal_noise_p_value=equal_noise_p_value(groups),
        parameter_tests=parameter_noise_tests(local, alpha),
        test=_TEST.format(alpha=alpha),
        n_seeds=n_seeds,
        alpha=alpha,
        confidence=confidence,
    )
