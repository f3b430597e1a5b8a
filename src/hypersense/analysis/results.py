"""What an importance analysis returns: plain frozen dataclasses (marginal
curves and surfaces are in :mod:`.marginal_results`).

Every number that is estimated carries its interval. Results are data first:
``to_dict()`` gives JSON-ready values (for ``hypersense analyze --json`` and the
HTML report) and ``to_pandas()`` gives one row per parameter (pandas is an
optional dependency, imported only there).

Vocabulary:

* *importance*: a parameter's share of the summed effects the method measures
  (first-order effects for fANOVA and Sobol, total effects for permutation);
  the importances of one result sum to 1. These are the normalised bars.
* *main effect* / *total effect* / *interaction*: fractions of the surrogate's
  variance over the search space (uniform in the encoded unit cube, so a
  log-scaled parameter is weighed on its log scale).
* *shares*: fractions of the *observed* variance of the objective, so a user
  sees how much the hyperparameters explain at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hypersense._optional import import_optional
from hypersense.analysis.experiments.serialization import json_number

if TYPE_CHECKING:
    import pandas as pd

    from hypersense.analysis.surrogates.selection import SurrogateChoice

__all__ = [
    "Estimate",
    "ImportanceResult",
    "InteractionImportance",
    "ParameterImportance",
    "VarianceShares",
]


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its confidence interval.

    Attributes:
        value: The estimate from the surrogate fitted on all analysed trials.
        ci_low: Lower end of the interval.
        ci_high: Upper end of the interval.
    """

    value: float
    ci_low: float
    ci_high: float

    def to_dict(self) -> dict[str, float | None]:
        """``{"value", "ci_low", "ci_high"}`` with NaN as None."""
        return {
            "value": json_number(self.value),
            "ci_low": json_number(self.ci_low),
            "ci_high": json_number(self.ci_high),
        }


@dataclass(frozen=True)
class ParameterImportance:
    """How much one hyperparameter matters.

    Attributes:
        name: The parameter.
        importance: Normalised importance; the importances of a result sum to 1.
        ci_low: Lower end of the importance's interval.
        ci_high: Upper end of the importance's interval.
        method: ``"fanova"``, ``"sobol"`` or ``"permutation"``.
        surrogate: The surrogate the estimate comes from (``"gp"``, ``"rf"``).
        r2: Cross-validated R² of that surrogate on the analysed trials; the
            importance means little when it is low.
        main_effect: First-order index (fraction of the surrogate's variance
            explained by this parameter alone), when the method measures it.
        total_effect: Total-effect index (fraction of variance involving this
            parameter, interactions included), when the method measures it.
    """

    name: str
    importance: float
    ci_low: float
    ci_high: float
    method: str
    surrogate: str
    r2: float
    main_effect: Estimate | None = None
    total_effect: Estimate | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {
            "name": self.name,
            "importance": json_number(self.importance),
            "ci_low": json_number(self.ci_low),
            "ci_high": json_number(self.ci_high),
            "method": self.method,
            "surrogate": self.surrogate,
            "r2": json_number(self.r2),
            "main_effect": None if self.main_effect is None else self.main_effect.to_dict(),
            "total_effect": None if self.total_effect is None else self.total_effect.to_dict(),
        }


@dataclass(frozen=True)
class InteractionImportance:
    """The pure interaction of two parameters (their second-order index).

    Attributes:
        names: The two parameters, in search-space order.
        interaction: Fraction of the surrogate's variance explained by the two
            together beyond their main effects.
    """

    names: tuple[str, str]
    interaction: Estimate

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {"names": list(self.names), "interaction": self.interaction.to_dict()}


@dataclass(frozen=True)
class VarianceShares:
    """Fractions of the observed variance of the objective.

    The surrogate's cross-validated R² is the part the hyperparameters explain;
    it is split in the proportions of the surrogate's variance decomposition.
    ``main_effects + interactions + unexplained == 1`` when all are measured.

    Attributes:
        explained: Cross-validated R² of the surrogate, clipped to [0, 1].
        main_effects: Explained by single parameters; None when the method
            does not measure main effects (permutation).
        interactions: Explained by interactions of any order; None when not
            measured.
        pairwise_interactions: The part of ``interactions`` due to pairs;
            None when pairs were not measured.
        unexplained: Not explained by the surrogate out of sample (1 - R²).
        noise: Variance between repeated runs of one configuration (seeds,
            splits) as a fraction of the observed variance; None when no
            configuration was repeated. It is part of ``unexplained``.
        observed_variance: Variance of the objective over the analysed trials,
            in the objective's squared units.
    """

    explained: float
    main_effects: float | None
    interactions: float | None
    pairwise_interactions: float | None
    unexplained: float
    noise: float | None
    observed_variance: float

    def to_dict(self) -> dict[str, float | None]:
        """JSON-ready fields."""
        return {
            "explained": json_number(self.explained),
            "main_effects": json_number(self.main_effects),
            "interactions": json_number(self.interactions),
            "pairwise_interactions": json_number(self.pairwise_interactions),
            "unexplained": json_number(self.unexplained),
            "noise": json_number(self.noise),
            "observed_variance": json_number(self.observed_variance),
        }


@dataclass(frozen=True)
class ImportanceResult:
    """Global importance of the parameters of one analysed set of trials.

    A study with conditional parameters gives one result over all trials (the
    parameters active in every trial, the branch choice among them) and, in
    ``branches``, one result per branch over the trials where that branch's
    parameters are active, each with its own surrogate, fit and intervals.

    Attributes:
        method: ``"fanova"``, ``"sobol"`` or ``"permutation"``.
        surrogate: The surrogate used (``"gp"`` or ``"rf"``).
        r2: Its cross-validated R² on the analysed trials.
        surrogate_r2: Cross-validated R² of every candidate surrogate tried.
        surrogate_reason: Why that surrogate was chosen, in one sentence.
        parameters: One entry per analysed parameter, most important first.
        interactions: Pairwise interactions, largest first (empty when the
            method does not measure them).
        shares: Fractions of the observed variance.
        n_trials: How many trials were analysed.
        objective: Index of the analysed objective.
        direction: ``"minimize"`` or ``"maximize"``.
        top_quantile: When set, values worse than this quantile of the trials
            were capped at it, so the analysis says what matters among good
            configurations.
        confidence: Nominal coverage of the intervals, e.g. 0.95.
        interval: How intervals were made: ``"gp-posterior"`` (draws of the
            Gaussian process's posterior, hyperparameters included) or
            ``"bootstrap"`` (refits on trials resampled with replacement).
        n_draws: How many posterior draws or bootstrap refits made the intervals.
        condition: The branch analysed, e.g. ``{"kind": "linear"}``; empty for
            the whole study.
        branches: Results of the conditional branches.
        notes: Caveats for the reader (skipped parameters or branches, a weak fit).
        fitted: The chosen surrogate as fitted, so that marginal curves of the
            same trials come from the very same model and fit
            (:func:`~hypersense.analysis.marginal_effects` takes this result);
            not part of comparisons, ``repr`` or ``to_dict``.
    """

    method: str
    surrogate: str
    r2: float
    surrogate_r2: Mapping[str, float]
    parameters: tuple[ParameterImportance, ...]
    interactions: tuple[InteractionImportance, ...]
    shares: VarianceShares
    n_trials: int
    objective: int
    direction: str
    top_quantile: float | None
    confidence: float
    interval: str
    n_draws: int
    condition: Mapping[str, Any] = field(default_factory=dict)
    branches: tuple[ImportanceResult, ...] = ()
    notes: tuple[str, ...] = ()
    surrogate_reason: str = ""
    fitted: SurrogateChoice | None = field(default=None, repr=False, compare=False)

    def __getitem__(self, name: str) -> ParameterImportance:
        """The entry of parameter ``name``; KeyError naming the parameters."""
        for p in self.parameters:
            if p.name == name:
                return p
        raise KeyError(
            f"no parameter {name!r} in this result; it has {[p.name for p in self.parameters]}"
        )

    @property
    def importances(self) -> dict[str, float]:
        """Parameter name to normalised importance, most important first."""
        return {p.name: p.importance for p in self.parameters}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready nested dictionaries and lists (branches included)."""
        return {
            "method": self.method,
            "surrogate": self.surrogate,
            "r2": json_number(self.r2),
            "surrogate_r2": {k: json_number(v) for k, v in self.surrogate_r2.items()},
            "surrogate_reason": self.surrogate_reason,
            "parameters": [p.to_dict() for p in self.parameters],
            "interactions": [i.to_dict() for i in self.interactions],
            "shares": self.shares.to_dict(),
            "n_trials": self.n_trials,
            "objective": self.objective,
            "direction": self.direction,
            "top_quantile": self.top_quantile,
            "confidence": self.confidence,
            "interval": self.interval,
            "n_draws": self.n_draws,
            "condition": dict(self.condition),
            "branches": [b.to_dict() for b in self.branches],
            "notes": list(self.notes),
        }

    def to_pandas(self) -> pd.DataFrame:
        """One row per parameter and branch: importance, interval, main and
        total effects, surrogate and fit. Needs pandas."""
        pandas = import_optional("pandas", extra="pandas", purpose="ImportanceResult.to_pandas()")
        return pandas.DataFrame(self._rows())

    def interactions_to_pandas(self) -> pd.DataFrame:
        """One row per parameter pair and branch. Needs pandas."""
        pandas = import_optional(
            "pandas", extra="pandas", purpose="ImportanceResult.interactions_to_pandas()"
        )
        rows = []
        for result in (self, *self._all_branches()):
            for inter in result.interactions:
                rows.append(
                    {
                        "condition": _condition_label(result.condition),
                        "param_a": inter.names[0],
                        "param_b": inter.names[1],
                        "interaction": inter.interaction.value,
                        "ci_low": inter.interaction.ci_low,
                        "ci_high": inter.interaction.ci_high,
                    }
                )
        return pandas.DataFrame(rows)

    def _all_branches(self) -> tuple[ImportanceResult, ...]:
        out: list[ImportanceResult] = []
        for b in self.branches:
            out.append(b)
            out.extend(b._all_branches())
        return tuple(out)

    def _rows(self) -> list[dict[str, Any]]:
        rows = []
        for result in (self, *self._all_branches()):
            for p in result.parameters:
                main, total = p.main_effect, p.total_effect
                rows.append(
                    {
                        "condition": _condition_label(result.condition),
                        "name": p.name,
                        "importance": p.importance,
                        "ci_low": p.ci_low,
                        "ci_high": p.ci_high,
                        "main_effect": None if main is None else main.value,
                        "main_effect_ci_low": None if main is None else main.ci_low,
                        "main_effect_ci_high": None if main is None else main.ci_high,
                        "total_effect": None if total is None else total.value,
                        "total_effect_ci_low": None if total is None else total.ci_low,
                        "total_effect_ci_high": None if total is None else total.ci_high,
                        "method": p.method,
                        "surrogate": p.surrogate,
                        "r2": p.r2,
                        "n_trials": result.n_trials,
                    }
                )
        return rows


def _condition_label(condition: Mapping[str, Any]) -> str:
    """``"kind='linear'"`` for a branch, ``""`` for the whole study."""
    return ", ".join(f"{k}={v!r}" for k, v in condition.items())
