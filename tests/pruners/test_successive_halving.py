"""Asynchronous successive halving: hand-made rungs, and Optuna's decisions as an oracle."""

from __future__ import annotations

import math
import re

import numpy as np
import optuna
import pytest

import hypersense as hs
from hypersense.pruners import PruneDecision, SuccessiveHalvingPruner
from hypersense.samplers import RandomSampler
from tests.pruners.lockstep import decreasing_curves, run_lockstep
from tests.pruners.trials import MAX, MIN_MAX, complete, history, running

CONTINUE, PRUNE = PruneDecision.CONTINUE, PruneDecision.PRUNE


def sh(**options: object) -> SuccessiveHalvingPruner:
    """The plain rule (no noise tolerance) unless ``options`` say otherwise: the
    hand-made curves below jump by design."""
    defaults = {"min_resource": 1, "max_resource": 30, "noise_tolerance": 0.0}
    return SuccessiveHalvingPruner(**{**defaults, **options})  # type: ignore[arg-type]


# Rungs of sh(reduction_factor=3): steps 1, 3, 9, 27. At step 1 the five earlier
# trials had 1, 2, 3, 4, 5; with this trial that makes 6, so the best 6 // 3 = 2 go on.
EARLIER = [complete(i, [9.0, float(i + 1), 0.5, 0.5]) for i in range(5)]


@pytest.mark.parametrize(
    ("curve", "expected"),
    [
        ([9.0], CONTINUE),  # step 0: no rung
        ([9.0, 2.0], CONTINUE),  # ties the second best
        ([9.0, 2.5], PRUNE),
        ([9.0, 0.1], CONTINUE),
        ([9.0, math.nan], PRUNE),  # diverged at a rung
        ([9.0, 0.1, 7.0], CONTINUE),  # step 2: no rung, whatever the value
    ],
)
def test_a_rung_keeps_the_best_third(curve: list[float], expected: PruneDecision) -> None:
    decision = sh(reduction_factor=3).decide(history(EARLIER), running(9, curve))
    assert decision is expected


def test_passing_a_rung_is_recorded_on_the_trial() -> None:
    verdict = sh(reduction_factor=3).judge(history(EARLIER), running(9, [9.0, 0.1]))
    assert verdict.decision is CONTINUE
    assert dict(verdict.system_attrs) == {"passed_rung": 1}
    pruned = sh(reduction_factor=3).judge(history(EARLIER), running(9, [9.0, 2.5]))
    assert pruned.decision is PRUNE and not pruned.system_attrs


def test_a_rung_is_judged_once_on_the_value_at_its_step() -> None:
    pruner = sh(reduction_factor=3)
    h = history(EARLIER)  # at step 3 all five earlier trials had 0.5
    passed_1 = {"passed_rung": 1}
    # Passed rung 1: its bad value there is not judged again; no rung at step 2.
    assert pruner.judge(h, running(9, [9.0, 2.5, 7.0], attrs=passed_1)).decision is CONTINUE
    # Rung 3 pending: 0.4 is the best of six there.
    verdict = pruner.judge(h, running(9, [9.0, 2.5, 0.1, 0.4], attrs=passed_1))
    assert verdict.decision is CONTINUE and dict(verdict.system_attrs) == {"passed_rung": 3}
    # should_prune skipped at steps 1 and 2: rungs 1 and 3 are judged now, each on its
    # own step's value (0.1 at rung 1 passes, 0.6 at rung 3 does not).
    assert pruner.decide(h, running(9, [9.0, 0.1, 0.3, 0.6])) is PRUNE
    # Reports that skip a rung's step: the value at the first step past it counts,
    # for this trial (0.45 at step 5) and for its rivals (0.7 at step 4).
    jumped = running(9, {0: 9.0, 1: 0.1, 5: 0.45}, attrs=passed_1)
    assert pruner.decide(h, jumped) is CONTINUE  # 0.45 vs five 0.5s at rung 3
    rivals = [complete(i, {0: 9.0, 1: 5.0, 4: 0.4}) for i in range(5)]
    assert pruner.decide(history(rivals), jumped) is PRUNE  # 0.45 vs five 0.4s


def test_only_trials_that_reached_the_rung_count_whatever_their_state() -> None:
    pruner = sh(reduction_factor=2)
    own = running(9, [9.0, 2.0])
    reached = [
        running(0, [9.0, 1.0]),
        running(1, [9.0, 4.0], state=hs.TrialState.PRUNED),
        running(2, [9.0, 5.0], state=hs.TrialState.FAIL),
    ]
    not_reached = [
        running(3, [9.0], state=hs.TrialState.FAIL),  # failed before the rung
        running(4, [], state=hs.TrialState.WAITING),
    ]
    # 1, 2, 4, 5 at step 1: the best 4 // 2 = 2 go on.
    assert pruner.decide(history(reached + not_reached), own) is CONTINUE
    # Without the failed trial that reached the rung: 1, 2, 4, keep 1.
    assert pruner.decide(history(reached[:2] + not_reached), own) is PRUNE


def test_maximize_keeps_the_largest_values() -> None:
    earlier = [complete(i, [0.0, float(i + 1)]) for i in range(5)]  # 1 .. 5 at step 1
    pruner = sh(reduction_factor=3)
    assert pruner.decide(history(earlier, MAX), running(9, [0.0, 4.0])) is CONTINUE
    assert pruner.decide(history(earlier, MAX), running(9, [0.0, 3.9])) is PRUNE


def test_the_trial_itself_in_the_history_is_not_counted_twice() -> None:
    # The history may hold an older record of the running trial.
    older_self = running(9, [9.0])
    rival = complete(0, [9.0, 1.0])
    pruner = sh(reduction_factor=2)
    assert pruner.decide(history([rival, older_self]), running(9, [9.0, 2.0])) is PRUNE


def test_no_rung_at_or_past_max_resource_and_budget_and_tags() -> None:
    pruner = SuccessiveHalvingPruner(min_resource=2, max_resource=8, reduction_factor=2)
    earlier = [complete(i, [0.0] * 10) for i in range(4)]
    assert pruner.decide(history(earlier), running(9, [5.0] * 5)) is PRUNE  # rung 4
    at_max = running(9, [5.0] * 9, attrs={"passed_rung": 4})
    assert pruner.decide(history(earlier), at_max) is CONTINUE  # step 8 = R: no rung
    assignment = pruner.assign(history(earlier), 9)
    assert assignment.budget == 8.0
    assert dict(assignment.tags) == {"rungs": "2,4"}


def test_auto_resources_come_from_the_first_completed_trial() -> None:
    pruner = SuccessiveHalvingPruner(reduction_factor=2)  # min and max "auto"
    bad = running(9, [5.0] * 2)
    assert pruner.assign(history([]), 9).budget is None
    assert pruner.decide(history([running(0, [0.0] * 3)]), bad) is CONTINUE  # nothing known
    # The first to complete (earliest completed_at) has 300 steps: R = 300, r = 3.
    first = complete(1, [0.0] * 300, completed_at=10.0)
    second = complete(0, [0.0] * 50, completed_at=20.0)
    h = history([second, first])
    assert pruner.assign(h, 9).budget == 300.0
    assert pruner.assign(h, 9).tags["rungs"] == "3,6,12,24,48,96,192"
    assert pruner.decide(h, bad) is CONTINUE  # step 1: below the first rung (3)
    assert pruner.decide(h, running(9, [5.0] * 4)) is PRUNE


def test_decisions_are_a_function_of_the_history_alone() -> None:
    curves = decreasing_curves(12, 10, seed=3)
    trials = [complete(i, list(curves[i])) for i in range(11)]
    probe = running(11, list(curves[11][:4]))
    reused = sh(reduction_factor=3)
    first = [reused.decide(history(trials[:k]), probe) for k in range(12)]
    again = [sh(reduction_factor=3).decide(history(trials[:k][::-1]), probe) for k in range(12)]
    assert first == again  # a fresh instance and another trial order agree
    assert PRUNE in first and CONTINUE in first


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"reduction_factor": 1}, "`reduction_factor` must be an integer >= 2 (got 1)"),
        ({"reduction_factor": 0}, "`reduction_factor` must be an integer >= 2 (got 0)"),
        ({"reduction_factor": 2.5}, "`reduction_factor` must be an integer >= 2 (got 2.5)"),
        ({"min_resource": 0}, '`min_resource` must be an integer >= 1 or "auto" (got 0)'),
        ({"max_resource": "big"}, "`max_resource` must be an integer >= 1 or \"auto\" (got 'big')"),
        (
            {"min_resource": 10, "max_resource": 5},
            "`min_resource` (10) must not exceed `max_resource` (5)",
        ),
        ({"min_early_stopping_rate": -1}, "`min_early_stopping_rate` must be an integer >= 0"),
        ({"noise_tolerance": -0.5}, "`noise_tolerance` must be a finite number >= 0 (got -0.5)"),
        ({"noise_tolerance": math.inf}, "`noise_tolerance` must be a finite number >= 0 (got inf)"),
    ],
)
def test_bad_options_are_named(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        SuccessiveHalvingPruner(**options)  # type: ignore[arg-type]


def test_several_objectives_are_refused_at_the_first_call() -> None:
    pruner = sh()
    h = history([], MIN_MAX)
    with pytest.raises(ValueError, match="SuccessiveHalvingPruner supports single-objective"):
        pruner.decide(h, running(0, [1.0, 2.0]))
    with pytest.raises(ValueError, match="objective_index"):
        pruner.assign(h, 0)


def test_repr_is_faithful() -> None:
    assert repr(SuccessiveHalvingPruner()) == (
        "SuccessiveHalvingPruner(min_resource='auto', max_resource='auto', "
        "reduction_factor=4, min_early_stopping_rate=0, noise_tolerance=1.0)"
    )


# ------------------------------------------------------------------ oracle
@pytest.mark.parametrize(
    ("direction", "options", "seed"),
    [
        ("minimize", {"min_resource": 1, "reduction_factor": 3}, 0),
        ("minimize", {"min_resource": 1, "reduction_factor": 2}, 1),
        ("maximize", {"min_resource": 2, "reduction_factor": 3, "min_early_stopping_rate": 1}, 2),
        ("minimize", {"min_resource": 1, "reduction_factor": 4}, 3),
    ],
)
def test_decisions_match_optuna_on_the_same_asynchronous_curves(
    direction: str, options: dict[str, object], seed: int
) -> None:
    curves = decreasing_curves(60, 30, seed=seed)
    if direction == "maximize":
        curves = -curves
    study = hs.create_study(
        direction=direction,
        sampler=RandomSampler(seed=0),
        pruner=SuccessiveHalvingPruner(**options, noise_tolerance=0.0),  # type: ignore[arg-type]
    )
    theirs = optuna.create_study(
        direction=direction,
        sampler=optuna.samplers.RandomSampler(seed=0),
        pruner=optuna.pruners.SuccessiveHalvingPruner(**options),  # type: ignore[arg-type]
    )
    decisions = run_lockstep(study, lambda _: theirs, curves, n_parallel=4, seed=seed)
    # The comparison covered many prunings, and promotions at several rungs.
    assert sum(pruned for _, _, pruned in decisions) >= 20
    passed = [
        t.system_attrs["passed_rung"] for t in study.trials if "passed_rung" in t.system_attrs
    ]
    assert len(passed) >= 10 and len(set(passed)) >= 2


# ------------------------------------------------------- noise tolerance
def planted_run(
    seed: int, noise_tolerance: float, *, spacing: float, noise: float
) -> tuple[bool, int]:
    """ASHA (R = 20, eta = 3) on 27 planted curves ``final + 0.6 exp(-t / 2) + noise``
    whose finals are ``0.1 + spacing * k`` in a random order: whether the truly
    best configuration trained to the end, and the steps the study spent."""
    rng = np.random.default_rng(seed)
    finals = 0.1 + spacing * rng.permutation(27)
    steps = np.arange(20)
    curves = finals[:, None] + 0.6 * np.exp(-steps / 2.0) + rng.normal(0.0, noise, (27, 20))
    pruner = SuccessiveHalvingPruner(
        min_resource=1, max_resource=20, reduction_factor=3, noise_tolerance=noise_tolerance
    )
    study = hs.create_study(sampler=RandomSampler(seed=0), pruner=pruner)

    def objective(trial: hs.Trial) -> float:
        for step, value in enumerate(curves[trial.number]):
            trial.report(float(value), step)
            if trial.should_prune():
                raise hs.TrialPruned
        return float(curves[trial.number, -1])

    study.optimize(objective, n_trials=27)
    best = study.trials[int(np.argmin(finals))]
    return best.state is hs.TrialState.COMPLETE, sum(
        len(t.intermediate_values) for t in study.trials
    )


def test_a_rung_within_the_noise_does_not_cut_the_true_best() -> None:
    # Finals 0.004 apart, noise 0.02 per value: the rungs rank the good
    # configurations at random. The plain rule stops the truly best one on most
    # seeds; with the noise tolerance it trains to the end on most.
    plain = [planted_run(s, 0.0, spacing=0.004, noise=0.02) for s in range(10)]
    tolerant = [planted_run(s, 1.0, spacing=0.004, noise=0.02) for s in range(10)]
    assert sum(kept for kept, _ in plain) <= 3
    assert sum(kept for kept, _ in tolerant) >= 8
    # It costs steps, but far from training everything (27 * 20 = 540).
    assert sum(steps for _, steps in tolerant) / 10 < 0.5 * 540


def test_where_a_rung_ranks_clearly_the_tolerance_changes_nothing() -> None:
    # Finals 0.1 apart, noise 0.002: the same decisions as the plain rule.
    for seed in range(5):
        plain = planted_run(seed, 0.0, spacing=0.1, noise=0.002)
        tolerant = planted_run(seed, 1.0, spacing=0.1, noise=0.002)
        assert tolerant == plain and plain[0]


def test_the_margin_is_the_jitter_of_the_curves_up_to_the_rung() -> None:
    # Five earlier trials: 0.5 at rung 3; second differences of their values up
    # to the rung, [1.0, 0.6, 0.6, 0.5]: 0.4 and -0.1, so sigma = sqrt(0.085 / 6)
    # (step 4 is past the rung and does not count). The judged trial reports
    # steps 0 and 3 only, so it adds no triple of its own.
    earlier = [complete(i, [1.0, 0.6, 0.6, 0.5, 9.0]) for i in range(5)]
    sigma = math.sqrt((0.4**2 + 0.1**2) / 2 / 6)
    margin = math.sqrt(2.0) * sigma  # z = 1: 0.168
    pruner = sh(reduction_factor=3, noise_tolerance=1.0)
    attrs = {"passed_rung": 1}
    inside = running(9, {0: 1.0, 3: 0.5 + margin - 1e-6}, attrs=attrs)
    outside = running(9, {0: 1.0, 3: 0.5 + margin + 1e-6}, attrs=attrs)
    assert pruner.decide(history(earlier), inside) is CONTINUE
    assert pruner.decide(history(earlier), outside) is PRUNE
    assert sh(reduction_factor=3).decide(history(earlier), inside) is PRUNE  # plain rule
