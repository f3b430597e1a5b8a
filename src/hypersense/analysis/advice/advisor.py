"""Advice from the analysis: which parameters to fix, narrow, rescale or trim.

``advise(study)`` turns a global importance result and the marginal curves of
its surrogate (computed when not given), plus a noise floor when one is
known, into a verdict per parameter and concrete changes to its search space:

* **fix** a negligible parameter at the best trial's value;
* **narrow** a numeric range to where its marginal is near its optimum;
* **rescale** a range to the log or linear axis its marginal fits;
* **drop** categorical choices whose marginal is clearly worse;
* say **cannot tell**, and why, when the surrogate fits badly, an effect is
  within the noise, or an interval is undecided.

Every rule and threshold is stated, with its reason, on
:class:`~hypersense.analysis.advice.rules.AdviceRules`. Conditional parameters
are advised within their branch (the widest analysed scope that holds them),
with that branch's surrogate, fit and curves.
:func:`hypersense.analysis.narrowing.write_narrowed_config` writes the advice
as a new study config.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hypersense.analysis.advice.parameters import (
    ParameterEvidence,
    judge_parameter,
    needs_curve,
)
from hypersense.analysis.advice.results import Advice, ParameterAdvice, ScopeFit, condition_label
from hypersense.analysis.advice.rules import AdviceRules
from hypersense.analysis.api import importance as compute_importance
from hypersense.analysis.data import (
    AnalysisScope,
    TrialSource,
    collect_trials,
    find_scopes,
    search_space_of,
)
from hypersense.analysis.experiments.noise_results import NoiseAnalysis
from hypersense.analysis.marginal_results import MarginalCurve, MarginalsResult
from hypersense.analysis.methods.marginals import marginal_effects
from hypersense.analysis.results import ImportanceResult
from hypersense.analysis.surrogates.threads import single_threaded_blas
from hypersense.direction import StudyDirection, parse_direction
from hypersense.history import StudyHistory
from hypersense.space.search_space import SearchSpace
from hypersense.study.study import Study
from hypersense.trial.frozen import FrozenTrial

__all__ = ["advise"]

# Surrogates marginal curves can be asked for by name.
_NAMED_SURROGATES = ("gp", "rf")


def _all_directions(
    study: TrialSource, directions: Sequence[str | StudyDirection] | None
) -> tuple[StudyDirection, ...]:
    if isinstance(study, (Study, StudyHistory)):
        return tuple(study.directions)
    return tuple(parse_direction(d) for d in (directions or ["minimize"]))


def _check_options(rules: object, noise: object, noise_floor: object, n_bootstrap: object) -> None:
    if not isinstance(rules, AdviceRules):
        raise TypeError(f"`rules` must be an AdviceRules or None (got {rules!r})")
    if noise is not None and not isinstance(noise, NoiseAnalysis):
        raise TypeError(f"`noise` must be a NoiseAnalysis or None (got {type(noise).__name__})")
    if noise_floor is not None and (
        not isinstance(noise_floor, (int, float))
        or isinstance(noise_floor, bool)
        or not math.isfinite(noise_floor)
        or noise_floor < 0
    ):
        raise ValueError(f"`noise_floor` must be a number >= 0 or None (got {noise_floor!r})")
    if not isinstance(n_bootstrap, int) or isinstance(n_bootstrap, bool) or n_bootstrap < 0:
        raise ValueError(f"`n_bootstrap` must be an integer >= 0 (got {n_bootstrap!r})")


def _pair_scopes(
    result: ImportanceResult, root: AnalysisScope, branches: Sequence[AnalysisScope]
) -> tuple[list[tuple[ImportanceResult, AnalysisScope]], list[str]]:
    """Each analysed result with the scope (trials) it was computed on."""
    pairs = [(result, root)]
    notes = []
    for branch in result.branches:
        names = {p.name for p in branch.parameters}
        match = next(
            (
                s
                for s in branches
                if dict(s.condition) == dict(branch.condition) and set(s.parameters) == names
            ),
            None,
        )
        if match is None:
            notes.append(
                f"branch {condition_label(branch.condition)!r} of the importance result matches "
                "no branch of the study's trials; it is not advised"
            )
        else:
            pairs.append((branch, match))
    return pairs, notes


def _owners(pairs: Sequence[tuple[ImportanceResult, AnalysisScope]]) -> dict[str, int]:
    """Parameter name to the index of the widest scope analysing it."""
    owner: dict[str, int] = {}
    for i, (result, scope) in enumerate(pairs):
        for p in result.parameters:
            j = owner.get(p.name)
            if j is None or len(scope.trials) > len(pairs[j][1].trials):
                owner[p.name] = i
    return owner


def _best_trial(trials: Sequence[FrozenTrial], objective: int, minimize: bool) -> FrozenTrial:
    sign = 1.0 if minimize else -1.0
    return min(trials, key=lambda t: (sign * t.objective_value(objective), t.number))


def _scope_noise(
    result: ImportanceResult, given: float | None, source: str | None
) -> tuple[float | None, str | None]:
    """The noise floor to use in a scope: the given one, else the spread of the
    configurations the scope repeated."""
    if given is not None:
        return given, source
    shares = result.shares
    if shares.noise is None or not math.isfinite(shares.observed_variance):
        return None, None
    return math.sqrt(shares.noise * shares.observed_variance), "configurations the study repeated"


class _CurveSource:
    """Marginal curves per scope: the given ones for the whole study, else computed
    on the scope's trials with the scope's surrogate."""

    def __init__(
        self,
        given: MarginalsResult | None,
        *,
        directions: tuple[StudyDirection, ...],
        objective: int,
        n_bootstrap: int,
        n_points: int,
        seed: int | None,
    ) -> None:
        self._given = given
        self._options: dict[str, Any] = {
            "directions": [d.value for d in directions],
            "objective": objective,
            "n_bootstrap": n_bootstrap,
            "n_points": n_points,
            "seed": seed,
        }

    def curves(
        self, result: ImportanceResult, scope: AnalysisScope, names: Sequence[str], is_root: bool
    ) -> dict[str, MarginalCurve]:
        if is_root and self._given is not None:
            return {c.name: c for c in self._given.curves if c.name in names}
        surrogate = result.surrogate if result.surrogate in _NAMED_SURROGATES else "auto"
        computed = marginal_effects(
            list(scope.trials),
            params=list(names),
            pairs=[],
            surrogate=surrogate,
            confidence=result.confidence,
            top_quantile=result.top_quantile,
            importance=result,
            **self._options,
        )
        return {c.name: c for c in computed.curves}


@dataclass(frozen=True, eq=False)
class _Context:
    """What every scope's advice shares."""

    space: SearchSpace
    rules: AdviceRules
    minimize: bool
    objective: int
    tested: Mapping[str, bool]
    curves: _CurveSource


def _advise_scope(
    ctx: _Context,
    result: ImportanceResult,
    scope: AnalysisScope,
    names: Sequence[str],
    noise_floor: float | None,
    *,
    is_root: bool,
) -> tuple[list[ParameterAdvice], list[str]]:
    """The advice on the parameters ``names`` a scope owns, and notes."""
    best = _best_trial(scope.trials, ctx.objective, ctx.minimize)
    evidence = {
        name: ParameterEvidence(
            importance=result[name],
            distribution=ctx.space[name],
            curve=None,
            best_value=best.params[name],
            minimize=ctx.minimize,
            noise_floor=noise_floor,
            beats_noise=ctx.tested.get(name),
            condition=dict(result.condition),
        )
        for name in names
    }
    wanted = [n for n in names if needs_curve(evidence[n], ctx.rules, r2=result.r2)]
    curves = ctx.curves.curves(result, scope, wanted, is_root=is_root) if wanted else {}
    advised = [
        judge_parameter(
            dataclasses.replace(evidence[n], curve=curves.get(n)), ctx.rules, r2=result.r2
        )
        for n in names
    ]
    return advised, _missing_curves(wanted, curves, result)


def advise(
    study: TrialSource,
    *,
    importance: ImportanceResult | None = None,
    marginals: MarginalsResult | None = None,
    noise: NoiseAnalysis | None = None,
    noise_floor: float | None = None,
    rules: AdviceRules | None = None,
    method: str = "fanova",
    n_bootstrap: int = 50,
    n_points: int = 32,
    objective: int = 0,
    directions: Sequence[str | StudyDirection] | None = None,
    seed: int | None = None,
) -> Advice:
    """Concrete next steps for ``study``'s search space, parameter by parameter.

    Args:
        study: A study, a history, or finished trials (only read).
        importance: A global importance result of ``study``; computed with
            ``method`` when None.
        marginals: Marginal curves of the whole study (from
            :func:`~hypersense.analysis.marginal_effects`); computed when None.
            Branch curves are always computed on the branch's trials.
        noise: A noise analysis of ``study``: its noise floor is used and its
            per-parameter tests can overrule the "within noise" rule.
        noise_floor: A seed standard deviation to use instead (objective units).
        rules: The thresholds (see :class:`AdviceRules` for every rule).
        method: Importance method when ``importance`` is None.
        n_bootstrap: Draws behind computed importances and curve bands.
        n_points: Points of a computed curve of a continuous parameter.
        objective: Index of the objective of a multi-objective study.
        directions: Directions of a bare sequence of trials.
        seed: Seed of every random choice.

    Raises:
        ValueError: When the study cannot be analysed (too few complete trials,
            no parameter that varies), or an option is invalid.
    """
    rules = AdviceRules() if rules is None else rules
    _check_options(rules, noise, noise_floor, n_bootstrap)
    all_directions = _all_directions(study, directions)
    trials, direction = collect_trials(study, directions=all_directions, objective=objective)
    ctx = _Context(
        space=search_space_of(trials),
        rules=rules,
        minimize=direction is StudyDirection.MINIMIZE,
        objective=objective,
        tested=_noise_tests(noise),
        curves=_CurveSource(
            marginals,
            directions=all_directions,
            objective=objective,
            n_bootstrap=n_bootstrap,
            n_points=n_points,
            seed=seed,
        ),
    )
    # Surrogate fits are many small BLAS calls, which threads only slow down on
    # a busy machine (see hypersense.samplers.gp.threads): run them on one.
    with single_threaded_blas():
        result = importance or compute_importance(
            study,
            method=method,
            n_bootstrap=n_bootstrap,
            objective=objective,
            directions=all_directions,
            seed=seed,
        )
        return _advice(ctx, result, trials, _given_noise(noise, noise_floor))


def _advice(
    ctx: _Context,
    result: ImportanceResult,
    trials: Sequence[FrozenTrial],
    given_noise: tuple[float | None, str | None],
) -> Advice:
    """The advice on every scope of ``result``, each parameter in its widest scope."""
    pairs, notes = _pair_scopes(result, *find_scopes(trials, ctx.space))
    owner = _owners(pairs)
    advised: list[ParameterAdvice] = []
    floors = [_scope_noise(r, *given_noise) for r, _ in pairs]
    for i, (scope_result, scope) in enumerate(pairs):
        names = [p.name for p in scope_result.parameters if owner.get(p.name) == i]
        found, scope_notes = _advise_scope(
            ctx, scope_result, scope, names, floors[i][0], is_root=i == 0
        )
        advised.extend(found)
        notes.extend(scope_notes)
    return Advice(
        parameters=tuple(advised),
        fits=tuple(_fit(r, s, ctx.rules) for r, s in pairs),
        method=result.method,
        direction=result.direction,
        noise_floor=floors[0][0],
        noise_source=floors[0][1],
        rules=ctx.rules,
        notes=tuple(notes),
    )


def _noise_tests(noise: NoiseAnalysis | None) -> dict[str, bool]:
    """Parameter to whether a noise analysis found its effect beyond seed noise."""
    if noise is None:
        return {}
    return {t.parameter: t.is_distinguishable for t in noise.parameter_tests}


def _given_noise(
    noise: NoiseAnalysis | None, noise_floor: float | None
) -> tuple[float | None, str | None]:
    if noise_floor is not None:
        return float(noise_floor), "given"
    if noise is not None:
        return float(noise.noise_floor.estimate), f"noise analysis {noise.companion_study_name!r}"
    return None, None


def _missing_curves(
    names: Sequence[str], curves: Mapping[str, MarginalCurve], result: ImportanceResult
) -> list[str]:
    where = condition_label(result.condition) or "the whole study"
    return [
        f"no marginal curve of {name!r} in {where}: its range and scale are not judged"
        for name in names
        if name not in curves
    ]


def _fit(result: ImportanceResult, scope: AnalysisScope, rules: AdviceRules) -> ScopeFit:
    return ScopeFit(
        condition=dict(result.condition),
        surrogate=result.surrogate,
        r2=result.r2,
        surrogate_r2=dict(result.surrogate_r2),
        n_trials=len(scope.trials),
        is_reliable=result.r2 >= rules.min_r2,
    )
