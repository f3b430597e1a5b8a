"""The benchmark problems by name, and selection of problems from the command line.

Two suites share the registry: the twelve-problem suite (groups ``synthetic``
and ``model-tuning``) and the broad suite (BBOB's 24 functions at d = 2, 5, 10,
instances 1 and 2, in BBOB's five function groups; its model-tuning problems are
the ``model-tuning`` group, the five above and five more).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Collection, Sequence

from benchmarks.problems.base import GROUPS, Problem, ProblemGroup
from benchmarks.problems.bbob import (
    BBOB_FUNCTIONS,
    BBOB_SUITE_DIMENSIONS,
    BBOB_SUITE_INSTANCES,
    BBOBProblem,
    bbob_group,
    bbob_suite_name,
)
from benchmarks.problems.model_tuning import (
    ElasticNetDiabetesProblem,
    HistGradientBoostingCancerProblem,
    MLPDigitsProblem,
    RandomForestWineProblem,
    SVCCancerProblem,
)
from benchmarks.problems.model_tuning_more import (
    AdaBoostCancerProblem,
    ExtraTreesDigitsProblem,
    KernelRidgeDiabetesProblem,
    LogisticElasticNetCancerProblem,
    TorchMLPDigitsProblem,
)
from benchmarks.problems.synthetic import BraninProblem, Hartmann6Problem

__all__ = [
    "BBOB_SUITE",
    "PROBLEM_GROUPS",
    "PROBLEMS",
    "SUITE_SELECTORS",
    "make_problem",
    "select_problems",
]


def _bbob(function_id: int) -> Callable[[], Problem]:
    return lambda: BBOBProblem(function_id=function_id)


def _bbob_suite(function_id: int, dimension: int, instance: int) -> Callable[[], Problem]:
    return lambda: BBOBProblem(
        function_id=function_id, dimension=dimension, instance=instance, suite=True
    )


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
    "logistic-elastic-net-breast-cancer": LogisticElasticNetCancerProblem,
    "extra-trees-digits": ExtraTreesDigitsProblem,
    "adaboost-breast-cancer": AdaBoostCancerProblem,
    "kernel-ridge-diabetes": KernelRidgeDiabetesProblem,
    "torch-mlp-digits": TorchMLPDigitsProblem,
}
#: The broad suite's BBOB problems: name -> (function id, dimension, instance).
BBOB_SUITE: dict[str, tuple[int, int, int]] = {
    bbob_suite_name(fid, d, i): (fid, d, i)
    for d in BBOB_SUITE_DIMENSIONS
    for i in BBOB_SUITE_INSTANCES
    for fid in range(1, 25)
}

#: Problem name -> factory, in suite order. Factories are cheap; data loads on first use.
PROBLEMS: dict[str, Callable[[], Problem]] = {
    **_SYNTHETIC,
    **_MODEL_TUNING,
    **{name: _bbob_suite(*spec) for name, spec in BBOB_SUITE.items()},
}

#: Problem name -> group, known without building the problem (no `ioh` import).
PROBLEM_GROUPS: dict[str, ProblemGroup] = {
    **dict.fromkeys(_SYNTHETIC, "synthetic"),
    **dict.fromkeys(_MODEL_TUNING, "model-tuning"),
    **{name: bbob_group(spec[0]) for name, spec in BBOB_SUITE.items()},
}

#: Selectors that name a whole suite: the twelve problems, the broad suite, its BBOB part.
SUITE_SELECTORS: dict[str, tuple[str, ...]] = {
    "twelve": (*_SYNTHETIC, *list(_MODEL_TUNING)[:5]),
    "broad": (*BBOB_SUITE, *_MODEL_TUNING),
    "bbob": tuple(BBOB_SUITE),
}
_SUITE_NAME = re.compile(r"^bbob-f\d\d-d(\d+)-i(\d+)$")


def make_problem(name: str) -> Problem:
    """Build the problem registered as ``name``; ValueError naming the choices."""
    if name not in PROBLEMS:
        raise ValueError(f"unknown problem {name!r}; choose from {sorted(PROBLEMS)}")
    return PROBLEMS[name]()


def _matches(selector: str) -> set[str]:
    if selector == "all":
        return set(PROBLEMS)
    if selector in SUITE_SELECTORS:
        return set(SUITE_SELECTORS[selector])
    if selector in GROUPS:
        return {n for n, g in PROBLEM_GROUPS.items() if g == selector}
    if selector in PROBLEMS:
        return {selector}
    matched = set(fnmatch.filter(PROBLEMS, selector))
    if not matched:
        raise ValueError(
            f"unknown problem selector {selector!r}; choose 'all', a suite "
            f"{list(SUITE_SELECTORS)}, a group {list(GROUPS)}, a problem name or a "
            "glob such as 'bbob-f2?-d5-*'"
        )
    return matched


def _kept(name: str, dims: Collection[int] | None, instances: Collection[int] | None) -> bool:
    """Whether a broad-suite BBOB problem has a wanted dimension and instance (others: yes)."""
    found = _SUITE_NAME.match(name)
    if found is None:
        return True
    dim, instance = int(found.group(1)), int(found.group(2))
    return (dims is None or dim in dims) and (instances is None or instance in instances)


def select_problems(
    selectors: Sequence[str],
    *,
    dims: Collection[int] | None = None,
    instances: Collection[int] | None = None,
) -> list[str]:
    """Problem names for command-line selectors, in suite order, without repeats.

    A selector is a problem name, a glob over names (``bbob-f1?-*``), a group
    (``synthetic``, ``model-tuning``, ``bbob-separable``, ...), a suite
    (``twelve``, ``broad``, ``bbob``) or ``all``. ``dims`` and ``instances``
    keep only broad-suite BBOB problems of those dimensions and instances.
    """
    wanted: set[str] = set()
    for selector in selectors:
        wanted |= _matches(selector)
    return [n for n in PROBLEMS if n in wanted and _kept(n, dims, instances)]
