"""The BBOB problems: zero regret at the optimum, and the official COCO values elsewhere.

Reference values were computed with COCO's own implementation (``cocoex``
2.8.2, suite "bbob", instance 1, dimension 5); ``ioh`` agrees with it to
machine precision on 200 random points per function (checked when the
problems were written).
"""

from __future__ import annotations

import pytest

pytest.importorskip(
    "ioh", reason="BBOB problems need `ioh` (pip install -r benchmarks/requirements-samplers.txt)"
)

from benchmarks.problems.bbob import BBOB_FUNCTIONS, BBOBProblem

#: function id -> (f at x = 0, f at x = (1, -2, 3, -4, 0.5)) from cocoex 2.8.2.
_COCO_VALUES = {
    3: (-335.00311431916236, -225.45537248487122),
    8: (1476.207257345201, 83885.54836669563),
    12: (32757629.628032066, 36360306.25235369),
    17: (9.747141552149841, -1.2933157870319913),
    21: (75.32477295756946, 108.5734408769002),
}
#: COCO's f_opt of instance 1.
_COCO_OPTIMA = {3: -462.09, 8: 149.15, 12: -621.11, 17: -16.94, 21: 40.78}


def _params(x: tuple[float, ...]) -> dict[str, float]:
    return {f"x{i}": v for i, v in enumerate(x)}


@pytest.mark.parametrize("function_id", sorted(BBOB_FUNCTIONS))
def test_regret_is_zero_at_the_optimum(function_id: int) -> None:
    problem = BBOBProblem(function_id=function_id)
    assert problem.optimum == pytest.approx(_COCO_OPTIMA[function_id], abs=1e-9)
    regret = problem.evaluate(_params(problem.minimiser)) - problem.optimum
    assert regret == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize("function_id", sorted(BBOB_FUNCTIONS))
def test_values_match_the_official_coco_implementation(function_id: int) -> None:
    problem = BBOBProblem(function_id=function_id)
    at_zero, at_point = _COCO_VALUES[function_id]
    assert problem.evaluate(_params((0.0,) * 5)) == pytest.approx(at_zero, rel=1e-10)
    assert problem.evaluate(_params((1.0, -2.0, 3.0, -4.0, 0.5))) == pytest.approx(
        at_point, rel=1e-10
    )


def test_problem_survives_pickling_for_worker_processes() -> None:
    import pickle

    problem = BBOBProblem(function_id=21)
    clone = pickle.loads(pickle.dumps(problem))
    assert clone.evaluate(_params((0.0,) * 5)) == problem.evaluate(_params((0.0,) * 5))


def test_unknown_function_id_is_rejected_by_name() -> None:
    with pytest.raises(ValueError, match="function_id"):
        BBOBProblem(function_id=2)
