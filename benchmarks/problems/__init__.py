"""Benchmark problems for the samplers: synthetic functions and model tuning.

Each problem describes its search space once (:class:`ParamSpec`), evaluates a
params dict to a value to minimise, and states its group and known optimum.
"""

from benchmarks.problems.base import GROUPS, ParamSpec, Problem, ProblemGroup
from benchmarks.problems.registry import (
    PROBLEM_GROUPS,
    PROBLEMS,
    make_problem,
    select_problems,
)
from benchmarks.problems.translation import params_from_skopt, skopt_dimensions, suggest_params

__all__ = [
    "GROUPS",
    "PROBLEMS",
    "PROBLEM_GROUPS",
    "ParamSpec",
    "Problem",
    "ProblemGroup",
    "make_problem",
    "params_from_skopt",
    "select_problems",
    "skopt_dimensions",
    "suggest_params",
]
