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
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from hypersense.analysis.experiments.base import DesignPoint, config_key, run_design
from hypersense.analysis.experiments.local import LocalSensitivity, local_sensitivity
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
from hypersense.analysis.experiments.repeats import (
    IntervalEstimate,
    RepeatSummary,
    summarize_repeats,
)
from hypersense.analysis.experiments.serialization import json_dict, rows_to_frame
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

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "NoiseAnalysis",
    "ParameterNoiseTest",
    "RepeatedConfiguration",
    "analyze_noise",
    "parameter_noise_tests",
]

_log = logging.getLogger(__name__)

_PURPOSE = "noise analysis tables"


@dataclass(frozen=True)
class RepeatedConfiguration:
    """One configuration of the searched study, run again with several seeds.

    Attributes:
        trial_number: Its trial in the searched study.
        value_quantile: Its rank among the searched configurations, from 0
            (best) to 1 (worst).
        params: Its parameters.
        original_value: Its value in the search.
        summary: Its repeats: mean, seed deviation and t-interval.
    """

    trial_number: int
    value_quantile: float
    params: Mapping[str, Any]
    original_value: float
    summary: RepeatSummary

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (the summary flattened)."""
        head = {
            "trial_number": self.trial_number,
            "value_quantile": self.value_quantile,
            "params": dict(self.params),
            "original_value": self.original_value,
        }
        return json_dict({**head, **self.summary.to_dict()})


@dataclass(frozen=True)
class ParameterNoiseTest:
    """Whether one parameter's effect around the best configuration beats seed noise.

    Attributes:
        parameter: The parameter.
        effect_sd: ``sqrt`` of the between-level variance component of its
            sweep, in the metric's units (0 when the levels differ no more than
            noise predicts).
        range_of_means: Largest minus smallest mean along its sweep.
        f_statistic: The sweep's F statistic.
        df_between: Its numerator degrees of freedom (levels - 1).
        df_within: Its denominator degrees of freedom (repeats - levels).
        p_value: ``P(F >= f_statistic)`` with no effect.
        p_value_adjusted: Holm-adjusted over all tested parameters.
        is_distinguishable: ``p_value_adjusted <= alpha``.
    """

    parameter: str
    effect_sd: float
    range_of_means: IntervalEstimate
    f_statistic: float
    df_between: int
    df_within: int
    p_value: float
    p_value_adjusted: float
    is_distinguishable: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (the range flattened)."""
        rng = self.range_of_means
        return json_dict(
            {
                "parameter": self.parameter,
                "effect_sd": self.effect_sd,
                "range": rng.estimate,
                "range_low": rng.low,
                "range_high": rng.high,
                "f_statistic": self.f_statistic,
                "df_between": self.df_between,
                "df_within": self.df_within,
                "p_value": self.p_value,
                "p_value_adjusted": self.p_value_adjusted,
                "is_distinguishable": self.is_distinguishable,
            }
        )


@dataclass(frozen=True)
class NoiseAnalysis:
    """Result of :func:`analyze_noise`; variances in squared metric units.

    Attributes:
        study_name: The searched study.
        companion_study_name: The study holding the repeats.
        local_study_name: The study holding the per-parameter sweeps.
        configurations: The repeated configurations, best first.
        anova: One-way ANOVA of the repeats (configurations as groups).
        seed_variance: ``var_w``, the variance seeds alone cause.
        hyperparameter_variance: ``var_a``, the variance between configurations.
        hyperparameter_share: ``var_a / (var_a + var_w)``.
        noise_floor: ``sd_w``, in the metric's units: differences between
            single runs smaller than about twice this are not telling.
        equal_noise_p_value: Levene (Brown-Forsythe) test that every
            configuration has the same seed spread (NaN when untestable).
        parameter_tests: One per swept parameter, in the space's order.
        test: How ``parameter_tests`` were decided, in words.
        n_seeds: Seeds per configuration and per sweep point.
        alpha: Family-wise error rate of the parameter verdicts.
        confidence: Coverage of the intervals.
    """

    study_name: str
    companion_study_name: str
    local_study_name: str
    configurations: tuple[RepeatedConfiguration, ...]
    anova: OneWayAnova
    seed_variance: IntervalEstimate
    hyperparameter_variance: IntervalEstimate
    hyperparameter_share: IntervalEstimate
    noise_floor: IntervalEstimate
    equal_noise_p_value: float
    parameter_tests: tuple[ParameterNoiseTest, ...]
    test: str
    n_seeds: int
    alpha: float
    confidence: float

    @property
    def distinguishable_parameters(self) -> tuple[str, ...]:
        """Parameters whose effect is distinguishable from seed noise."""
        return tuple(t.parameter for t in self.parameter_tests if t.is_distinguishable)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description of the whole result."""
        return json_dict(
            {
                "study_name": self.study_name,
                "companion_study_name": self.companion_study_name,
                "local_study_name": self.local_study_name,
                "configurations": [c.to_dict() for c in self.configurations],
                "f_statistic": self.anova.f_statistic,
                "p_value": self.anova.p_value,
                "seed_variance": self.seed_variance.to_dict(),
                "hyperparameter_variance": self.hyperparameter_variance.to_dict(),
                "hyperparameter_share": self.hyperparameter_share.to_dict(),
                "noise_floor": self.noise_floor.to_dict(),
                "equal_noise_p_value": self.equal_noise_p_value,
                "parameter_tests": [t.to_dict() for t in self.parameter_tests],
                "test": self.test,
                "n_seeds": self.n_seeds,
                "alpha": self.alpha,
                "confidence": self.confidence,
            }
        )

    def to_pandas(self, table: str = "parameters") -> pd.DataFrame:
        """``table="parameters"``: one row per parameter test;
        ``table="configurations"``: one row per repeated configuration."""
        if table == "parameters":
            rows = [t.to_dict() for t in self.parameter_tests]
        elif table == "configurations":
            rows = [c.to_dict() for c in self.configurations]
        else:
            raise ValueError(f"`table` must be 'parameters' or 'configurations' (got {table!r})")
        return rows_to_frame(rows, purpose=_PURPOSE)


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
        original_value=float(trial.values[0]),  # type: ignore[index]
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

    distinct = distinct_configurations(ranked_trials(study))
    ranks = stratified_ranks(len(distinct), n_others)
    chosen = [distinct[r] for r in ranks]
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
    if anova.ms_within == 0.0:
        _log.warning(
            "every repeat of each configuration of %r gave the same value: the noise floor is "
            "0 and the F-tests are undefined; does the objective draw its randomness from "
            "trial.seed?",
            study.study_name,
        )
    seed_var, hyper_var, share, floor = _variance_estimates(anova, confidence)
    last_rank = max(len(distinct) - 1, 1)
    configurations = tuple(
        _repeated(t, r / last_rank, g, confidence)
        for t, r, g in zip(chosen, ranks, groups, strict=True)
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
