"""CMA-ES state rebuilt from the history: replay of tagged generations, IPOP restarts.

The optimizer itself is the ``cmaes`` package (``CMA``, or ``CMAwM`` — CMA-ES
with margin — when some dimensions are discrete). hypersense keeps no
optimizer state outside the storage: every trial the sampler starts records
its *step* (restart index, generation) and the trial numbers that were told
to reach that step. Any process rebuilds the optimizer by replaying those
steps (each one a deterministic ``tell``), so a study resumed elsewhere, or
asked by several workers at once, continues the same search.

A run restarts (IPOP-CMA-ES: a new random mean and a population
``inc_popsize`` times larger) when ``cmaes`` says the run should stop or when
the best value has not improved for ``stagnation_generations`` generations.

References: N. Hansen, "The CMA evolution strategy: a tutorial", 2016;
A. Auger and N. Hansen, "A restart CMA evolution strategy with increasing
population size", CEC 2005; R. Hamano et al., "CMA-ES with margin", GECCO 2022.
"""

from __future__ import annotations

import copy
import pickle
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hypersense.samplers.evolution.cma_settings import (
    CmaSettings,
    discrete_bounds,
    has_stagnated,
    restart_mean,
)

__all__ = ["CmaMember", "CmaRun", "ReplayCache", "ask_member", "replay"]


@dataclass(frozen=True)
class CmaMember:
    """One trial of the search, as the replay needs it.

    Attributes:
        number: The trial number.
        restart: The run it was proposed in.
        generation: Its generation within that run.
        told: Trial numbers told to reach that generation (empty for the very
            first one).
        x: Shape ``(d,)``: the point to tell ``cmaes`` (what the optimizer
            proposed, or the encoded values actually evaluated where they
            differ); None unless the trial is COMPLETE.
        loss: Its value in minimisation form; None unless COMPLETE.
    """

    number: int
    restart: int
    generation: int
    told: tuple[int, ...]
    x: NDArray[np.float64] | None = None
    loss: float | None = None

    @property
    def step(self) -> tuple[int, int]:
        """``(restart, generation)``."""
        return (self.restart, self.generation)


@dataclass
class CmaRun:
    """The optimizer of the current run and where the search stands.

    Attributes:
        optimizer: A ``cmaes.CMA`` or ``cmaes.CMAwM``.
        restart: Index of the run.
        generation: Generation the optimizer is at within the run.
        told: Trial numbers told to reach this generation.
        best_per_generation: Best loss of each told generation of this run.
        stopped: Whether ``cmaes`` judged the run finished after the last tell.
    """

    optimizer: Any
    restart: int = 0
    generation: int = 0
    told: tuple[int, ...] = ()
    best_per_generation: list[float] = field(default_factory=list)
    stopped: bool = False

    @property
    def step(self) -> tuple[int, int]:
        """``(restart, generation)``."""
        return (self.restart, self.generation)


#: What identifies a told trial in a replayed chain: number, loss, point bytes.
_Told = tuple[int, float | None, bytes]


@dataclass
class ReplayCache:
    """In-memory only: the last replayed chain of steps and the run it produced,
    and each recorded step's told generation keyed by the step's first record."""

    key: str = ""
    chain: tuple[tuple[tuple[int, int], tuple[_Told, ...]], ...] = ()
    run: CmaRun | None = None
    resolved: dict[tuple[int, int], tuple[CmaMember, list[CmaMember], tuple[_Told, ...]]] = field(
        default_factory=dict
    )


def _told_signature(member: CmaMember) -> _Told:
    x = b"" if member.x is None else np.asarray(member.x, dtype=float).tobytes()
    return (member.number, member.loss, x)


def _settled(optimizer: Any) -> tuple[Any, bool]:
    """The optimizer made ready to sample without changing, and its stop verdict.

    ``should_stop`` computes (and caches) the eigendecomposition of the
    covariance matrix, which also rewrites the matrix from it; ``ask`` would
    otherwise do so on first use. A pickle round trip then stores the matrix
    as ``cmaes`` pickles it (its upper triangle, symmetric to the last bit).
    Every new or told optimizer goes through this, so a state replayed from
    scratch and one resumed from a cache are identical bit for bit, and
    sampling from a settled optimizer changes nothing but its generator.
    """
    stop = bool(optimizer.should_stop())
    return pickle.loads(pickle.dumps(optimizer)), stop


def _new_optimizer(
    cmaes: ModuleType, settings: CmaSettings, mean: NDArray[np.float64], popsize: int
) -> Any:
    bounds = discrete_bounds(settings.n_values)
    mean = np.clip(mean, bounds[:, 0], bounds[:, 1])
    common: dict[str, Any] = {
        "mean": mean,
        "sigma": settings.sigma0,
        "bounds": bounds,
        "n_max_resampling": 10 * settings.dim,
        "population_size": popsize,
        # Never used to draw: ask_member reseeds from the trial's generator.
        "seed": 0,
    }
    if np.any(settings.n_values > 0):
        steps = np.where(settings.n_values > 0, 1.0 / np.maximum(settings.n_values, 1), 0.0)
        optimizer = cmaes.CMAwM(steps=steps, **common)
    else:
        optimizer = cmaes.CMA(**common)
    return _settled(optimizer)[0]


def _advance(
    cmaes: ModuleType,
    settings: CmaSettings,
    run: CmaRun,
    solutions: Sequence[CmaMember],
    *,
    restart: bool,
) -> CmaRun:
    """Tell ``solutions`` (one full generation) to ``run``; restart if asked."""
    told = tuple(m.number for m in solutions)
    pairs = [(np.asarray(m.x, dtype=float), m.loss) for m in solutions if m.loss is not None]
    if restart:
        told_x = np.array([m.x for m in solutions])
        r = run.restart + 1
        mean = restart_mean(told_x, r, discrete_bounds(settings.n_values))
        optimizer = _new_optimizer(cmaes, settings, mean, settings.popsize(r))
        return CmaRun(optimizer=optimizer, restart=r, generation=0, told=told)
    run.optimizer.tell(pairs)
    run.optimizer, run.stopped = _settled(run.optimizer)
    run.best_per_generation.append(min(loss for _, loss in pairs))
    run.generation += 1
    run.told = told
    return run


def _should_restart(settings: CmaSettings, run: CmaRun) -> bool:
    if not settings.restart:
        return False
    patience = settings.patience(settings.popsize(run.restart))
    return run.stopped or has_stagnated(run.best_per_generation, patience)


def _resolve(
    step_members: Sequence[CmaMember], by_number: Mapping[int, CmaMember], popsize: int
) -> list[CmaMember] | None:
    """The told generation recorded by the earliest member whose record is usable."""
    for member in step_members:
        told = [by_number.get(n) for n in member.told]
        if len(told) == popsize and all(m is not None and m.loss is not None for m in told):
            return [m for m in told if m is not None]
    return None


#: One recorded step: where it leads, the members told to get there, and
#: their signature (see :func:`_told_signature`).
_Step = tuple[tuple[int, int], list[CmaMember], tuple[_Told, ...]]


def _group_by_step(members: Sequence[CmaMember]) -> dict[tuple[int, int], list[CmaMember]]:
    """Members per ``(restart, generation)``, each list in the given (number) order."""
    by_step: dict[tuple[int, int], list[CmaMember]] = {}
    for m in members:
        step = (m.restart, m.generation)
        group = by_step.get(step)
        if group is None:
            by_step[step] = [m]
        else:
            group.append(m)
    return by_step


def _recorded_steps(
    by_step: Mapping[tuple[int, int], list[CmaMember]],
    settings: CmaSettings,
    cache: ReplayCache,
) -> list[_Step]:
    """The chain of steps the history records after (0, 0), with their told members.

    Each group of ``by_step`` is in number order, so its earliest record comes first.
    """
    by_number: dict[int, CmaMember] | None = None
    chain: list[_Step] = []
    restart, generation = 0, 0
    while True:
        options = [s for s in ((restart, generation + 1), (restart + 1, 0)) if s in by_step]
        resolved = None
        for step in sorted(options, key=lambda s: by_step[s][0].number):
            # A step's first record and the complete trials it names never
            # change: resolve it once.
            first = by_step[step][0]
            hit = cache.resolved.get(step)
            if hit is not None and hit[0] is first:
                resolved = (step, hit[1], hit[2])
                break
            if by_number is None:
                by_number = {m.number: m for group in by_step.values() for m in group}
            told = _resolve(by_step[step], by_number, settings.popsize(restart))
            if told is not None:
                resolved = (step, told, tuple(_told_signature(m) for m in told))
                if first.loss is not None:
                    cache.resolved[step] = (first, told, resolved[2])
                break
        if resolved is None:
            return chain
        chain.append(resolved)
        restart, generation = resolved[0]


def replay(
    cmaes: ModuleType,
    settings: CmaSettings,
    members: Sequence[CmaMember],
    cache: ReplayCache,
    key: str,
) -> CmaRun:
    """The run a trial starting now samples from.

    Replays the recorded steps (resuming from ``cache`` when its chain is a
    prefix of the history's), updates ``cache``, then, if the current
    generation has ``popsize`` COMPLETE members, tells the first ``popsize`` of
    them (by number) and restarts if the run stagnated. The returned run may
    be the cached one: only sample from it (:func:`ask_member`), which
    changes nothing but its generator.

    Args:
        cmaes: The ``cmaes`` module.
        settings: The search's settings.
        members: Every trial tagged with this search's key (any state), in
            number order.
        cache: The in-memory cache of the sampler, updated in place.
        key: Identifies the search (space and settings) in the cache.
    """
    if cache.key != key:
        cache.resolved.clear()
    by_step = _group_by_step(members)
    steps = _recorded_steps(by_step, settings, cache)
    # The chain names what was told by value (number, loss, point), so a cache
    # filled on another study with the same trial numbers is never taken for it.
    chain = tuple((step, signature) for step, _, signature in steps)
    cached = cache.run
    if cached is not None and cache.key == key and chain[: len(cache.chain)] == cache.chain:
        done = len(cache.chain)
        if done < len(chain):
            cached = copy.deepcopy(cached)
    else:
        cached = CmaRun(_new_optimizer(cmaes, settings, settings.mean0, settings.popsize(0)))
        done = 0
    for (restart, _), told, _ in steps[done:]:
        cached = _advance(cmaes, settings, cached, told, restart=restart != cached.restart)
    cache.key, cache.chain, cache.run = key, chain, cached

    current = [m for m in by_step.get(cached.step, []) if m.loss is not None]
    popsize = settings.popsize(cached.restart)
    if len(current) < popsize:
        return cached
    solutions = current[:popsize]
    run = _advance(cmaes, settings, copy.deepcopy(cached), solutions, restart=False)
    if _should_restart(settings, run):
        run = _advance(cmaes, settings, run, solutions, restart=True)
    return run


def ask_member(run: CmaRun, seed: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Sample one member of ``run``'s current generation.

    Args:
        run: A run returned by :func:`replay`; only its generator changes
            (reseeded here), the optimizer being settled.
        seed: Seed of this member's draw (from the trial's own generator).

    Returns:
        ``(x_eval, x_tell)``, shapes ``(d,)``: the point to decode and evaluate
        (discrete dimensions on bin centres) and the point to tell later
        (they differ only under margin).
    """
    run.optimizer.reseed_rng(seed)
    drawn = run.optimizer.ask()
    if isinstance(drawn, tuple):
        x_eval, x_tell = drawn
    else:
        x_eval = x_tell = drawn
    return np.asarray(x_eval, dtype=float), np.asarray(x_tell, dtype=float)
