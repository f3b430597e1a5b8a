"""The registered names build the evolutionary samplers, options included."""

from __future__ import annotations

from hypersense.samplers.cma_es import CmaEsSampler
from hypersense.samplers.genetic import GeneticSampler
from hypersense.samplers.nsga2 import NSGAIISampler
from hypersense.samplers.registry import make_sampler


def test_registered_names_build_the_samplers_with_their_options() -> None:
    cma = make_sampler("cmaes", {"popsize": 6, "seed": 1})
    assert isinstance(cma, CmaEsSampler) and "popsize=6" in repr(cma)
    genetic = make_sampler("genetic", {"population_size": 12})
    assert isinstance(genetic, GeneticSampler) and "population_size=12" in repr(genetic)
    nsga2 = make_sampler("nsga2", {"crossover": "blx"})
    assert isinstance(nsga2, NSGAIISampler) and "crossover='blx'" in repr(nsga2)


def test_repr_round_trips_through_the_registry() -> None:
    original = GeneticSampler(population_size=6, crossover="uniform", mutation_prob=0.2, seed=4)
    rebuilt = make_sampler(
        "genetic",
        {"population_size": 6, "crossover": "uniform", "mutation_prob": 0.2, "seed": 4},
    )
    assert repr(rebuilt) == repr(original)
