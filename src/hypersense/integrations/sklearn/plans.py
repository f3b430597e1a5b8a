"""How a ``HyperSearchCV`` searches, from the arguments each library's users write.

``GridSearchCV`` users write ``param_grid`` and expect every combination;
``RandomizedSearchCV`` users write ``param_distributions`` and ``n_iter``;
``BayesSearchCV`` users write ``search_spaces`` (with ``(low, high, prior)``
tuples or scikit-optimize's ``Real``/``Integer``/``Categorical``) and
``n_iter``. :func:`plan_search` turns whichever was given into a
:class:`SearchPlan`: the translated space, the sampler, how many candidates,
and — for an exhaustive grid — the candidates themselves, in
``ParameterGrid``'s order (each dict's keys sorted, the last key varying
fastest), so ``cv_results_`` lists them as ``GridSearchCV`` does.
"""

from __future__ import annotations

import copy
import itertools
import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np

from hypersense.integrations.sklearn.skopt_spaces import translate_bayes_space
from hypersense.integrations.sklearn.spaces import (
    ALTERNATIVE_PARAM,
    EstimatorSpace,
    translate_search_space,
)
from hypersense.integrations.sklearn.validation import seed_from
from hypersense.samplers.base import Sampler
from hypersense.space.categorical import CategoricalDistribution
from hypersense.space.numeric import IntDistribution

__all__ = ["SPACE_ARGUMENTS", "SearchPlan", "plan_search"]

#: The arguments that can hold the search space, in the order they are looked at.
SPACE_ARGUMENTS = ("search_space", "param_grid", "param_distributions", "search_spaces")

#: Candidates when nothing says how many (RandomizedSearchCV's and our default).
_DEFAULT_N = {"search_space": 10, "param_distributions": 10, "search_spaces": 50}


@dataclass(frozen=True)
class SearchPlan:
    """What a search runs.

    Attributes:
        space: The translated space trials suggest from.
        sampler: The sampler (a copy of the user's, or the default).
        n_trials: Candidates to evaluate (None: until the sampler is exhausted).
        grid: For an exhaustive grid, every candidate's stored parameters in
            ``ParameterGrid`` order (they are enqueued), else None.
        argument: Which argument held the space (for messages).
    """

    space: EstimatorSpace
    sampler: Sampler
    n_trials: int | None
    grid: list[dict[str, Any]] | None
    argument: str


def _given_space(arguments: dict[str, Any]) -> tuple[str, Any]:
    given = [(name, arguments[name]) for name in SPACE_ARGUMENTS if arguments[name] is not None]
    if len(given) != 1:
        names = ", ".join(f"`{n}`" for n, _ in given) or "none"
        raise ValueError(
            "give the search space in exactly one of `search_space`, `param_grid` "
            f"(GridSearchCV), `param_distributions` (RandomizedSearchCV) or `search_spaces` "
            f"(BayesSearchCV); got {names}"
        )
    return given[0]


def _n_candidates(n_trials: Any, n_iter: Any) -> int | None:
    if n_trials is not None and n_iter is not None and n_trials != n_iter:
        raise ValueError(
            f"`n_iter` ({n_iter!r}) and `n_trials` ({n_trials!r}) say the same thing "
            "differently; give one"
        )
    n = n_trials if n_trials is not None else n_iter
    if n is not None and (not isinstance(n, numbers.Integral) or isinstance(n, bool) or n < 1):
        raise ValueError(f"`n_trials` / `n_iter` must be an integer >= 1 (got {n!r})")
    return None if n is None else int(n)


def _values_of(distribution: Any) -> list[Any] | None:
    """Every value of a finite distribution, in order; None for a continuous one."""
    if isinstance(distribution, CategoricalDistribution):
        return list(distribution.choices)
    if isinstance(distribution, IntDistribution) and not distribution.log:
        return list(range(distribution.low, distribution.high + 1, distribution.step))
    return None


def grid_candidates(space: EstimatorSpace) -> list[dict[str, Any]] | None:
    """Every combination of a finite space as stored parameters, in ``ParameterGrid``
    order; None when some parameter is continuous."""
    out: list[dict[str, Any]] = []
    several = len(space.alternatives) > 1
    for index, alternative in enumerate(space.alternatives):
        names = sorted(alternative)
        axes = [_values_of(alternative[n].distribution) for n in names]
        if any(a is None for a in axes):
            return None
        for combo in itertools.product(*[a for a in axes if a is not None]):
            params = dict(zip(names, combo, strict=True))
            out.append({ALTERNATIVE_PARAM: index, **params} if several else params)
    return out


def _default_sampler(argument: str, random_state: Any) -> Sampler:
    seed = seed_from(random_state)
    if argument == "param_distributions":
        from hypersense.samplers.random import RandomSampler

        return RandomSampler(seed=seed)
    from hypersense.samplers.tpe import TPESampler

    return TPESampler(seed=seed)


def plan_search(
    arguments: dict[str, Any], *, n_trials: Any, n_iter: Any, sampler: Any, random_state: Any
) -> SearchPlan:
    """The plan of a search given its space arguments (name to value, None when not
    given), ``n_trials``/``n_iter``, ``sampler`` and ``random_state``.

    A ``param_grid`` is searched exhaustively unless ``n_trials``/``n_iter`` is
    given (then that many distinct combinations, drawn with ``random_state``);
    so is a ``search_space`` of lists only when neither a sampler nor a number
    is given. Otherwise the sampler is the user's, or a random sampler for
    ``param_distributions`` and TPE for the rest, seeded with ``random_state``.
    """
    argument, spec = _given_space(arguments)
    n = _n_candidates(n_trials, n_iter)
    space = translate_bayes_space(spec) if argument == "search_spaces" else (
        translate_search_space(spec)
    )  # fmt: skip
    chosen = copy.deepcopy(sampler) if sampler is not None else None
    grid = None
    if chosen is None and argument in ("param_grid", "search_space", "param_distributions"):
        grid = grid_candidates(space)
        if argument == "param_grid" and grid is None:
            raise ValueError(
                "`param_grid` needs a list of values for every parameter (as GridSearchCV "
                "does); use `param_distributions` or `search_spaces` for ranges"
            )
        exhaustive = n is None and argument in ("param_grid", "search_space")
        if grid is not None and (exhaustive or (n is not None and n >= len(grid))):
            n = len(grid)
        elif grid is not None and argument != "search_space":
            # A number of distinct combinations, as RandomizedSearchCV draws from lists.
            rng = np.random.default_rng(seed_from(random_state))
            take = n if n is not None else _DEFAULT_N[argument]
            picked = sorted(rng.choice(len(grid), size=min(take, len(grid)), replace=False))
            grid, n = [grid[i] for i in picked], min(take, len(grid))
        else:
            grid = None
    if chosen is None:
        chosen = _default_sampler(argument, random_state)
    if n is None and grid is None and sampler is None:
        n = _DEFAULT_N.get(argument, 10)
    return SearchPlan(space=space, sampler=chosen, n_trials=n, grid=grid, argument=argument)
