"""CMA-ES through the ``cmaes`` package, with margin for discrete values and IPOP restarts."""

from __future__ import annotations

import hashlib
import json
import logging
import numbers
from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from hypersense._optional import import_optional
from hypersense._options import check_int
from hypersense.direction import StudyDirection
from hypersense.history import StudyHistory
from hypersense.samplers.base import Sampler, SamplingContext
from hypersense.samplers.evolution.cma_replay import (
    CmaMember,
    ReplayCache,
    ask_member,
    replay,
)
from hypersense.samplers.evolution.cma_settings import CmaSettings, default_popsize
from hypersense.samplers.evolution.trial_memo import IncrementalIntersection, TrialMemo
from hypersense.space.base import Distribution, ParamValue
from hypersense.space.categorical import CategoricalDistribution
from hypersense.space.numeric import FloatDistribution, IntDistribution
from hypersense.space.search_space import SearchSpace
from hypersense.trial.frozen import FrozenTrial, SystemAttr
from hypersense.trial.state import TrialState

__all__ = ["CmaEsSampler"]

_log = logging.getLogger(__name__)

#: The system attribute holding a trial's place in the search (see cma_replay).
CMA_ATTR = "cmaes"
_RESTART_STRATEGIES = ("ipop",)


def _import_cmaes() -> ModuleType:
    return import_optional("cmaes", extra="cmaes", purpose="CmaEsSampler")


def _has_margin_bins(distribution: Distribution) -> bool:
    """Whether a dimension has equal-width value bins that CMA-ES with margin can use:
    integers and stepped floats on a linear scale (a log-scaled integer's bins are
    not of equal width in the encoding, so it is searched as continuous)."""
    if isinstance(distribution, IntDistribution):
        return not distribution.log
    return isinstance(distribution, FloatDistribution) and distribution.step is not None


class CmaEsSampler(Sampler):
    """Covariance matrix adaptation evolution strategy for float and int parameters.

    The search runs in the unit-cube encoding (log scales are linear there).
    Integers and stepped floats use CMA-ES with margin (``cmaes.CMAwM``), which
    keeps some probability of leaving the current value so a discrete
    parameter cannot freeze; categorical parameters, and any parameter outside
    the space every trial shares, go to ``independent_sampler``. With
    ``restart_strategy="ipop"`` a run that ``cmaes`` judges finished, or whose
    best value stopped improving, restarts at a random mean with a population
    ``inc_popsize`` times larger.

    The optimizer's state is never kept outside the storage: each trial
    records its run, generation and the trials told to reach it, and the
    state is rebuilt by replaying them (cached in memory). A study resumed
    in another process continues the same search, and parallel workers each
    draw a distinct member of the current generation (from the trial's own
    random generator). Trials that fail or are pruned do not count towards a
    generation; trials started after a generation filled (parallel workers)
    are evaluated but not told.

    Optimises one objective: a multi-objective study raises ValueError.

    Args:
        x0: Initial mean as parameter values (missing ones: the centre of
            their range), or None for the centre of the space.
        sigma0: Initial step size in unit-cube coordinates (0 < sigma0 <= 1);
            None means 1/6.
        popsize: Population of the first run; None means ``4 + floor(3 ln d)``.
        n_startup_trials: COMPLETE trials to wait for (sampled by
            ``independent_sampler``) before CMA-ES starts (>= 1: the first
            trials reveal the space).
        restart_strategy: ``"ipop"`` or None (never restart).
        inc_popsize: Population growth factor at each restart (>= 2).
        stagnation_generations: Generations without improvement after which a
            run restarts; None means ``10 + ceil(30 d / popsize)``.
        with_margin: Use CMA-ES with margin for integers and stepped floats
            (else they are searched as continuous and rounded).
        independent_sampler: Sampler for categorical and non-shared
            parameters; None draws them uniformly at random.
        seed: Seed of every random choice.
    """

    supports_multi_objective: ClassVar[bool] = False

    def __init__(
        self,
        *,
        x0: Mapping[str, Any] | None = None,
        sigma0: float | None = None,
        popsize: int | None = None,
        n_startup_trials: int = 1,
        restart_strategy: str | None = "ipop",
        inc_popsize: int = 2,
        stagnation_generations: int | None = None,
        with_margin: bool = True,
        independent_sampler: Sampler | None = None,
        seed: int | None = None,
    ) -> None:
        super().__init__(seed=seed)
        _import_cmaes()
        if x0 is not None and not isinstance(x0, Mapping):
            raise TypeError(f"`x0` must be a mapping of parameter values or None (got {x0!r})")
        if sigma0 is not None and (
            not isinstance(sigma0, numbers.Real) or isinstance(sigma0, bool) or not 0 < sigma0 <= 1
        ):
            raise ValueError(f"`sigma0` must be a number in (0, 1] or None (got {sigma0!r})")
        if popsize is not None:
            check_int("popsize", popsize, minimum=2)
        check_int("n_startup_trials", n_startup_trials, minimum=1)
        if restart_strategy is not None and restart_strategy not in _RESTART_STRATEGIES:
            raise ValueError(
                f"`restart_strategy` must be one of {list(_RESTART_STRATEGIES)} or None "
                f"(got {restart_strategy!r})"
            )
        check_int("inc_popsize", inc_popsize, minimum=2)
        if stagnation_generations is not None:
            check_int("stagnation_generations", stagnation_generations, minimum=1)
        if not isinstance(with_margin, bool):
            raise TypeError(f"`with_margin` must be a bool (got {with_margin!r})")
        if independent_sampler is not None and not isinstance(independent_sampler, Sampler):
            raise TypeError(
                f"`independent_sampler` must be a Sampler or None (got {independent_sampler!r})"
            )
        self._x0 = None if x0 is None else dict(x0)
        self._sigma0 = None if sigma0 is None else float(sigma0)
        self._popsize = popsize
        self._n_startup_trials = n_startup_trials
        self._restart_strategy = restart_strategy
        self._inc_popsize = inc_popsize
        self._stagnation_generations = stagnation_generations
        self._with_margin = with_margin
        self._independent_sampler = independent_sampler
        self._fresh_caches()

    def _fresh_caches(self) -> None:
        """In-memory caches (dropped when pickled; they change no result)."""
        self._cache = ReplayCache()
        self._intersections: dict[Any, IncrementalIntersection] = {}
        self._member_memo: TrialMemo[CmaMember | None] = TrialMemo()

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        for name in ("_cache", "_intersections", "_member_memo"):
            del state[name]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._fresh_caches()

    # ------------------------------------------------------------ contract
    def infer_relative_space(self, history: StudyHistory, context: SamplingContext) -> SearchSpace:
        if history.is_multi_objective:
            raise ValueError(
                f"CmaEsSampler optimises a single objective; this study has "
                f"{len(history.directions)} (use NSGAIISampler or GeneticSampler)"
            )
        completed = history.trials((TrialState.COMPLETE,), context.tags)
        if len(completed) < self._n_startup_trials:
            return SearchSpace()
        scope = tuple(sorted(context.tags.items()))
        shared = self._intersections.setdefault(scope, IncrementalIntersection())(completed)
        return SearchSpace(
            {n: d for n, d in shared.items() if not isinstance(d, CategoricalDistribution)}
        )

    def sample_relative(
        self, history: StudyHistory, context: SamplingContext, space: SearchSpace
    ) -> dict[str, ParamValue]:
        if len(space) == 0:
            return {}
        cmaes = _import_cmaes()
        settings = self._settings(space)
        key = self._search_key(space, settings)
        members = self._members(history, context, space, key)
        run = replay(cmaes, settings, members, self._cache, key)
        x_eval, x_tell = ask_member(run, int(context.rng.integers(0, 2**31 - 1)))
        context.system_attrs[CMA_ATTR] = {
            "key": key,
            "restart": run.restart,
            "generation": run.generation,
            "told": list(run.told),
            "x": x_tell.tolist(),
        }
        return space.decode(x_eval)

    def sample_independent(
        self,
        history: StudyHistory,
        context: SamplingContext,
        name: str,
        distribution: Distribution,
    ) -> ParamValue:
        if self._independent_sampler is not None:
            return self._independent_sampler.sample_independent(
                history, context, name, distribution
            )
        return distribution.from_unit(context.uniform(name))

    def after_trial(self, history: StudyHistory, trial: FrozenTrial) -> None:
        if self._independent_sampler is not None:
            self._independent_sampler.after_trial(history, trial)

    # ------------------------------------------------------------ adapters
    def _settings(self, space: SearchSpace) -> CmaSettings:
        dim = len(space)
        n_values = np.array(
            [
                (d.n_values or 0) if self._with_margin and _has_margin_bins(d) else 0
                for d in space.values()
            ],
            dtype=np.int64,
        )
        x0 = self._x0 or {}
        mean0 = np.array(
            [d.to_unit(x0[n]) if n in x0 else 0.5 for n, d in space.items()], dtype=float
        )
        return CmaSettings(
            n_values=n_values,
            mean0=mean0,
            sigma0=1.0 / 6.0 if self._sigma0 is None else self._sigma0,
            popsize0=self._popsize or default_popsize(dim),
            inc_popsize=self._inc_popsize,
            restart=self._restart_strategy is not None,
            stagnation_generations=self._stagnation_generations,
        )

    @staticmethod
    def _search_key(space: SearchSpace, settings: CmaSettings) -> str:
        """A short id of the space and the settings: trials of another search
        (after the space changed, or from another configuration) are not mixed in."""
        blob = json.dumps(
            {
                "names": list(space.names),  # the column order of the told points
                "space": space.to_dict(),
                "n_values": settings.n_values.tolist(),
                "mean0": settings.mean0.tolist(),
                "sigma0": settings.sigma0,
                "popsize0": settings.popsize0,
                "inc_popsize": settings.inc_popsize,
            },
            sort_keys=True,
            default=repr,
        )
        return hashlib.sha1(blob.encode()).hexdigest()[:16]

    def _members(
        self, history: StudyHistory, context: SamplingContext, space: SearchSpace, key: str
    ) -> list[CmaMember]:
        """The trials of this search, with points and losses of the COMPLETE ones."""
        scoped = history.trials(tags=context.tags)
        self._member_memo.begin(key, len(scoped))
        sign = -1.0 if history.directions[0] is StudyDirection.MAXIMIZE else 1.0

        def member_of(trial: FrozenTrial) -> CmaMember | None:
            tag = trial.system_attrs.get(CMA_ATTR)
            if not isinstance(tag, Mapping) or tag.get("key") != key:
                return None
            complete = trial.is_valid_value()
            return CmaMember(
                number=trial.number,
                restart=int(tag["restart"]),
                generation=int(tag["generation"]),
                told=tuple(int(n) for n in tag["told"]),
                x=_told_point(trial, space, tag["x"]) if complete else None,
                loss=sign * trial.values[0] if complete and trial.values else None,
            )

        members = (self._member_memo.get(t, member_of) for t in scoped)
        return [m for m in members if m is not None]


def _told_point(
    trial: FrozenTrial, space: SearchSpace, raw: Sequence[float]
) -> NDArray[np.float64]:
    """The point to tell for a finished trial, shape ``(d,)``.

    The optimizer's own point where the trial evaluated what was proposed;
    the encoded evaluated value where it differs (a value fixed by
    ``enqueue_trial``, or a retry).
    """
    proposal = trial.system_attrs.get(SystemAttr.PROPOSAL) or {}
    point = np.asarray(raw, dtype=float).copy()
    for j, (name, distribution) in enumerate(space.items()):
        value = trial.params[name]
        if name not in proposal or proposal[name] != value:
            point[j] = distribution.to_unit(value)
    return point
