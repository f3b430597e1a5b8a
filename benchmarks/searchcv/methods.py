"""One run of one search method on one problem, timed, with its scores and fit count."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV
from threadpoolctl import threadpool_limits

from benchmarks.searchcv.problems import Problem, Split
from hypersense.integrations import HyperSearchCV, to_search_space
from hypersense.pruners import MedianPruner
from hypersense.samplers import GridSampler, RandomSampler

__all__ = ["METHODS", "RunResult", "run_method"]


@dataclass(frozen=True)
class RunResult:
    """What one search reached and what it cost."""

    problem: str
    method: str
    seed: int
    best_cv_score: float
    test_score: float
    wall_s: float
    n_fits: int
    n_candidates: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _fits_run(cv_results: dict[str, Any]) -> int:
    """Folds that were actually fitted (pruned candidates skip some)."""
    split_keys = [k for k in cv_results if k.startswith("split") and k.endswith("_test_score")]
    return int(sum(np.isfinite(cv_results[k]).sum() for k in split_keys))


def _grid_search(problem: Problem, n: int, seed: int) -> Any:
    return GridSearchCV(problem.estimator(), problem.grid(n), cv=problem.cv())


def _randomized_search(problem: Problem, n: int, seed: int) -> Any:
    return RandomizedSearchCV(
        problem.estimator(), problem.distributions(), n_iter=n, cv=problem.cv(), random_state=seed
    )


def _hs_grid(problem: Problem, n: int, seed: int) -> Any:
    grid = problem.grid(n)
    sampler = GridSampler(to_search_space(grid))
    return HyperSearchCV(problem.estimator(), grid, n_trials=None, sampler=sampler, cv=problem.cv())


def _hs_random(problem: Problem, n: int, seed: int) -> Any:
    return HyperSearchCV(
        problem.estimator(),
        problem.distributions(),
        n_trials=n,
        sampler=RandomSampler(seed=seed),
        cv=problem.cv(),
    )


def _hs_tpe(problem: Problem, n: int, seed: int) -> Any:
    return HyperSearchCV(
        problem.estimator(), problem.distributions(), n_trials=n, cv=problem.cv(), random_state=seed
    )


def _hs_tpe_pruned(problem: Problem, n: int, seed: int) -> Any:
    return HyperSearchCV(
        problem.estimator(),
        problem.distributions(),
        n_trials=n,
        cv=problem.cv(),
        random_state=seed,
        pruner=MedianPruner(n_startup_trials=5),
    )


#: Method name -> (builder, whether it is random, so repeated over seeds).
METHODS: dict[str, tuple[Callable[[Problem, int, int], Any], bool]] = {
    "sklearn GridSearchCV": (_grid_search, False),
    "hypersense grid": (_hs_grid, False),
    "sklearn RandomizedSearchCV": (_randomized_search, True),
    "hypersense random": (_hs_random, True),
    "hypersense TPE": (_hs_tpe, True),
    "hypersense TPE + median pruning": (_hs_tpe_pruned, True),
}


def run_method(
    method: str, problem: Problem, split: Split, n_candidates: int, seed: int
) -> RunResult:
    """Fit the method's search on the search data (one BLAS thread, one process)
    and score its refitted winner on the test data."""
    build, _ = METHODS[method]
    search = build(problem, n_candidates, seed)
    with threadpool_limits(limits=1):
        started = time.perf_counter()
        search.fit(split.x_search, split.y_search)
        wall = time.perf_counter() - started
        test_score = float(search.score(split.x_test, split.y_test))
    return RunResult(
        problem=problem.name,
        method=method,
        seed=seed,
        best_cv_score=float(search.best_score_),
        test_score=test_score,
        wall_s=wall,
        n_fits=_fits_run(search.cv_results_),
        n_candidates=len(search.cv_results_["params"]),
    )
