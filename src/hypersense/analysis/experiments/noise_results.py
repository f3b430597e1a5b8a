"""The results of the seed-noise analysis: repeated configurations, variance
components and per-parameter verdicts.

Frozen dataclasses that :func:`hypersense.analysis.noise.analyze_noise` returns;
each has a JSON-ready ``to_dict()``, and the whole result a ``to_pandas()``
that imports pandas only when called.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hypersense.analysis.experiments.repeats import IntervalEstimate, RepeatSummary
from hypersense.analysis.experiments.serialization import json_dict, rows_to_frame
from hypersense.analysis.experiments.variance_components import OneWayAnova

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["NoiseAnalysis", "ParameterNoiseTest", "RepeatedConfiguration"]

_PURPOSE = "a noise analysis table"


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
