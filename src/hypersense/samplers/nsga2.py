"""NSGA-II: elitist multi-objective evolution by non-dominated sorting."""

from __future__ import annotations

from hypersense.samplers.evolution.constraints import ConstraintsFunc
from hypersense.samplers.evolution.generational import GenerationalSampler

__all__ = ["NSGAIISampler"]


class NSGAIISampler(GenerationalSampler):
    """Approximates the Pareto front of several objectives with NSGA-II.

    Each generation's COMPLETE trials and its parents are sorted into
    non-dominated fronts; the best fronts survive whole and the last one that
    fits is cut by crowding distance, which keeps the front spread out.
    Parents are chosen by binary tournaments on (front, crowding distance);
    children come from simulated binary crossover and polynomial mutation in
    the unit-cube encoding (categorical parameters are inherited or redrawn).
    With ``constraints_func``, domination is constrained: feasible trials beat
    infeasible ones, which compare by total violation (Deb et al. 2002,
    Section VI). With one objective it is an elitist genetic algorithm.

    Generation 0 is uniform random; generations are defined from trial
    attributes (see :mod:`hypersense.samplers.evolution.generations`), so a
    study resumed in another process, or asked by several workers at once,
    continues the same evolution. A child that repeats an evaluated or pending
    trial is redrawn.

    Args:
        population_size: Members per generation and survivors kept (>= 2).
        crossover: ``"sbx"``, ``"blx"`` or ``"uniform"`` for numeric parameters.
        crossover_prob: Probability that a child has two parents (else it is a
            mutated copy of one parent).
        mutation: ``"polynomial"`` or ``"uniform"`` (each numeric parameter with
            ``mutation_prob``), or ``"gaussian"`` (every numeric parameter,
            step following the parents' spread).
        mutation_prob: Per-parameter mutation probability (categorical
            parameters always; numeric ones unless ``"gaussian"``); None means
            ``1 / n_parameters``.
        tournament_size: Entrants per tournament (2 in NSGA-II).
        constraints_func: ``f(trial) -> Sequence[float]``, values <= 0 meaning
            satisfied, or None.
        seed: Seed of every random choice.
    """

    tag_prefix = "nsga2"

    def __init__(
        self,
        *,
        population_size: int = 50,
        crossover: str = "sbx",
        crossover_prob: float = 0.9,
        mutation: str = "polynomial",
        mutation_prob: float | None = None,
        tournament_size: int = 2,
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
