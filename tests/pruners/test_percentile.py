"""Median / percentile pruning against hand-computed decisions."""

from __future__ import annotations

import math

import pytest

import hypersense as hs
from hypersense.history import StudyHistory
from hypersense.pruners import MedianPruner, NopPruner, PercentilePruner, PruneDecision

MIN = (hs.StudyDirection.MINIMIZE,)
MAX = (hs.StudyDirection.MAXIMIZE,)


def complete(number: int, curve: list[float]) -> hs.FrozenTrial:
    return hs.FrozenTrial(
        number=number,
        state=hs.TrialState.COMPLETE,
        values=(curve[-1],),
        intermediate_values=dict(enumerate(curve)),
    )


def running(number: int, curve: list[float]) -> hs.FrozenTrial:
    return hs.FrozenTrial(
        number=number, state=hs.TrialState.RUNNING, intermediate_values=dict(enumerate(curve))
    )


# Five finished curves; at step 1 their values are 1, 2, 3, 4, 5 (median 3).
DONE = [complete(i, [10.0, float(i + 1), 0.0]) for i in range(5)]


@pytest.mark.parametrize(
    ("curve", "expected"),
    [
        ([9.0, 3.0], PruneDecision.CONTINUE),  # equal to the median: kept
        ([9.0, 3.5], PruneDecision.PRUNE),
        ([2.5, 3.5], PruneDecision.CONTINUE),  # its best so far (2.5) counts
        ([math.nan, math.nan], PruneDecision.PRUNE),  # diverged
    ],
)
def test_median_rule_minimize(curve: list[float], expected: PruneDecision) -> None:
    history = StudyHistory.from_trials(MIN, DONE)
    assert MedianPruner(n_startup_trials=5).decide(history, running(9, curve)) is expected


def test_median_rule_maximize() -> None:
    history = StudyHistory.from_trials(MAX, DONE)
    pruner = MedianPruner()
    assert pruner.decide(history, running(9, [0.0, 2.9])) is PruneDecision.PRUNE
    assert pruner.decide(history, running(9, [0.0, 3.0])) is PruneDecision.CONTINUE


def test_percentile_25_keeps_only_the_best_quarter() -> None:
    # 25th percentile of 1..5 (linear interpolation) is 2.0.
    history = StudyHistory.from_trials(MIN, DONE)
    pruner = PercentilePruner(25.0)
    assert pruner.decide(history, running(9, [9.0, 2.0])) is PruneDecision.CONTINUE
    assert pruner.decide(history, running(9, [9.0, 2.1])) is PruneDecision.PRUNE


def test_startup_warmup_interval_and_min_trials() -> None:
    history = StudyHistory.from_trials(MIN, DONE)
    bad = running(9, [99.0, 99.0, 99.0])
    assert MedianPruner(n_startup_trials=6).decide(history, bad) is PruneDecision.CONTINUE
    assert MedianPruner(n_warmup_steps=3).decide(history, bad) is PruneDecision.CONTINUE
    # warm-up 0, interval 2: decisions at steps 0, 2, 4 only
    assert (
        MedianPruner(interval_steps=2).decide(history, running(9, [99.0, 99.0]))
        is PruneDecision.CONTINUE
    )
    assert MedianPruner(n_min_trials=6).decide(history, bad) is PruneDecision.CONTINUE
    assert NopPruner().decide(history, bad) is PruneDecision.CONTINUE


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: PercentilePruner(101.0), "percentile"),
        (lambda: MedianPruner(n_startup_trials=-1), "n_startup_trials"),
        (lambda: MedianPruner(interval_steps=0), "interval_steps"),
        (lambda: PercentilePruner(True), "percentile"),
        (lambda: PercentilePruner("25"), "percentile"),
        (lambda: PercentilePruner(float("nan")), "percentile"),
        (lambda: MedianPruner(n_warmup_steps=True), "n_warmup_steps"),
        (lambda: MedianPruner(n_min_trials=2.0), "n_min_trials"),
    ],
)
def test_bad_options_are_named(build, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        build()


def test_repr_is_faithful() -> None:
    assert repr(MedianPruner(n_warmup_steps=2)) == (
        "MedianPruner(n_startup_trials=5, n_warmup_steps=2, interval_steps=1, n_min_trials=1)"
    )
