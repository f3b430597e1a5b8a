"""Hyperband: brackets by trial number, budgets and tags, and each bracket against
Optuna's successive halving with the same early-stopping rate."""

from __future__ import annotations

import re
from collections import Counter

import optuna
import pytest

import hypersense as hs
from hypersense.pruners import HyperbandPruner, PruneDecision
from hypersense.samplers import RandomSampler
from tests.pruners.lockstep import decreasing_curves, run_lockstep
from tests.pruners.trials import MIN_MAX, complete, history, running

CONTINUE, PRUNE = PruneDecision.CONTINUE, PruneDecision.PRUNE


def test_brackets_of_r1_R27_eta3() -> None:
    pruner = HyperbandPruner(min_resource=1, max_resource=27, reduction_factor=3)
    assert pruner.brackets(27) == ((1, 3, 9), (3, 9), (9,), ())


def test_assignments_follow_the_budgets_27_12_6_4() -> None:
    pruner = HyperbandPruner(min_resource=1, max_resource=27, reduction_factor=3)
    empty = history([])
    assignments = [pruner.assign(empty, n) for n in range(49 * 2)]
    assert all(a.budget == 27.0 for a in assignments)
    counts = Counter(a.tags["bracket"] for a in assignments)
    assert counts == {"0": 54, "1": 24, "2": 12, "3": 8}
    rungs = {a.tags["bracket"]: a.tags["rungs"] for a in assignments}
    assert rungs == {"0": "1,3,9", "1": "3,9", "2": "9", "3": ""}
    # A pure function of the number: the second cycle repeats the first, and a new
    # instance (another process) agrees.
    tags = [dict(a.tags) for a in assignments]
    assert tags[:49] == tags[49:]
    other = HyperbandPruner(min_resource=1, max_resource=27, reduction_factor=3)
    assert [dict(other.assign(empty, n).tags) for n in range(49)] == tags[:49]


def test_the_worked_example_of_the_docs() -> None:
    pruner = HyperbandPruner(min_resource=1, max_resource=27, reduction_factor=3)
    b0 = {"bracket": "0", "rungs": "1,3,9"}
    others = [
        running(i, [2.0, v], tags=b0, state=state)
        for i, (v, state) in enumerate(
            [
                (0.5, hs.TrialState.COMPLETE),
                (0.7, hs.TrialState.RUNNING),
                (0.9, hs.TrialState.FAIL),
                (1.1, hs.TrialState.PRUNED),
                (1.2, hs.TrialState.PRUNED),
                (1.4, hs.TrialState.PRUNED),
            ]
        )
    ]
    h = history(others)
    assert pruner.decide(h, running(9, [2.0, 0.8], tags=b0)) is PRUNE
    verdict = pruner.judge(h, running(9, [2.0, 0.7], tags=b0))
    assert verdict.decision is CONTINUE and dict(verdict.system_attrs) == {"passed_rung": 1}
    later = running(9, [2.0, 0.7, 9.0], tags=b0, attrs={"passed_rung": 1})
    assert pruner.decide(h, later) is CONTINUE  # step 2: no rung, rung 1 not judged again


def test_only_trials_of_the_same_bracket_compete() -> None:
    pruner = HyperbandPruner(
        min_resource=1, max_resource=27, reduction_factor=3, noise_tolerance=0.0
    )
    b0 = {"bracket": "0", "rungs": "1,3,9"}
    b1 = {"bracket": "1", "rungs": "3,9"}
    # In bracket 0 at step 1: 1.0 and 2.0; in bracket 1, 0.1 and 0.2 (not rivals).
    trials = [
        complete(0, [5.0, 1.0, 1.0, 1.0], tags=b0),
        complete(1, [5.0, 2.0, 2.0, 2.0], tags=b0),
        complete(2, [5.0, 0.1, 0.1, 0.1], tags=b1),
        complete(3, [5.0, 0.2, 0.2, 0.2], tags=b1),
    ]
    h = history(trials)
    assert pruner.decide(h, running(9, [5.0, 0.9], tags=b0)) is CONTINUE  # best of 3
    assert pruner.decide(h, running(9, [5.0, 1.5], tags=b0)) is PRUNE
    # Bracket 1 has no rung at step 1; at step 3 it meets 0.1 and 0.2.
    assert pruner.decide(h, running(9, [5.0, 9.0], tags=b1)) is CONTINUE
    assert pruner.decide(h, running(9, [5.0, 9.0, 9.0, 0.15], tags=b1)) is PRUNE
    # The last bracket never prunes.
    last = {"bracket": "3", "rungs": ""}
    assert pruner.decide(h, running(9, [99.0] * 20, tags=last)) is CONTINUE


def test_trials_without_a_bracket_of_this_pruner_are_never_pruned() -> None:
    pruner = HyperbandPruner(min_resource=1, max_resource=27, reduction_factor=3)
    h = history([complete(i, [0.0] * 5, tags={"bracket": "0", "rungs": "1,3,9"}) for i in range(5)])
    bad = [9.0] * 5
    assert pruner.decide(h, running(9, bad)) is CONTINUE
    assert pruner.decide(h, running(9, bad, tags={"bracket": "7", "rungs": ""})) is CONTINUE
    # Same bracket name, other rungs: assigned by a differently configured Hyperband.
    assert pruner.decide(h, running(9, bad, tags={"bracket": "0", "rungs": "2,4"})) is CONTINUE
    assert pruner.decide(h, running(9, bad, tags={"bracket": "0", "rungs": "1,3,9"})) is PRUNE


def test_auto_max_resource_waits_for_the_first_completed_trial() -> None:
    pruner = HyperbandPruner(min_resource=1, reduction_factor=3)
    assert pruner.assign(history([]), 0).tags == {}
    assert pruner.assign(history([]), 0).budget is None
    h = history(
        [complete(0, [1.0] * 27, completed_at=5.0), complete(1, [1.0] * 9, completed_at=9.0)]
    )
    assignment = pruner.assign(h, 2)
    assert assignment.budget == 27.0
    assert set(assignment.tags) == {"bracket", "rungs"}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"reduction_factor": 1}, "`reduction_factor` must be an integer >= 2 (got 1)"),
        ({"min_resource": 0}, "`min_resource` must be an integer >= 1 (got 0)"),
        ({"min_resource": "auto"}, "`min_resource` must be an integer >= 1 (got 'auto')"),
        ({"max_resource": 0}, '`max_resource` must be an integer >= 1 or "auto" (got 0)'),
        ({"noise_tolerance": -1}, "`noise_tolerance` must be a finite number >= 0 (got -1)"),
        (
            {"min_resource": 9, "max_resource": 3},
            "`min_resource` (9) must not exceed `max_resource` (3)",
        ),
    ],
)
def test_bad_options_are_named(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        HyperbandPruner(**options)  # type: ignore[arg-type]


def test_several_objectives_are_refused_at_the_first_call() -> None:
    pruner = HyperbandPruner(max_resource=27)
    with pytest.raises(ValueError, match="HyperbandPruner supports single-objective studies"):
        pruner.assign(history([], MIN_MAX), 0)
    with pytest.raises(ValueError, match="HyperbandPruner supports single-objective studies"):
        pruner.decide(history([], MIN_MAX), running(0, [1.0]))


def test_repr_is_faithful() -> None:
    assert repr(HyperbandPruner(max_resource=81)) == (
        "HyperbandPruner(min_resource=1, max_resource=81, reduction_factor=3, noise_tolerance=1.0)"
    )


@pytest.mark.parametrize(("eta", "seed"), [(3, 0), (2, 1)])
def test_each_bracket_decides_as_optuna_successive_halving_with_its_rate(
    eta: int, seed: int
) -> None:
    n_steps = 30
    curves = decreasing_curves(120, n_steps, seed=seed)
    study = hs.create_study(
        sampler=RandomSampler(seed=0),
        pruner=HyperbandPruner(
            min_resource=1, max_resource=n_steps, reduction_factor=eta, noise_tolerance=0.0
        ),
    )
    theirs: dict[str, optuna.Study] = {}

    def bracket_study(trial: hs.Trial) -> optuna.Study:
        bracket = trial.tags["bracket"]
        if bracket not in theirs:
            pruner = optuna.pruners.SuccessiveHalvingPruner(
                min_resource=1, reduction_factor=eta, min_early_stopping_rate=int(bracket)
            )
            theirs[bracket] = optuna.create_study(pruner=pruner)
        return theirs[bracket]

    decisions = run_lockstep(study, bracket_study, curves, n_parallel=4, seed=seed)
    assert sum(pruned for _, _, pruned in decisions) >= 20
    by_bracket = Counter(t.tags["bracket"] for t in study.trials)
    assert len(by_bracket) == len(study.pruner.brackets(n_steps))  # type: ignore[attr-defined]
    assert all(t.budget == n_steps for t in study.trials)
