"""The public sampler conformance suite (hypersense.testing) over every built-in sampler.

Each configuration below runs every check as its own test; a check that does
not apply (CMA-ES and multi-objective studies) is reported as skipped with
its reason. A property test adds random search spaces to the suite's fixed ones.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import HealthCheck, given, settings

import hypersense as hs
from hypersense.samplers import (
    AutoSampler,
    CmaEsSampler,
    GeneticSampler,
    NSGAIISampler,
    QMCSampler,
    RandomSampler,
    TPESampler,
)
from hypersense.samplers.gp import GPSampler
from hypersense.samplers.registry import SAMPLERS
from hypersense.space import Distribution
from hypersense.testing import SAMPLER_CHECKS, Check, SamplerFactory
from hypersense.testing.samplers import check_respects_the_space
from tests.strategies import spaces


def _always_feasible(trial: hs.FrozenTrial) -> Sequence[float]:
    return [-1.0]


# Name -> (factory, trials per short study). Model-based samplers get a short
# start-up so that the studies exercise the model, not only the initial design.
CONFIGURATIONS: dict[str, tuple[SamplerFactory, int]] = {
    "random": (lambda seed: RandomSampler(seed=seed), 12),
    "qmc-sobol": (lambda seed: QMCSampler(seed=seed), 12),
    "qmc-halton": (lambda seed: QMCSampler(qmc_type="halton", seed=seed), 12),
    "tpe": (lambda seed: TPESampler(n_startup_trials=4, seed=seed), 12),
    "tpe-univariate": (
        lambda seed: TPESampler(n_startup_trials=4, multivariate=False, seed=seed),
        12,
    ),
    "tpe-constrained": (
        lambda seed: TPESampler(n_startup_trials=4, constraints_func=_always_feasible, seed=seed),
        12,
    ),
    "gp": (lambda seed: GPSampler(n_startup_trials=3, seed=seed), 12),
    "cmaes": (lambda seed: CmaEsSampler(seed=seed), 20),
    "cmaes-without-margin": (
        lambda seed: CmaEsSampler(with_margin=False, popsize=4, seed=seed),
        12,
    ),
    "genetic": (lambda seed: GeneticSampler(population_size=4, seed=seed), 20),
    "genetic-defaults": (lambda seed: GeneticSampler(seed=seed), 12),
    "genetic-other-operators": (
        lambda seed: GeneticSampler(
            population_size=3, crossover="uniform", mutation="uniform", seed=seed
        ),
        16,
    ),
    "nsga2": (lambda seed: NSGAIISampler(seed=seed), 12),
    "nsga2-small-population": (lambda seed: NSGAIISampler(population_size=4, seed=seed), 16),
    "nsga2-constrained": (
        lambda seed: NSGAIISampler(population_size=4, constraints_func=_always_feasible, seed=seed),
        16,
    ),
    "auto": (lambda seed: AutoSampler(seed=seed), 12),
}

# Built-in names the suite cannot run, and why (their own tests cover them).
NOT_IN_THE_SUITE = {
    "grid": "searches only the space given to its constructor, not the suite's spaces",
}


@pytest.mark.parametrize("check", SAMPLER_CHECKS, ids=str)
@pytest.mark.parametrize("configuration", list(CONFIGURATIONS))
def test_conformance(configuration: str, check: Check[SamplerFactory]) -> None:
    factory, n_trials = CONFIGURATIONS[configuration]
    check(factory, n_trials=n_trials)


@pytest.mark.parametrize("configuration", list(CONFIGURATIONS))
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors],
)
@given(space=spaces())
def test_respects_random_spaces(configuration: str, space: dict[str, Distribution]) -> None:
    factory, n_trials = CONFIGURATIONS[configuration]
    check_respects_the_space(factory, n_trials=n_trials, spaces=[space])


def test_every_built_in_sampler_is_in_the_suite() -> None:
    covered = {name.split("-")[0] for name in CONFIGURATIONS}
    assert covered | set(NOT_IN_THE_SUITE) == set(SAMPLERS)
