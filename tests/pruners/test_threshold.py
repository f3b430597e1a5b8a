"""Threshold pruning: a range and divergence, on hand-made values."""

from __future__ import annotations

import math
import re

import pytest

from hypersense.pruners import PruneDecision, ThresholdPruner
from tests.pruners.trials import MIN_MAX, history, running

CONTINUE, PRUNE = PruneDecision.CONTINUE, PruneDecision.PRUNE


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        (0.0, CONTINUE),  # bounds are inside the range
        (1.0, CONTINUE),
        (-0.01, PRUNE),
        (1.01, PRUNE),
        (math.nan, PRUNE),
        (math.inf, PRUNE),
        (-math.inf, PRUNE),
    ],
)
def test_outside_the_range_or_diverged_is_pruned(last: float, expected: PruneDecision) -> None:
    pruner = ThresholdPruner(lower=0.0, upper=1.0)
    assert pruner.decide(history([]), running(0, [0.5, last])) is expected


def test_only_the_last_value_counts_and_no_bound_is_a_divergence_guard() -> None:
    guard = ThresholdPruner()
    assert guard.decide(history([]), running(0, [1e300, -5.0])) is CONTINUE
    assert guard.decide(history([]), running(0, [1.0, math.nan])) is PRUNE
    upper_only = ThresholdPruner(upper=2.0)
    assert upper_only.decide(history([]), running(0, [9.0, 1.0])) is CONTINUE
    assert upper_only.decide(history([]), running(0, [1.0, -1e9])) is CONTINUE


def test_warmup_and_interval() -> None:
    pruner = ThresholdPruner(upper=1.0, n_warmup_steps=2, interval_steps=2)
    h = history([])
    assert pruner.decide(h, running(0, [5.0, 5.0])) is CONTINUE  # step 1 < warm-up
    assert pruner.decide(h, running(0, [5.0, 5.0, 5.0])) is PRUNE  # step 2
    assert pruner.decide(h, running(0, [5.0] * 4)) is CONTINUE  # step 3: off the interval
    assert pruner.decide(h, running(0, [5.0] * 5)) is PRUNE  # step 4
    assert pruner.decide(h, running(0, [])) is CONTINUE


def test_works_with_several_objectives() -> None:
    pruner = ThresholdPruner(upper=1.0)
    assert pruner.decide(history([], MIN_MAX), running(0, [3.0])) is PRUNE


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"lower": 2.0, "upper": 1.0}, "`lower` (2.0) must not exceed `upper` (1.0)"),
        ({"lower": math.nan}, "`lower` must be a number or None (got nan)"),
        ({"upper": "1"}, "`upper` must be a number or None (got '1')"),
        ({"n_warmup_steps": -1}, "`n_warmup_steps` must be an integer >= 0 (got -1)"),
        ({"interval_steps": 0}, "`interval_steps` must be an integer >= 1 (got 0)"),
    ],
)
def test_bad_options_are_named(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        ThresholdPruner(**options)  # type: ignore[arg-type]


def test_repr_is_faithful() -> None:
    assert repr(ThresholdPruner(lower=0.5)) == (
        "ThresholdPruner(lower=0.5, upper=None, n_warmup_steps=0, interval_steps=1)"
    )
