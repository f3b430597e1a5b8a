"""Studies with several objectives: a single-objective pruner on one of them."""

from __future__ import annotations

import re

import pytest

import hypersense as hs
from hypersense.pruners import (
    HyperbandPruner,
    MedianPruner,
    ObjectivePruner,
    PruneDecision,
    SuccessiveHalvingPruner,
    ThresholdPruner,
)
from hypersense.samplers import RandomSampler
from tests.pruners.trials import MIN, MIN_MAX, history, running

CONTINUE, PRUNE = PruneDecision.CONTINUE, PruneDecision.PRUNE


def two_objective(number: int, curve: list[float], size: float) -> hs.FrozenTrial:
    """A COMPLETE trial minimising its last value and maximising ``size``."""
    return hs.FrozenTrial(
        number=number,
        state=hs.TrialState.COMPLETE,
        values=(curve[-1], size),
        intermediate_values=dict(enumerate(curve)),
    )


# Objective 0 (minimised) at step 1: 1..5, median 3. Objective 1 is anything.
DONE = [two_objective(i, [9.0, float(i + 1)], size=100.0 - i) for i in range(5)]


def test_the_wrapped_pruner_sees_one_objective() -> None:
    pruner = ObjectivePruner(MedianPruner(), objective_index=0)
    h = history(DONE, MIN_MAX)
    assert pruner.decide(h, running(9, [9.0, 3.5])) is PRUNE
    assert pruner.decide(h, running(9, [9.0, 2.5])) is CONTINUE
    with pytest.raises(ValueError, match="MedianPruner supports single-objective"):
        MedianPruner().decide(h, running(9, [9.0, 3.5]))


def test_the_watched_objectives_direction_is_used() -> None:
    # Intermediate values tracking objective 1 (maximised): at step 1 they were 1..5.
    pruner = ObjectivePruner(MedianPruner(), objective_index=1)
    h = history(DONE, MIN_MAX)
    assert pruner.decide(h, running(9, [0.0, 3.5])) is CONTINUE  # larger is better
    assert pruner.decide(h, running(9, [0.0, 2.5])) is PRUNE


def test_budgets_tags_and_recorded_rungs_are_the_wrapped_pruners() -> None:
    hyperband = ObjectivePruner(HyperbandPruner(max_resource=27), objective_index=0)
    assignment = hyperband.assign(history([], MIN_MAX), 0)
    assert assignment.budget == 27.0 and assignment.tags["bracket"] == "0"
    asha = ObjectivePruner(
        SuccessiveHalvingPruner(min_resource=1, max_resource=9), objective_index=0
    )
    verdict = asha.judge(history([], MIN_MAX), running(0, [5.0, 4.0]))
    assert dict(verdict.system_attrs) == {"passed_rung": 1}


def test_out_of_range_index_and_bad_options() -> None:
    pruner = ObjectivePruner(MedianPruner(), objective_index=2)
    with pytest.raises(
        ValueError,
        match=re.escape("`objective_index` 2 is out of range for a study with 2 objective(s)"),
    ):
        pruner.decide(history(DONE, MIN_MAX), running(9, [1.0]))
    with pytest.raises(
        ValueError, match=re.escape("`objective_index` must be an integer >= 0 (got -1)")
    ):
        ObjectivePruner(MedianPruner(), objective_index=-1)
    with pytest.raises(
        TypeError, match=re.escape("`wrapped_pruner` must be a Pruner (got 'median')")
    ):
        ObjectivePruner("median", objective_index=0)  # type: ignore[arg-type]


def test_single_objective_studies_work_too() -> None:
    pruner = ObjectivePruner(ThresholdPruner(upper=1.0), objective_index=0)
    assert pruner.decide(history([], MIN), running(0, [2.0])) is PRUNE


def test_in_a_two_objective_study() -> None:
    study = hs.create_study(
        directions=["minimize", "minimize"],
        sampler=RandomSampler(seed=0),
        pruner=ObjectivePruner(MedianPruner(n_startup_trials=2), objective_index=0),
    )

    def objective(trial: hs.Trial) -> tuple[float, float]:
        width = trial.suggest_int("width", 1, 100)
        bad = trial.number >= 2 and trial.number % 2 == 0
        for step in range(4):
            trial.report(10.0 if bad else 1.0 / (step + 1), step)
            if trial.should_prune():
                raise hs.TrialPruned
        return 0.25, float(width)

    study.optimize(objective, n_trials=8)
    complete, pruned = hs.TrialState.COMPLETE, hs.TrialState.PRUNED
    assert [t.state for t in study.trials] == [complete, complete] + [pruned, complete] * 3


def test_repr_is_faithful() -> None:
    assert repr(ObjectivePruner(ThresholdPruner(upper=1.0), objective_index=1)) == (
        "ObjectivePruner(wrapped_pruner=ThresholdPruner(lower=None, upper=1.0, n_warmup_steps=0, "
        "interval_steps=1), objective_index=1)"
    )
