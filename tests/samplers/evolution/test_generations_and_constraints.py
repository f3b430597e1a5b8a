"""Generation bookkeeping from trial tags, and constraint violations."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from hypersense.samplers.evolution.constraints import ViolationCache, check_constraints_func
from hypersense.samplers.evolution.generations import (
    completed_by_generation,
    generation_of,
    next_generation,
)
from hypersense.trial.frozen import FrozenTrial
from hypersense.trial.state import TrialState

KEY = "test:generation"


def _trial(
    number: int, generation: int | None, state: TrialState = TrialState.COMPLETE
) -> FrozenTrial:
    attrs = {} if generation is None else {KEY: generation}
    values = (float(number),) if state is TrialState.COMPLETE else None
    return FrozenTrial(number=number, state=state, values=values, system_attrs=attrs)


def test_first_trials_are_generation_zero() -> None:
    assert next_generation([], KEY, 3) == 0
    assert next_generation([_trial(0, 0, TrialState.RUNNING)], KEY, 3) == 0


def test_a_generation_opens_once_the_previous_has_enough_complete_members() -> None:
    trials = [_trial(0, 0), _trial(1, 0), _trial(2, 0, TrialState.FAIL)]
    assert next_generation(trials, KEY, 3) == 0  # a failed member does not count
    trials.append(_trial(3, 0))
    assert next_generation(trials, KEY, 3) == 1
    trials += [_trial(4, 1, TrialState.RUNNING), _trial(5, 1)]
    assert next_generation(trials, KEY, 3) == 1


def test_late_members_of_an_old_generation_do_not_move_it_back() -> None:
    trials = [_trial(n, 0) for n in range(3)] + [_trial(3, 1), _trial(4, 0)]
    assert next_generation(trials, KEY, 3) == 1
    groups = completed_by_generation(trials, KEY)
    assert [t.number for t in groups[0]] == [0, 1, 2, 4]


def test_untagged_and_malformed_tags_are_ignored() -> None:
    assert generation_of(_trial(0, None), KEY) is None
    bad = FrozenTrial(number=1, state=TrialState.COMPLETE, values=(1.0,), system_attrs={KEY: "2"})
    assert generation_of(bad, KEY) is None
    flag = FrozenTrial(number=2, state=TrialState.COMPLETE, values=(1.0,), system_attrs={KEY: True})
    assert generation_of(flag, KEY) is None


def test_violations_are_computed_once_per_trial() -> None:
    calls: list[int] = []

    def constraints(trial: FrozenTrial) -> Sequence[float]:
        calls.append(trial.number)
        return [trial.number - 1.0, -1.0]

    cache = ViolationCache(constraints)
    trials = [_trial(0, 0), _trial(2, 0)]
    np.testing.assert_array_equal(cache.violations(trials), [0.0, 1.0])
    np.testing.assert_array_equal(cache.violations(trials), [0.0, 1.0])
    assert calls == [0, 2]
    assert ViolationCache(None).violations(trials) is None


@pytest.mark.parametrize("returned", [3.0, "1", [float("nan")], ["x"]])
def test_bad_constraint_values_name_the_trial(returned: object) -> None:
    cache = ViolationCache(lambda trial: returned)  # type: ignore[arg-type, return-value]
    with pytest.raises((TypeError, ValueError), match=r"trial 0"):
        cache.violations([_trial(0, 0)])


def test_constraints_func_must_be_callable() -> None:
    with pytest.raises(TypeError, match="`constraints_func`"):
        check_constraints_func(3)
    assert check_constraints_func(None) is None
