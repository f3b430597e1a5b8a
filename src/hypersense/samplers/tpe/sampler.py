"""TPESampler: the adapter between a study's history and the Parzen-estimator core."""

from __future__ import annotations

import logging
import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hypersense._options import check_int
from hypersense.fidelity import MODEL_BUDGET_ATTR, BudgetObservations, observations_at_budget
from hypersense.history import StudyHistory
from hypersense.pareto import constraint_violations
from hypersense.samplers.base import Sampler, SamplingContext
from hypersense.samplers.tpe.columns import column_for
from hypersense.samplers.tpe.groups import decompose_into_groups
from hypersense.samplers.tpe.observations import (
    GroupObservations,
    HistoryTable,
    RecordCache,
    TrialRecord,
    collect_observations,
    latest_distributions,
    param_sets,
    table_at_budget,
)
from hypersense.samplers.tpe.parzen import (
    BandwidthRule,
    fit_parzen_mixture,
    parzen_log_pdf,
    sample_parzen_mixture,
)
from hypersense.samplers.tpe.split import (
    improvement_weights,
    n_good_observations,
    split_good,
)
from hypersense.samplers.tpe.startup import SOBOL_DIMS, sobol_points
from hypersense.space.base import Distribution, ParamValue
from hypersense.space.search_space import SearchSpace
from hypersense.trial.frozen import FrozenTrial

__all__ = ["TPESampler"]

_log = logging.getLogger(__name__)

#: Cap on the good set of a single-objective study: beyond it the good density
#: only gets smoother, not better informed (Bergstra et al., 2011).
_MAX_N_GOOD = 25

#: Share of a good observation's weight that follows its improvement over the
#: split threshold (the rest is uniform); tuned on the quick benchmark and
#: checked on held-out BBOB functions.
_IMPROVEMENT_SHARE = 0.5

#: Default good fractions and kernel-width rules, by number of objectives. One
#: objective gains from a larger, narrower-kerneled good set; several from a
#: good set spread along the front with textbook widths (measured on the TPE
#: benchmark and on ZDT1 / DTLZ2).
_GAMMA = {False: 0.2, True: 0.1}
_RULE = {False: BandwidthRule(scale=0.6), True: BandwidthRule(scale=1.0)}

#: A user's constraint function: values ``<= 0`` mean satisfied.
ConstraintsFunc = Callable[[FrozenTrial], Sequence[float]]


def _check_float(name: str, value: object, low: float, high: float) -> float:
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        x = float(value)
        if math.isfinite(x) and low < x <= high:
            return x
    raise ValueError(f"`{name}` must be a finite number in ({low}, {high}] (got {value!r})")


class TPESampler(Sampler):
    """Tree-structured Parzen estimator: proposes where good results are dense.

    After a quasi-random start-up, each proposal splits the finished trials into
    a good set (the best ``gamma`` fraction, weighted towards the best) and a
    bad set, fits a Parzen estimator to each (in the unit-cube encoding: log
    scales are linear, integers and stepped floats are ordered bins,
    categoricals are unordered categories), draws ``n_ei_candidates`` points
    from the good density and keeps the one with the largest good/bad density
    ratio (Bergstra et al., 2011; Watanabe, 2023). The defaults were chosen on
    the benchmark in ``benchmarks/samplers/tpe_benchmark.py``.

    Conditional (define-by-run) spaces are split into groups of parameters
    that always appear together; each group is modelled jointly on the trials
    that drew it. Pruned trials and, with ``constant_liar``, trials still
    running in other workers count as bad observations, so parallel workers
    are pushed apart. With several objectives the good set is chosen by
    non-dominated sorting. With ``constraints_func``, feasible trials rank
    first and infeasible ones stay in the model as bad observations (or as the
    least-bad good ones while too few trials are feasible).

    With a multi-fidelity pruner (successive halving, Hyperband: trials tagged
    with their rungs) the model is BOHB's: it is fitted on the values at the
    highest budget level (a rung step, or the final value) that at least
    ``max(n_startup_trials, 2)`` finished trials reached, whatever their
    bracket, so pruned trials inform it through the values they reached;
    trials stopped below that level are bad observations weighted by how well
    the level they lost at ranks trials like the modelled one (Kendall's tau
    on the trials observed at both, floored at 0: near 0 when learning curves
    cross, near 1 when ranks persist); diverged trials are bad observations.
    One start-up, counted over every finished trial, serves every bracket (see
    :mod:`hypersense.fidelity`).

    Args:
        n_startup_trials: Trials proposed from a scrambled Sobol sequence
            before the model takes over (counted as finished trials: complete
            or pruned).
        n_ei_candidates: Candidates drawn from the good density per proposal;
            more candidates exploit the model more greedily.
        gamma: Fraction of the completed trials that form the good set (at
            least one; at most 25 with one objective). None: 0.2 with one
            objective, 0.1 with several (where the good set spans a front).
        prior_weight: Weight, in observations, of the uniform prior mixed into
            both densities; keeps unexplored regions possible.
        multivariate: Model the parameters of a group jointly (True) or each
            parameter on its own (False).
        constant_liar: Treat the points of trials running elsewhere as bad
            results until they finish.
        constraints_func: Returns a finished trial's constraint values, each
            ``<= 0`` when satisfied (typically read from ``trial.user_attrs``).
            Called once per completed trial and cached by trial.
        seed: Seed of every random choice.
    """

    def __init__(
        self,
        *,
        n_startup_trials: int = 10,
        n_ei_candidates: int = 24,
        gamma: float | None = None,
        prior_weight: float = 1.0,
        multivariate: bool = True,
        constant_liar: bool = True,
        constraints_func: ConstraintsFunc | None = None,
        seed: int | None = None,
    ) -> None:
        super().__init__(seed=seed)
        self._n_startup_trials = check_int("n_startup_trials", n_startup_trials, minimum=0)
        self._n_ei_candidates = check_int("n_ei_candidates", n_ei_candidates, minimum=1)
        self._gamma = None if gamma is None else _check_float("gamma", gamma, 0.0, 1.0)
        self._prior_weight = _check_float("prior_weight", prior_weight, 0.0, math.inf)
        if not isinstance(multivariate, bool):
            raise TypeError(f"`multivariate` must be a bool (got {multivariate!r})")
        if not isinstance(constant_liar, bool):
            raise TypeError(f"`constant_liar` must be a bool (got {constant_liar!r})")
        if constraints_func is not None and not callable(constraints_func):
            raise TypeError(
                f"`constraints_func` must be callable or None (got {constraints_func!r})"
            )
        self._multivariate = multivariate
        self._constant_liar = constant_liar
        self._constraints_func = constraints_func
        self._sobol: NDArray[np.float64] = np.zeros((0, SOBOL_DIMS))
        self._records = self._new_record_cache()
        self._level: tuple[StudyHistory, HistoryTable, BudgetObservations | None] | None = None

    def _new_record_cache(self) -> RecordCache:
        return RecordCache(self._violation_of if self._constraints_func is not None else None)

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_sobol"], state["_records"], state["_level"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._sobol = np.zeros((0, SOBOL_DIMS))
        self._records = self._new_record_cache()
        self._level = None

    def _table(self, history: StudyHistory) -> tuple[HistoryTable, BudgetObservations | None]:
        """The records the model is fitted on, and the budget level they are at.

        With a multi-fidelity pruner's rungs (and no constraints), the trials
        observed at the highest budget level with at least
        ``max(n_startup_trials, 2)`` observations are modelled on their values
        there; trials stopped below that level are bad points weighted by
        rank agreement, diverged ones bad points. Otherwise the completed
        trials on their final values (level None).
        """
        last = self._level
        if last is not None and last[0] is history:
            return last[1], last[2]
        table = self._records.table(history)
        level = None
        if self._constraints_func is None:
            level = observations_at_budget(history, min_observations=max(self._n_startup_trials, 2))
        if level is not None:
            table = table_at_budget(table, level)
        self._level = (history, table, level)
        return table, level

    # ---------------------------------------------------------------- phases
    def _in_startup(self, history: StudyHistory) -> bool:
        """Whether fewer than ``n_startup_trials`` trials finished (complete or
        pruned, whatever the level modelled)."""
        table = self._records.table(history)
        return len(table.completed) + len(table.pruned) < self._n_startup_trials

    def _startup_value(self, context: SamplingContext, distribution: Distribution) -> ParamValue:
        """Coordinate ``len(context.params)`` of Sobol point ``context.number``."""
        dim = len(context.params)
        if dim >= SOBOL_DIMS:
            return distribution.from_unit(float(context.rng.random()))
        if context.number >= self._sobol.shape[0]:
            n_points = 1 << max(int(context.number).bit_length(), 4)
            self._sobol = sobol_points(self._entropy, n_points)
        return distribution.from_unit(float(self._sobol[context.number, dim]))

    # ------------------------------------------------------- relative space
    @staticmethod
    def _modelled(table: HistoryTable) -> tuple[TrialRecord, ...]:
        """The trials that define the space: completed ones, or pruned ones if none."""
        return table.completed if table.completed else table.pruned

    def _groups(self, table: HistoryTable, space: SearchSpace) -> list[SearchSpace]:
        """``space`` split into the parameter groups the trials drew together."""
        if not self._multivariate:
            return [SearchSpace({name: dist}) for name, dist in space.items()]
        keys = tuple((name, self._records.token(dist)) for name, dist in space.items())
        groups = decompose_into_groups(param_sets(self._modelled(table), keys))
        return [SearchSpace({name: space[name] for name in group}) for group in groups]

    def infer_relative_space(self, history: StudyHistory, context: SamplingContext) -> SearchSpace:
        """Every parameter the finished trials drew (latest distribution of each),
        once the start-up phase is over. In a multi-fidelity study the budget
        level modelled is stored on the trial as ``model_budget``."""
        table, level = self._table(history)
        if self._in_startup(history):
            return SearchSpace()
        if level is not None:
            context.system_attrs[MODEL_BUDGET_ATTR] = level.label
        latest = latest_distributions(self._modelled(table))
        return SearchSpace({n: d for n, d in latest.items() if not d.is_single})

    def sample_relative(
        self, history: StudyHistory, context: SamplingContext, space: SearchSpace
    ) -> dict[str, ParamValue]:
        """Propose each parameter group of ``space`` jointly from its own trials."""
        if len(space) == 0:
            return {}
        table, _ = self._table(history)
        proposal: dict[str, ParamValue] = {}
        for group in self._groups(table, space):
            proposal.update(self._propose(table, history, context, group))
        return proposal

    def sample_independent(
        self,
        history: StudyHistory,
        context: SamplingContext,
        name: str,
        distribution: Distribution,
    ) -> ParamValue:
        """Start-up: a Sobol coordinate. Later: univariate TPE on the trials that
        drew this parameter (uniform while there are none)."""
        if distribution.is_single:
            return distribution.from_unit(0.5)
        table, _ = self._table(history)
        if self._in_startup(history):
            return self._startup_value(context, distribution)
        _log.debug(
            "trial %d: parameter %r is outside the joint model; sampled on its own",
            context.number,
            name,
        )
        space = SearchSpace({name: distribution})
        return self._propose(table, history, context, space)[name]

    # ------------------------------------------------------------ modelling
    def _violation_of(self, trial: FrozenTrial) -> float:
        assert self._constraints_func is not None
        raw = self._constraints_func(trial)
        values = np.asarray(raw, dtype=float).reshape(1, -1)
        if not np.all(np.isfinite(values)):
            raise ValueError(
                f"`constraints_func` returned non-finite values {list(raw)!r} "
                f"for trial {trial.number}"
            )
        return float(constraint_violations(values)[0])

    def _split(
        self, obs: GroupObservations, is_multi_objective: bool
    ) -> tuple[
        NDArray[np.float64], NDArray[np.float64] | None, NDArray[np.float64], NDArray[np.float64]
    ]:
        """Points and weights of the good set; points and weights of the bad set
        (pruned and pending included). Good points are weighted by improvement
        with one objective, uniformly with several."""
        n_good = n_good_observations(
            obs.losses.shape[0],
            gamma=_GAMMA[is_multi_objective] if self._gamma is None else self._gamma,
            max_n_good=None if is_multi_objective else _MAX_N_GOOD,
        )
        good = split_good(obs.losses, n_good, obs.violations)
        weights = None
        if not is_multi_objective:
            weights = improvement_weights(
                obs.losses, good, share=_IMPROVEMENT_SHARE, violations=obs.violations
            )
        bad = np.concatenate([obs.completed_points[~good], obs.bad_points], axis=0)
        bad_weights = np.concatenate([np.ones(int((~good).sum())), obs.bad_weights])
        return obs.completed_points[good], weights, bad, bad_weights

    def _propose(
        self,
        table: HistoryTable,
        history: StudyHistory,
        context: SamplingContext,
        space: SearchSpace,
    ) -> dict[str, ParamValue]:
        """One TPE step on ``space``: the best of the candidates by density ratio."""
        obs = collect_observations(
            table,
            space,
            self._records.space_keys(space),
            n_objectives=len(history.directions),
            current_number=context.number,
            include_pending=self._constant_liar,
            violations=self._records.violations,
        )
        good, good_weights, bad, bad_weights = self._split(obs, history.is_multi_objective)
        columns = [column_for(d) for d in space.values()]
        rule = _RULE[history.is_multi_objective]
        below = fit_parzen_mixture(
            good,
            columns,
            prior_weight=self._prior_weight,
            weights=good_weights,
            rule=rule,
        )
        above = fit_parzen_mixture(
            bad, columns, prior_weight=self._prior_weight, weights=bad_weights, rule=rule
        )
        candidates = sample_parzen_mixture(below, context.rng, self._n_ei_candidates)
        score = parzen_log_pdf(below, candidates) - parzen_log_pdf(above, candidates)
        return space.decode(candidates[int(np.argmax(score))])
