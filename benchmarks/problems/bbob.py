"""Five noiseless BBOB functions at 5-D, instance 1, from the ``ioh`` package.

IOHprofiler's ``ioh`` implements the COCO/BBOB suite (Hansen et al. 2009,
"Real-parameter black-box optimization benchmarking 2009: noiseless functions
definitions") with the same instance transformations (shift of the optimum,
rotations, offset f_opt). The search domain is ``[-5, 5]^5``; regret is
``f(x) - f_opt``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from benchmarks.problems.base import ParamSpec, Problem

__all__ = ["BBOB_DIMENSION", "BBOB_FUNCTIONS", "BBOB_INSTANCE", "BBOBProblem", "bbob_problems"]

BBOB_DIMENSION = 5
BBOB_INSTANCE = 1
#: BBOB function id -> our problem name.
BBOB_FUNCTIONS: dict[int, str] = {
    3: "bbob-f3-rastrigin",
    8: "bbob-f8-rosenbrock",
    12: "bbob-f12-bent-cigar",
    17: "bbob-f17-schaffers-f7",
    21: "bbob-f21-gallagher101",
}


def _ioh_function(function_id: int) -> Any:
    """The ``ioh`` problem object of one BBOB function (5-D, instance 1)."""
    try:
        import ioh
    except ImportError as exc:
        raise ImportError(
            "the BBOB problems need the `ioh` package: "
            "pip install -r benchmarks/requirements-samplers.txt"
        ) from exc
    return ioh.get_problem(function_id, BBOB_INSTANCE, BBOB_DIMENSION, ioh.ProblemClass.BBOB)


class BBOBProblem(Problem):
    """One BBOB function; parameters ``x0 .. x4`` in ``[-5, 5]``.

    Args:
        function_id: The BBOB function number (one of :data:`BBOB_FUNCTIONS`).
    """

    group = "synthetic"
    space = tuple(ParamSpec(f"x{i}", "float", -5.0, 5.0) for i in range(BBOB_DIMENSION))
    value_label = "regret"

    def __init__(self, *, function_id: int) -> None:
        if function_id not in BBOB_FUNCTIONS:
            raise ValueError(
                f"`function_id` must be one of {sorted(BBOB_FUNCTIONS)} (got {function_id!r})"
            )
        self._function_id = function_id
        self.name = BBOB_FUNCTIONS[function_id]
        self._function = _ioh_function(function_id)
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
        x = np.array([params[f"x{i}"] for i in range(BBOB_DIMENSION)], dtype=float)
        return float(self._function(x))

    def __repr__(self) -> str:
        return f"BBOBProblem(function_id={self._function_id!r})"

    def __getstate__(self) -> dict[str, Any]:
        # ioh's C++ problem objects do not pickle; rebuild on unpickling.
        state = self.__dict__.copy()
        del state["_function"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._function = _ioh_function(self._function_id)


def bbob_problems() -> list[BBOBProblem]:
    """The five BBOB problems of the public suite, in function-id order."""
    return [BBOBProblem(function_id=fid) for fid in BBOB_FUNCTIONS]
