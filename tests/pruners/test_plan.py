"""The budget plan: hand-computed tables, and what deterministic runs spend."""

from __future__ import annotations

import re

import pytest

import hypersense as hs
from hypersense.pruners import (
    BudgetPlan,
    HyperbandPruner,
    MedianPruner,
    ObjectivePruner,
    SuccessiveHalvingPruner,
    plan_budget,
)
from hypersense.samplers import RandomSampler


def rows(plan: BudgetPlan, field: str) -> list[list[int | None]]:
    return [[getattr(r, field) for r in b.rows] for b in plan.brackets]


def test_hyperband_table_by_hand() -> None:
    # R = 27, eta = 3: brackets with rungs (1, 3, 9), (3, 9), (9,), (); their first
    # 20 trial numbers fall 11, 5, 2, 2 (the cycle starts 0 1 0 2 0 3 0 1 0 0 1 0 2 ...).
    plan = plan_budget(HyperbandPruner(max_resource=27, reduction_factor=3), 20)
    assert [b.n_trials for b in plan.brackets] == [11, 5, 2, 2]
    assert [[r.step for r in b.rows] for b in plan.brackets] == [
        [1, 3, 9, 26],
        [3, 9, 26],
        [9, 26],
        [26],
    ]
    assert [r.is_full for r in plan.brackets[0].rows] == [False] * 3 + [True]
    assert rows(plan, "nominal") == [[11, 3, 1, 1], [5, 1, 1], [2, 1], [2]]
    assert rows(plan, "at_least") == [[11, 1, 1, 1], [5, 1, 1], [2, 1], [2]]
    assert rows(plan, "at_most") == [[11] * 4, [5] * 3, [2] * 2, [2]]
    # A trial stopped at rung step r trained r + 1 steps; a full one 27.
    # nominal: 8*2 + 2*4 + 27 = 51; 4*4 + 27 = 43; 10 + 27 = 37; 2*27 = 54.
    assert [b.steps_nominal for b in plan.brackets] == [51, 43, 37, 54]
    # at least: 10*2 + 27 = 47; 4*4 + 27 = 43; 10 + 27 = 37; 54.
    assert [b.steps_at_least for b in plan.brackets] == [47, 43, 37, 54]
    assert [b.steps_at_most for b in plan.brackets] == [297, 135, 54, 54]
    assert (plan.steps_nominal, plan.steps_at_least, plan.steps_at_most) == (185, 181, 540)
    assert plan.trials_run is None and plan.steps_spent is None
    assert all(r.reached is None for b in plan.brackets for r in b.rows)


def test_successive_halving_is_one_bracket() -> None:
    # R = 400, min_resource "auto" = 400 // 100 = 4, eta = 4: rungs 4, 16, 64, 256.
    plan = plan_budget(SuccessiveHalvingPruner(max_resource=400), 40)
    (bracket,) = plan.brackets
    assert [r.step for r in bracket.rows] == [4, 16, 64, 256, 399]
    assert [r.nominal for r in bracket.rows] == [40, 10, 2, 1, 1]
    # 30*5 + 8*17 + 1*65 + 0*257 + 1*400
    assert bracket.steps_nominal == 150 + 136 + 65 + 400
    wrapped = ObjectivePruner(SuccessiveHalvingPruner(max_resource=400), objective_index=0)
    assert plan_budget(wrapped, 40).brackets == plan.brackets


def test_what_cannot_be_planned_says_why() -> None:
    with pytest.raises(ValueError, match=re.escape("`n_trials` must be an integer >= 1 (got 0)")):
        plan_budget(HyperbandPruner(max_resource=9), 0)
    for pruner in (MedianPruner(), HyperbandPruner(), SuccessiveHalvingPruner()):
        with pytest.raises(ValueError, match="has no fixed rungs to plan"):
            plan_budget(pruner, 10)


MAX_RESOURCE = 9


def run(quality: str, n_trials: int) -> list[hs.FrozenTrial]:
    """A Hyperband study (R = 9, eta = 3) whose trial ``i`` has a flat curve at a
    value set by its number: each trial better than all before it
    ("improving"), worse ("worsening"), or from a random parameter."""
    pruner = HyperbandPruner(max_resource=MAX_RESOURCE, reduction_factor=3)
    study = hs.create_study(sampler=RandomSampler(seed=5), pruner=pruner)

    def objective(trial: hs.Trial) -> float:
        x = trial.suggest_float("x", 0.0, 1.0)
        value = {"improving": -trial.number, "worsening": trial.number, "random": x}[quality]
        for step in range(MAX_RESOURCE):
            trial.report(float(value), step)
            if trial.should_prune():
                raise hs.TrialPruned
        return float(value)

    study.optimize(objective, n_trials=n_trials)
    return study.trials


def test_a_run_where_every_trial_goes_on_spends_the_most() -> None:
    pruner = HyperbandPruner(max_resource=MAX_RESOURCE, reduction_factor=3)
    plan = plan_budget(pruner, 17, trials=run("improving", 17))
    assert rows(plan, "reached") == rows(plan, "at_most")
    assert [b.trials_run for b in plan.brackets] == [b.n_trials for b in plan.brackets]
    assert [b.steps_spent for b in plan.brackets] == [b.steps_at_most for b in plan.brackets]
    assert plan.steps_spent == plan.steps_at_most == 17 * MAX_RESOURCE
    assert plan.trials_run == 17


def test_a_run_where_only_the_first_at_each_rung_goes_on_spends_the_least() -> None:
    pruner = HyperbandPruner(max_resource=MAX_RESOURCE, reduction_factor=3)
    plan = plan_budget(pruner, 17, trials=run("worsening", 17))
    assert rows(plan, "reached") == rows(plan, "at_least")
    assert [b.steps_spent for b in plan.brackets] == [b.steps_at_least for b in plan.brackets]
    assert plan.steps_spent == plan.steps_at_least < plan.steps_at_most


def test_any_run_lies_between() -> None:
    pruner = HyperbandPruner(max_resource=MAX_RESOURCE, reduction_factor=3)
    plan = plan_budget(pruner, 17, trials=run("random", 17))
    assert plan.steps_spent is not None
    assert plan.steps_at_least <= plan.steps_spent <= plan.steps_at_most
    for b in plan.brackets:
        for r in b.rows:
            assert r.reached is not None and r.at_least <= r.reached <= r.at_most
