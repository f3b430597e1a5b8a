"""The public benchmark suite by name, and selection of problems from the command line."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from benchmarks.problems.base import GROUPS, Problem, ProblemGroup
from benchmarks.problems.bbob import BBOB_FUNCTIONS, BBOBProblem
from benchmarks.problems.model_tuning import (
    ElasticNetDiabetesProblem,
    HistGradientBoostingCancerProblem,
    MLPDigitsProblem,
    RandomForestWineProblem,
    SVCCancerProblem,
)
from benchmarks.problems.synthetic import BraninProblem, Hartmann6Problem

__all__ = ["PROBLEM_GROUPS", "PROBLEMS", "make_problem", "select_problems"]


def _bbob(function_id: int) -> Callable[[], Problem]:
    return lambda: BBOBProblem(function_id=function_id)


_SYNTHETIC: dict[str, Callable[[], Problem]] = {
    "branin": BraninProblem,
    "hartmann6": Hartmann6Problem,
    **{name: _bbob(fid) for fid, name in BBOB_FUNCTIONS.items()},
}
_MODEL_TUNING: dict[str, Callable[[], Problem]] = {
    "svc-breast-cancer": SVCCancerProblem,
    "mlp-digits": MLPDigitsProblem,
    "random-forest-wine": RandomForestWineProblem,
    "hist-gradient-boosting-breast-cancer": HistGradientBoostingCancerProblem,
    "elastic-net-diabetes": ElasticNetDiabetesProblem,
}

#: Problem name -> factory, in suite order. Factories are cheap; data loads on first use.
PROBLEMS: dict[str, Callable[[], Problem]] = {**_SYNTHETIC, **_MODEL_TUNING}

#: Problem name -> group, known without building the problem (no `ioh` import).
PROBLEM_GROUPS: dict[str, ProblemGroup] = {
    **dict.fromkeys(_SYNTHETIC, "synthetic"),
    **dict.fromkeys(_MODEL_TUNING, "model-tuning"),
}


def make_problem(name: str) -> Problem:
    """Build the problem registered as ``name``; ValueError naming the choices."""
    if name not in PROBLEMS:
        raise ValueError(f"unknown problem {name!r}; choose from {sorted(PROBLEMS)}")
    return PROBLEMS[name]()


def select_problems(selectors: Sequence[str]) -> list[str]:
    """Problem names for command-line selectors, in suite order, without repeats.

    A selector is a problem name, a group (``synthetic``, ``model-tuning``) or ``all``.
    """
    wanted: set[str] = set()
    for selector in selectors:
        if selector == "all":
            wanted.update(PROBLEMS)
        elif selector in GROUPS:
            wanted.update(n for n, g in PROBLEM_GROUPS.items() if g == selector)
        elif selector in PROBLEMS:
            wanted.add(selector)
        else:
            raise ValueError(
                f"unknown problem selector {selector!r}; choose 'all', a group "
                f"{list(GROUPS)} or a problem {list(PROBLEMS)}"
            )
    return [name for name in PROBLEMS if name in wanted]
