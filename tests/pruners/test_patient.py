"""Patience: early stopping alone, and a wrapped pruner that acts only on a plateau."""

from __future__ import annotations

import re

import pytest

from hypersense.pruners import (
    HyperbandPruner,
    MedianPruner,
    PatientPruner,
    PruneDecision,
    SuccessiveHalvingPruner,
)
from tests.pruners.trials import MAX, MIN_MAX, complete, history, running

CONTINUE, PRUNE = PruneDecision.CONTINUE, PruneDecision.PRUNE


@pytest.mark.parametrize(
    ("curve", "patience", "min_delta", "expected"),
    [
        ([5.0, 4.0, 3.0, 3.5, 3.2], 1, 0.0, PRUNE),  # 3.5, 3.2 do not beat 3
        ([5.0, 4.0, 3.0, 3.5, 3.2], 2, 0.0, CONTINUE),  # 3 in the window beats 4
        ([5.0, 4.0, 3.0], 2, 0.0, CONTINUE),  # too few reports to judge
        ([5.0, 4.0, 4.0], 0, 0.0, PRUNE),  # a tie is no improvement
        ([5.0, 4.0, 3.95], 0, 0.0, CONTINUE),
        ([5.0, 4.0, 3.95], 0, 0.1, PRUNE),  # improved by less than min_delta
        ([5.0, 4.0, 3.85], 0, 0.1, CONTINUE),
        ([5.0, float("nan"), float("nan")], 1, 0.0, PRUNE),  # diverged: no improvement
        ([float("nan"), 5.0], 0, 0.0, CONTINUE),  # the first finite value improves
    ],
)
def test_early_stopping_without_a_wrapped_pruner(
    curve: list[float], patience: int, min_delta: float, expected: PruneDecision
) -> None:
    pruner = PatientPruner(None, patience=patience, min_delta=min_delta)
    assert pruner.decide(history([]), running(0, curve)) is expected


def test_maximize() -> None:
    pruner = PatientPruner(None, patience=1)
    h = history([], MAX)
    assert pruner.decide(h, running(0, [0.1, 0.5, 0.4, 0.45])) is PRUNE
    assert pruner.decide(h, running(0, [0.1, 0.5, 0.4, 0.55])) is CONTINUE


def test_the_wrapped_pruner_acts_only_on_a_plateau() -> None:
    # Five finished curves, 1..5 at every step: the median is 3.
    done = [complete(i, [float(i + 1)] * 6) for i in range(5)]
    pruner = PatientPruner(MedianPruner(), patience=1)
    h = history(done)
    assert pruner.decide(h, running(9, [9.0, 8.0, 7.0])) is CONTINUE  # bad but improving
    assert pruner.decide(h, running(9, [9.0, 4.0, 4.5, 4.2])) is PRUNE  # plateau, above 3
    assert pruner.decide(h, running(9, [9.0, 2.0, 2.5, 2.2])) is CONTINUE  # plateau, below 3


def test_budgets_tags_and_verdicts_of_the_wrapped_pruner_pass_through() -> None:
    hyperband = PatientPruner(HyperbandPruner(min_resource=1, max_resource=27), patience=0).assign(
        history([]), 0
    )
    assert hyperband.budget == 27.0 and hyperband.tags["bracket"] == "0"
    assert PatientPruner(None, patience=0).assign(history([]), 0).tags == {}
    # Successive halving records the rung a stagnating trial passed.
    pruner = PatientPruner(SuccessiveHalvingPruner(min_resource=1, max_resource=9), patience=0)
    verdict = pruner.judge(history([]), running(0, [1.0, 1.0]))
    assert verdict.decision is CONTINUE and dict(verdict.system_attrs) == {"passed_rung": 1}


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (
            lambda: PatientPruner(None, patience=-1),
            ValueError,
            "`patience` must be an integer >= 0 (got -1)",
        ),
        (
            lambda: PatientPruner(None, patience=1.5),
            ValueError,
            "`patience` must be an integer >= 0 (got 1.5)",
        ),
        (
            lambda: PatientPruner(None, patience=1, min_delta=-0.1),
            ValueError,
            "`min_delta` must be a finite number >= 0 (got -0.1)",
        ),
        (
            lambda: PatientPruner("median", patience=1),
            TypeError,
            "`wrapped_pruner` must be a Pruner or None (got 'median')",
        ),
    ],
)
def test_bad_options_are_named(build, error: type[Exception], message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=re.escape(message)):
        build()


def test_several_objectives_are_refused() -> None:
    with pytest.raises(ValueError, match="PatientPruner supports single-objective studies only"):
        PatientPruner(None, patience=1).decide(history([], MIN_MAX), running(0, [1.0, 2.0, 3.0]))


def test_repr_is_faithful() -> None:
    assert repr(PatientPruner(MedianPruner(), patience=3)) == (
        "PatientPruner(wrapped_pruner=MedianPruner(n_startup_trials=5, n_warmup_steps=0, "
        "interval_steps=1, n_min_trials=1), patience=3, min_delta=0.0)"
    )
