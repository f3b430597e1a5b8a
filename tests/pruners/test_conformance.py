"""The public pruner conformance suite (hypersense.testing) over every built-in pruner."""

from __future__ import annotations

import pytest

from hypersense.pruners import (
    CrossValidationPruner,
    CurveExtrapolationPruner,
    HyperbandPruner,
    MedianPruner,
    NopPruner,
    ObjectivePruner,
    ParetoPruner,
    PatientPruner,
    PercentilePruner,
    SuccessiveHalvingPruner,
    ThresholdPruner,
    WilcoxonPruner,
)
from hypersense.pruners.registry import PRUNERS, pruner_class
from hypersense.testing import PRUNER_CHECKS, Check, PrunerFactory

# Options chosen so that the suite's histories (eight finished curves) reach
# the pruning rules: short start-up, warm-up and interval variants.
CONFIGURATIONS: dict[str, PrunerFactory] = {
    "nop": NopPruner,
    "median": MedianPruner,
    "median-short-startup": lambda: MedianPruner(n_startup_trials=2),
    "median-warmup-interval": lambda: MedianPruner(
        n_startup_trials=1, n_warmup_steps=1, interval_steps=2, n_min_trials=3
    ),
    "percentile-25": lambda: PercentilePruner(25.0, n_startup_trials=1),
    "percentile-90": lambda: PercentilePruner(90.0, n_startup_trials=3),
    "threshold": lambda: ThresholdPruner(upper=1.5),
    "threshold-divergence-only": ThresholdPruner,
    "patient-early-stopping": lambda: PatientPruner(None, patience=1),
    "patient-median": lambda: PatientPruner(MedianPruner(n_startup_trials=2), patience=1),
    "wilcoxon": lambda: WilcoxonPruner(p_threshold=0.2),
    "asha": lambda: SuccessiveHalvingPruner(min_resource=1, max_resource=6),
    "asha-auto": SuccessiveHalvingPruner,
    "hyperband": lambda: HyperbandPruner(min_resource=1, max_resource=6, reduction_factor=2),
    "curve-extrapolation": lambda: CurveExtrapolationPruner(max_resource=6),
    "objective-0-median": lambda: ObjectivePruner(MedianPruner(), objective_index=0),
    "cross-validation": lambda: CrossValidationPruner(
        WilcoxonPruner(p_threshold=0.2), epoch_pruner=MedianPruner()
    ),
    "pareto": lambda: ParetoPruner(n_startup_trials=1),
    "pareto-margin": lambda: ParetoPruner(margin=0.1, n_startup_trials=0, n_warmup_steps=1),
}


@pytest.mark.parametrize("check", PRUNER_CHECKS, ids=str)
@pytest.mark.parametrize("configuration", list(CONFIGURATIONS))
def test_conformance(configuration: str, check: Check[PrunerFactory]) -> None:
    check(CONFIGURATIONS[configuration])


def test_every_built_in_pruner_is_in_the_suite() -> None:
    suite = {type(factory()) for factory in CONFIGURATIONS.values()}
    assert {pruner_class(name) for name in PRUNERS} <= suite
