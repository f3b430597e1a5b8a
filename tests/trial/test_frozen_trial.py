"""FrozenTrial's typed access to objective values."""

from __future__ import annotations

import pytest

from hypersense.trial.frozen import FrozenTrial
from hypersense.trial.state import TrialState


def test_objective_value_of_a_single_objective_trial() -> None:
    trial = FrozenTrial(number=3, state=TrialState.COMPLETE, values=(0.25,))
    assert trial.objective_value() == 0.25
    assert trial.objective_value(0) == 0.25
    assert trial.objective_value() == trial.value


def test_objective_value_of_a_pruned_trial_is_its_last_report() -> None:
    trial = FrozenTrial(number=1, state=TrialState.PRUNED, values=(7.0,))
    assert trial.objective_value() == 7.0


def test_several_values_need_an_index() -> None:
    trial = FrozenTrial(number=4, state=TrialState.COMPLETE, values=(1.0, -2.0))
    assert trial.objective_value(1) == -2.0
    with pytest.raises(ValueError, match=r"trial 4 has 2 objective values; pass `objective`"):
        trial.objective_value()
    with pytest.raises(ValueError, match=r"`objective` must be in \[0, 2\) for trial 4 \(got 2\)"):
        trial.objective_value(2)
    with pytest.raises(ValueError, match=r"got -1"):
        trial.objective_value(-1)


@pytest.mark.parametrize("state", [TrialState.RUNNING, TrialState.FAIL, TrialState.PRUNED])
def test_a_trial_without_values_raises_naming_it(state: TrialState) -> None:
    trial = FrozenTrial(number=9, state=state)
    with pytest.raises(ValueError, match=rf"trial 9 \({state.name}\) has no objective value"):
        trial.objective_value()
