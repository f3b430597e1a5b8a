"""Multi-objective maths shared by the samplers, ``Study.best_trials`` and the report.

Pure functions on loss matrices in minimisation form (shapes in the
docstrings): ``fronts`` holds Pareto dominance (non-dominated masks and
sorting into fronts, with constrained domination), crowding distance and the
total violation of constraint values; ``hypervolume`` the dominated volume
and greedy hypervolume subset selection.
"""

from hypersense.pareto.fronts import (
    constrained_front_ranks,
    constraint_violations,
    crowding_distance,
    front_ranks,
    non_dominated_mask,
)
from hypersense.pareto.hypervolume import greedy_hypervolume_subset, hypervolume, reference_point

__all__ = [
    "constrained_front_ranks",
    "constraint_violations",
    "crowding_distance",
    "front_ranks",
    "greedy_hypervolume_subset",
    "hypervolume",
    "non_dominated_mask",
    "reference_point",
]
