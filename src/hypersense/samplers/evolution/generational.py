"""The generational engine shared by the genetic samplers.

Lifecycle of one proposal (``sample_relative``):

1. The trial's generation is derived from the history
   (:mod:`~hypersense.samplers.evolution.generations`) and written to
   ``context.system_attrs``; the coordinator stores it on the trial.
2. Generation 0 is uniform random (every parameter goes through
   ``sample_independent``).
3. For generation ``g >= 1`` the parents are the survivors of generation
   ``g - 1``: the best ``population_size`` of its COMPLETE members together with
   the parents of ``g - 1`` ((mu + lambda) elitism), in the preference order of
   :func:`~hypersense.samplers.evolution.selection.preference_order`. Survivors
   are recomputed from the history (memoised in memory), so any process
   derives the same ones.
4. A child comes from tournament selection, crossover and mutation in the
   unit-cube encoding, redrawn (a few times) when it repeats an evaluated or
   pending point, so parallel workers do not propose duplicates.

Subclasses only choose defaults and document the algorithm they stand for.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from hypersense._options import check_int, check_number
from hypersense.history import StudyHistory
from hypersense.samplers.base import Sampler, SamplingContext
from hypersense.samplers.evolution.constraints import (
    ConstraintsFunc,
    ViolationCache,
    check_constraints_func,
)
from hypersense.samplers.evolution.generations import (
    complete_generation,
    generation_after,
    group_by_generation,
)
from hypersense.samplers.evolution.operators import (
    Crossover,
    Mutation,
    adaptive_sigma,
    crossover,
    mutate,
)
from hypersense.samplers.evolution.selection import preference_order, tournament
from hypersense.samplers.evolution.trial_memo import IncrementalIntersection, TrialMemo
from hypersense.space.base import Distribution, ParamValue
from hypersense.space.categorical import CategoricalDistribution
from hypersense.space.numeric import FloatDistribution
from hypersense.space.search_space import SearchSpace
from hypersense.trial.frozen import FrozenTrial
from hypersense.trial.state import TrialState

__all__ = ["GenerationalSampler"]

_log = logging.getLogger(__name__)

# How many times a child that repeats an evaluated or pending point is redrawn.
_MAX_REDRAWS = 16
# Decimals kept when comparing encoded points for duplicates (absorbs the
# rounding of a decode/encode round trip of a float parameter).
_DUPLICATE_DECIMALS = 12


def _check_probability(name: str, value: Any) -> float:
    return check_number(name, value, minimum=0, maximum=1)


def _check_choice(name: str, value: Any, kinds: type[Crossover] | type[Mutation]) -> str:
    choices = [k.value for k in kinds]
    if value not in choices:
        raise ValueError(f"`{name}` must be one of {choices} (got {value!r})")
    return str(value)


def _n_choices(space: SearchSpace) -> NDArray[np.int64]:
    """Per dimension: number of categories for a categorical, 0 for a numeric one."""
    return np.array(
        [d.n_values if isinstance(d, CategoricalDistribution) else 0 for d in space.values()],
        dtype=np.int64,
    )


def _continuous_mask(space: SearchSpace) -> NDArray[np.bool_]:
    """Per dimension: whether it is a float range without step (infinitely many values)."""
    return np.array(
        [isinstance(d, FloatDistribution) and d.n_values is None for d in space.values()],
        dtype=bool,
    )


class GenerationalSampler(Sampler):
    """Generational evolutionary sampler over mixed spaces (see the module docstring).

    Args:
        population_size: Members per generation and survivors kept (>= 2).
        crossover: ``"sbx"``, ``"blx"`` or ``"uniform"`` for numeric genes.
        crossover_prob: Probability that a child has two parents (else it is a
            mutated copy of one).
        mutation: ``"polynomial"``, ``"gaussian"`` or ``"uniform"`` for numeric
            genes (see :func:`~hypersense.samplers.evolution.operators.mutate`).
        mutation_prob: Per-gene mutation probability; None means ``1 / d``.
        tournament_size: Entrants per tournament (>= 1; 1 is random selection).
        constraints_func: ``f(trial) -> Sequence[float]`` (<= 0 is satisfied),
            or None. Feasible trials win over infeasible ones, which compare by
            total violation.
        seed: Seed of every random choice.
    """

    #: Prefix of the system attributes this sampler writes on trials.
    tag_prefix: ClassVar[str] = "generational"

    def __init__(
        self,
        *,
        population_size: int,
        crossover: str,
        crossover_prob: float,
        mutation: str,
        mutation_prob: float | None,
        tournament_size: int,
        constraints_func: ConstraintsFunc | None,
        seed: int | None,
    ) -> None:
        super().__init__(seed=seed)
        self._population_size = check_int("population_size", population_size, minimum=2)
        self._crossover = _check_choice("crossover", crossover, Crossover)
        self._crossover_prob = _check_probability("crossover_prob", crossover_prob)
        self._mutation = _check_choice("mutation", mutation, Mutation)
        self._mutation_prob = (
            None if mutation_prob is None else _check_probability("mutation_prob", mutation_prob)
        )
        self._tournament_size = check_int("tournament_size", tournament_size, minimum=1)
        self._constraints_func = check_constraints_func(constraints_func)
        self._violations = ViolationCache(self._constraints_func)
        self._fresh_caches()

    def _fresh_caches(self) -> None:
        """In-memory caches (dropped when pickled; they change no result)."""
        self._survivor_memo: dict[
            tuple[Any, int], tuple[tuple[FrozenTrial, ...], list[FrozenTrial]]
        ] = {}
        self._intersections: dict[Any, IncrementalIntersection] = {}
        self._generations: TrialMemo[int | None] = TrialMemo()
        self._points: TrialMemo[tuple[float, ...] | None] = TrialMemo()
        # The survivors list last encoded (the memo hands out the same list object
        # for a generation), the space, and their points.
        self._parent_points: (
            tuple[Sequence[FrozenTrial], SearchSpace, NDArray[np.float64]] | None
        ) = None

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        for name in (
            "_survivor_memo",
            "_intersections",
            "_generations",
            "_points",
            "_parent_points",
        ):
            del state[name]
        state["_violations"] = ViolationCache(self._constraints_func)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._fresh_caches()

    @property
    def generation_key(self) -> str:
        """The system attribute holding a trial's generation."""
        return f"{self.tag_prefix}:generation"

    @property
    def parents_key(self) -> str:
        """The system attribute holding the numbers of a child's parents."""
        return f"{self.tag_prefix}:parents"

    # ------------------------------------------------------------ contract
    def infer_relative_space(self, history: StudyHistory, context: SamplingContext) -> SearchSpace:
        scope = tuple(sorted(context.tags.items()))
        intersection = self._intersections.setdefault(scope, IncrementalIntersection())
        return intersection(history.trials((TrialState.COMPLETE,), context.tags))

    def sample_relative(
        self, history: StudyHistory, context: SamplingContext, space: SearchSpace
    ) -> dict[str, ParamValue]:
        scoped = history.trials(tags=context.tags)
        self._generations.begin(self.generation_key, len(scoped))
        groups = group_by_generation(
            (t, self._generations.get(t, self._generation_of)) for t in scoped
        )
        generation = generation_after(groups, self._population_size)
        context.system_attrs[self.generation_key] = generation
        if generation == 0 or len(space) == 0:
            return {}
        parents = self._survivors(history, groups, generation, context.tags)
        if not parents:
            return {}
        child, picked = self._offspring(space, parents, scoped, context.rng)
        context.system_attrs[self.parents_key] = [parents[i].number for i in picked]
        return space.decode(child)

    def sample_independent(
        self,
        history: StudyHistory,
        context: SamplingContext,
        name: str,
        distribution: Distribution,
    ) -> ParamValue:
        return distribution.from_unit(context.uniform(name))

    # ------------------------------------------------------------ survival
    def _generation_of(self, trial: FrozenTrial) -> int | None:
        return complete_generation(trial, self.generation_key)

    def _survivors(
        self,
        history: StudyHistory,
        groups: Mapping[int, list[FrozenTrial]],
        generation: int,
        tags: Mapping[str, str],
    ) -> list[FrozenTrial]:
        """The parents of ``generation``, best first.

        Survival at ``g`` depends on the members of every generation before
        it; it is recomputed from the first generation whose members are not
        the very trial objects of the memo (finished trials are the same
        objects ask after ask; another study's never are).
        """
        scope = tuple(sorted(tags.items()))
        survivors: list[FrozenTrial] = []
        unchanged = True
        for g in range(1, generation + 1):
            offspring = groups.get(g - 1, [])
            memo = self._survivor_memo.get((scope, g))
            unchanged = (
                unchanged
                and memo is not None
                and len(memo[0]) == len(offspring)
                and all(a is b for a, b in zip(memo[0], offspring, strict=True))
            )
            if unchanged and memo is not None:
                survivors = memo[1]
                continue
            candidates = offspring + survivors
            if candidates:
                order = preference_order(
                    history.loss_matrix(candidates), self._violations.violations(candidates)
                )
                survivors = [candidates[i] for i in order[: self._population_size]]
            self._survivor_memo[(scope, g)] = (tuple(offspring), survivors)
        return survivors

    # ------------------------------------------------------------ variation
    def _offspring(
        self,
        space: SearchSpace,
        parents: Sequence[FrozenTrial],
        scoped: Sequence[FrozenTrial],
        rng: np.random.Generator,
    ) -> tuple[NDArray[np.float64], tuple[int, ...]]:
        """A child in the unit cube and the indices of its parents in ``parents``."""
        memo = self._parent_points
        if memo is not None and memo[0] is parents and memo[1] == space:
            encoded = memo[2]
        else:
            encoded = space.encode_many([dict(t.params) for t in parents])
            self._parent_points = (parents, space, encoded)
        n_choices = _n_choices(space)
        positions = np.arange(len(parents), dtype=np.int64)
        sigma = adaptive_sigma(encoded)
        mutation_prob = self._mutation_prob
        if mutation_prob is None:
            mutation_prob = 1.0 / len(space)
        continuous = _continuous_mask(space)
        seen: set[tuple[float, ...]] | None = None
        kind_x, kind_m = Crossover(self._crossover), Mutation(self._mutation)
        child = encoded[0]
        picked: tuple[int, ...] = (0,)
        for _ in range(_MAX_REDRAWS):
            first = tournament(positions, self._tournament_size, rng)
            picked = (first,)
            child = encoded[first]
            if len(parents) >= 2 and rng.random() < self._crossover_prob:
                second = tournament(positions, self._tournament_size, rng, exclude=first)
                picked = (first, second)
                child = crossover(encoded[first], encoded[second], n_choices, kind_x, rng)
            child = mutate(child, n_choices, kind_m, mutation_prob, rng, sigma)
            # A continuous coordinate that differs from every parent's was drawn
            # afresh: it repeats an existing trial's with probability zero.
            fresh = np.all(encoded[list(picked)][:, continuous] != child[continuous], axis=0)
            if fresh.any():
                return child, picked
            if seen is None:
                seen = self._known_points(space, scoped)
            if self._point_key(space.encode(space.decode(child))) not in seen:
                return child, picked
        _log.debug("no new point after %d redraws; proposing a repeated point", _MAX_REDRAWS)
        return child, picked

    @staticmethod
    def _point_key(u: NDArray[np.float64]) -> tuple[float, ...]:
        return tuple(np.round(u, _DUPLICATE_DECIMALS).tolist())

    def _known_points(
        self, space: SearchSpace, scoped: Sequence[FrozenTrial]
    ) -> set[tuple[float, ...]]:
        """Encoded points already evaluated or pending (complete and running trials)."""
        self._points.begin(space, len(scoped))

        def point_of(trial: FrozenTrial) -> tuple[float, ...] | None:
            if trial.state is TrialState.RUNNING:
                params = trial.proposed_params
            elif trial.state is TrialState.COMPLETE:
                params = trial.params
            else:
                return None
            # A pending point proposed for another space may hold values this
            # space cannot encode (e.g. an unknown category); it cannot collide.
            if not all(name in params and d.contains(params[name]) for name, d in space.items()):
                return None
            return self._point_key(space.encode(params))

        points = (self._points.get(t, point_of) for t in scoped)
        return {p for p in points if p is not None}
