"""The evaluators compared: hypersense's and Optuna's, on the same trials."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import optuna
from numpy.typing import NDArray

import hypersense as hs
from hypersense.analysis import (
    FanovaImportanceEvaluator,
    ImportanceResult,
    SobolImportanceEvaluator,
)

optuna.logging.set_verbosity(optuna.logging.WARNING)


@dataclass(frozen=True)
class Outcome:
    """Normalised importances (and intervals, for hypersense) of one analysis."""

    importance: NDArray[np.float64]
    ci_low: NDArray[np.float64] | None
    ci_high: NDArray[np.float64] | None
    seconds: float
    result: ImportanceResult | None = None


def to_optuna(study: hs.Study) -> optuna.Study:
    """The same COMPLETE trials as an in-memory Optuna study."""
    out = optuna.create_study()
    for t in study.trials:
        if not t.is_valid_value():
            continue
        dists: dict[str, optuna.distributions.BaseDistribution] = {}
        for name, d in t.distributions.items():
            if isinstance(d, hs.CategoricalDistribution):
                dists[name] = optuna.distributions.CategoricalDistribution(list(d.choices))
            elif isinstance(d, hs.IntDistribution):
                dists[name] = optuna.distributions.IntDistribution(
                    d.low, d.high, log=d.log, step=d.step
                )
            else:
                dists[name] = optuna.distributions.FloatDistribution(
                    d.low, d.high, log=d.log, step=d.step
                )
        out.add_trial(
            optuna.trial.create_trial(params=dict(t.params), distributions=dists, value=t.value)
        )
    return out


def hypersense_method(
    evaluator: Callable[[int], FanovaImportanceEvaluator | SobolImportanceEvaluator],
) -> Callable[[hs.Study, tuple[str, ...], int], Outcome]:
    def run(study: hs.Study, names: tuple[str, ...], seed: int) -> Outcome:
        start = time.perf_counter()
        result = evaluator(seed).evaluate(study)
        seconds = time.perf_counter() - start
        return Outcome(
            np.array([result[n].importance for n in names]),
            np.array([result[n].ci_low for n in names]),
            np.array([result[n].ci_high for n in names]),
            seconds,
            result,
        )

    return run


def optuna_method(
    make: Callable[[int], optuna.importance.BaseImportanceEvaluator],
) -> Callable[[hs.Study, tuple[str, ...], int], Outcome]:
    def run(study: hs.Study, names: tuple[str, ...], seed: int) -> Outcome:
        peer = to_optuna(study)
        start = time.perf_counter()
        imp = optuna.importance.get_param_importances(peer, evaluator=make(seed), normalize=True)
        seconds = time.perf_counter() - start
        return Outcome(np.array([imp.get(n, 0.0) for n in names]), None, None, seconds)

    return run


METHODS: dict[str, Callable[[hs.Study, tuple[str, ...], int], Outcome]] = {
    "hypersense fanova": hypersense_method(lambda s: FanovaImportanceEvaluator(seed=s)),
    "hypersense sobol": hypersense_method(
        lambda s: SobolImportanceEvaluator(seed=s, n_bootstrap=30)
    ),
    "optuna fanova": optuna_method(lambda s: optuna.importance.FanovaImportanceEvaluator(seed=s)),
    "optuna ped-anova": optuna_method(lambda s: optuna.importance.PedAnovaImportanceEvaluator()),
    "optuna mdi": optuna_method(
        lambda s: optuna.importance.MeanDecreaseImpurityImportanceEvaluator(seed=s)
    ),
}
