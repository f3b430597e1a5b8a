"""A genetic algorithm for mixed search spaces."""

from __future__ import annotations

from hypersense.samplers.evolution.constraints import ConstraintsFunc
from hypersense.samplers.evolution.generational import GenerationalSampler

__all__ = ["GeneticSampler"]


class GeneticSampler(GenerationalSampler):
    """Evolves a population with tournament selection, crossover, mutation and elitism.

    Generation 0 is uniform random. Each later trial is a child of two
    parents picked by tournaments among the survivors of the previous
    generation, recombined and mutated in the unit-cube encoding: float and
    integer parameters (linear or log, with or without step) vary
    continuously there and are decoded to valid values; categorical
    parameters are inherited from a parent or, when mutated, redrawn among the
    other choices. Survival is elitist: the best ``population_size`` of a
    generation and its parents make the next parents, so the best trial found
    is never lost. A child that repeats an evaluated or pending trial is
    redrawn, so parallel workers do not duplicate work.

    The defaults suit small tuning budgets (tens to a few hundred trials): a
    small population, tournaments of 3, simulated binary crossover, and
    Gaussian mutation of every numeric parameter with a step equal to the
    parents' spread of that parameter, so the search narrows by itself as the
    population converges; categorical parameters mutate with
    ``mutation_prob`` = 0.1, rarely enough that a good choice spreads through
    the population.

    With several objectives, "better" means a lower Pareto front and then a
    larger crowding distance, as in NSGA-II (see
    :class:`~hypersense.samplers.nsga2.NSGAIISampler`, whose defaults follow
    that algorithm). Generations are defined from trial attributes (see
    :mod:`hypersense.samplers.evolution.generations`), so a study resumed in
    another process, or asked by several workers at once, continues the same
    evolution.

    Args:
        population_size: Members per generation and survivors kept (>= 2).
        crossover: ``"sbx"``, ``"blx"`` or ``"uniform"`` for numeric parameters.
        crossover_prob: Probability that a child has two parents (else it is a
            mutated copy of one parent).
        mutation: ``"gaussian"`` (every numeric parameter, adaptive step),
            ``"polynomial"`` or ``"uniform"`` (each numeric parameter with
            ``mutation_prob``).
        mutation_prob: Per-parameter mutation probability (categorical
            parameters always; numeric ones unless ``"gaussian"``); None means
            ``1 / n_parameters``.
        tournament_size: Entrants per tournament (>= 1).
        constraints_func: ``f(trial) -> Sequence[float]``, values <= 0 meaning
            satisfied, or None. Feasible trials beat infeasible ones; these
            compare by total violation.
        seed: Seed of every random choice.
    """

    tag_prefix = "genetic"

    def __init__(
        self,
        *,
        population_size: int = 8,
        crossover: str = "sbx",
        crossover_prob: float = 0.9,
        mutation: str = "gaussian",
        mutation_prob: float | None = 0.1,
        tournament_size: int = 3,
        constraints_func: ConstraintsFunc | None = None,
        seed: int | None = None,
    ) -> None:
        super().__init__(
            population_size=population_size,
            crossover=crossover,
            crossover_prob=crossover_prob,
            mutation=mutation,
            mutation_prob=mutation_prob,
            tournament_size=tournament_size,
            constraints_func=constraints_func,
            seed=seed,
        )
