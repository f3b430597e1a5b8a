"""The 24 noiseless BBOB functions from the ``ioh`` package, at any dimension and instance.

IOHprofiler's ``ioh`` implements the COCO/BBOB suite (Hansen et al. 2009,
"Real-parameter black-box optimization benchmarking 2009: noiseless functions
definitions") with the same instance transformations (shift of the optimum,
rotations, offset f_opt). The search domain is ``[-5, 5]^d``; regret is
``f(x) - f_opt``.

Two uses: the twelve-problem suite's five functions at 5-D, instance 1 (group
``synthetic``, names like ``bbob-f3-rastrigin``), and the broad suite of all 24
functions at d = 2, 5, 10 and instances 1, 2, each tagged with its BBOB
function group (names like ``bbob-f03-d5-i1``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from benchmarks.problems.base import ParamSpec, Problem, ProblemGroup

__all__ = [
    "BBOB_DIMENSION",
    "BBOB_FUNCTIONS",
    "BBOB_INSTANCE",
    "BBOB_SUITE_DIMENSIONS",
    "BBOB_SUITE_INSTANCES",
    "BBOBProblem",
    "bbob_group",
    "bbob_problems",
    "bbob_suite_name",
]

BBOB_DIMENSION = 5
BBOB_INSTANCE = 1
#: BBOB function id -> our problem name, for the twelve-problem suite.
BBOB_FUNCTIONS: dict[int, str] = {
    3: "bbob-f3-rastrigin",
    8: "bbob-f8-rosenbrock",
    12: "bbob-f12-bent-cigar",
    17: "bbob-f17-schaffers-f7",
    21: "bbob-f21-gallagher101",
}
BBOB_SUITE_DIMENSIONS = (2, 5, 10)
BBOB_SUITE_INSTANCES = (1, 2)
#: BBOB's five function groups: (first id, last id, our group name).
_GROUP_RANGES: tuple[tuple[int, int, ProblemGroup], ...] = (
    (1, 5, "bbob-separable"),
    (6, 9, "bbob-moderate-conditioning"),
    (10, 14, "bbob-high-conditioning"),
    (15, 19, "bbob-multimodal-adequate"),
    (20, 24, "bbob-multimodal-weak"),
)


def bbob_group(function_id: int) -> ProblemGroup:
    """BBOB's function group of ``function_id`` (1..24)."""
    for first, last, group in _GROUP_RANGES:
        if first <= function_id <= last:
            return group
    raise ValueError(f"`function_id` must be in 1..24 (got {function_id!r})")


def bbob_suite_name(function_id: int, dimension: int, instance: int) -> str:
    """The broad suite's name of one function, e.g. ``bbob-f03-d5-i1``."""
    return f"bbob-f{function_id:02d}-d{dimension}-i{instance}"


def _ioh_function(function_id: int, instance: int, dimension: int) -> Any:
    """The ``ioh`` problem object of one BBOB function."""
    try:
        import ioh
    except ImportError as exc:
        raise ImportError(
            "the BBOB problems need the `ioh` package: "
            "pip install -r benchmarks/requirements-samplers.txt"
        ) from exc
    return ioh.get_problem(function_id, instance, dimension, ioh.ProblemClass.BBOB)


class BBOBProblem(Problem):
    """One BBOB function; parameters ``x0 .. x{d-1}`` in ``[-5, 5]``.

    Args:
        function_id: The BBOB function number, 1..24.
        dimension: Number of parameters.
        instance: BBOB instance (its shift, rotation and offset).
        suite: True: a broad-suite problem (named by id, dimension and instance,
            grouped by BBOB's function group); False: the twelve-problem suite's
            (one of :data:`BBOB_FUNCTIONS` at 5-D instance 1, group ``synthetic``).
    """

    value_label = "regret"

    def __init__(
        self,
        *,
        function_id: int,
        dimension: int = BBOB_DIMENSION,
        instance: int = BBOB_INSTANCE,
        suite: bool = False,
    ) -> None:
        if suite:
            self.group = bbob_group(function_id)
            self.name = bbob_suite_name(function_id, dimension, instance)
        else:
            if function_id not in BBOB_FUNCTIONS:
                raise ValueError(
                    f"`function_id` must be one of {sorted(BBOB_FUNCTIONS)} (got {function_id!r})"
                )
            dimension, instance = BBOB_DIMENSION, BBOB_INSTANCE
            self.group = "synthetic"
            self.name = BBOB_FUNCTIONS[function_id]
        if dimension < 1:
            raise ValueError(f"`dimension` must be >= 1 (got {dimension!r})")
        self._function_id = function_id
        self._dimension = dimension
        self._instance = instance
        self._suite = suite
        self.space = tuple(ParamSpec(f"x{i}", "float", -5.0, 5.0) for i in range(dimension))
        self._function = _ioh_function(function_id, instance, dimension)
        self.optimum = float(self._function.optimum.y)

    @property
    def function_id(self) -> int:
        """The BBOB function number."""
        return self._function_id

    @property
    def minimiser(self) -> tuple[float, ...]:
        """The instance's optimal point, as ``ioh`` defines it."""
        return tuple(float(v) for v in self._function.optimum.x)

    def evaluate(self, params: Mapping[str, Any]) -> float:
        x = np.array([params[f"x{i}"] for i in range(self._dimension)], dtype=float)
        return float(self._function(x))

    def __repr__(self) -> str:
        return (
            f"BBOBProblem(function_id={self._function_id!r}, dimension={self._dimension!r}, "
            f"instance={self._instance!r}, suite={self._suite!r})"
        )

    def __getstate__(self) -> dict[str, Any]:
        # ioh's C++ problem objects do not pickle; rebuild on unpickling.
        state = self.__dict__.copy()
        del state["_function"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._function = _ioh_function(self._function_id, self._instance, self._dimension)


def bbob_problems() -> list[BBOBProblem]:
    """The five BBOB problems of the twelve-problem suite, in function-id order."""
    return [BBOBProblem(function_id=fid) for fid in BBOB_FUNCTIONS]
