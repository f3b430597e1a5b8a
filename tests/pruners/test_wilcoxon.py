"""The Wilcoxon pruner: instances paired by id, exact p-values computed by hand."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

import hypersense as hs
from hypersense.pruners import PruneDecision, WilcoxonPruner
from hypersense.pruners.wilcoxon import worse_p_value
from tests.pruners.trials import MAX, MIN_MAX, complete, history, running

CONTINUE, PRUNE = PruneDecision.CONTINUE, PruneDecision.PRUNE

# The best trial scored 1..5 on instances 0..4 (instances differ in difficulty).
BEST = complete(0, {i: float(i + 1) for i in range(5)}, value=3.0)
WORSE = complete(1, {i: float(i + 3) for i in range(5)}, value=5.0)


def test_instances_are_paired_by_id_not_by_report_order() -> None:
    # Reported in reverse order, 0.1 worse than the best on each instance: all five
    # differences positive, exact one-sided p = 1/32.
    reverse = running(5, {i: float(i + 1) + 0.1 for i in (4, 3, 2, 1, 0)})
    assert list(reverse.intermediate_values) == [4, 3, 2, 1, 0]
    assert WilcoxonPruner().decide(history([WORSE, BEST]), reverse) is PRUNE
    # Paired by position instead, the differences would be 4.1, 2.1, 0.1, -1.9, -3.9.
    by_order = np.array([4.1, 2.1, 0.1, -1.9, -3.9])
    assert worse_p_value(by_order) > 0.1


@pytest.mark.parametrize(
    ("instances", "p_threshold", "expected"),
    [
        ((0, 1, 2), 0.1, CONTINUE),  # 3 pairs: p >= 1/8 > 0.1 whatever the scores
        ((0, 1, 2), 0.2, PRUNE),  # p = 1/8
        ((0, 1, 2, 3), 0.1, PRUNE),  # p = 1/16
        ((0, 1, 2, 3), 0.05, CONTINUE),
        ((0,), 0.6, PRUNE),  # one pair: p = 1/2
    ],
)
def test_few_instances(
    instances: tuple[int, ...], p_threshold: float, expected: PruneDecision
) -> None:
    trial = running(5, {i: 100.0 for i in instances})
    pruner = WilcoxonPruner(p_threshold=p_threshold, n_startup_steps=0)
    assert pruner.decide(history([BEST]), trial) is expected


def test_exact_p_value_with_one_better_instance() -> None:
    # Differences +1, +2, +3, -0.5: ranks 2, 3, 4 positive, 1 negative. W+ = 9 of 10;
    # 2 of the 16 sign patterns reach W+ >= 9, so p = 0.125.
    assert worse_p_value(np.array([1.0, 2.0, 3.0, -0.5])) == pytest.approx(0.125)
    trial = running(5, {0: 2.0, 1: 4.0, 2: 6.0, 3: 3.5})
    assert WilcoxonPruner(p_threshold=0.1).decide(history([BEST]), trial) is CONTINUE
    assert WilcoxonPruner(p_threshold=0.15).decide(history([BEST]), trial) is PRUNE


def test_a_trial_better_on_average_is_kept_whatever_the_ranks() -> None:
    # Slightly worse on nine instances, far better on the tenth.
    best = complete(0, {i: 1.0 for i in range(10)}, value=1.0)
    trial = running(5, {**{i: 1.1 for i in range(9)}, 9: -4.0})
    assert worse_p_value(np.array([0.1] * 9 + [-5.0])) < 0.1  # the test alone would prune
    assert WilcoxonPruner().decide(history([best]), trial) is CONTINUE


def test_ties_with_the_best_and_startup() -> None:
    same = running(5, {i: float(i + 1) for i in range(5)})
    assert WilcoxonPruner().decide(history([BEST]), same) is CONTINUE
    worse = running(5, {i: 50.0 for i in range(4)})
    assert WilcoxonPruner(n_startup_steps=5).decide(history([BEST]), worse) is CONTINUE


def test_the_best_is_the_best_complete_trial_with_instances() -> None:
    trial = running(
        5, {i: float(i + 2) for i in range(5)}
    )  # 1 worse than BEST, 1 better than WORSE
    assert WilcoxonPruner().decide(history([WORSE, BEST]), trial) is PRUNE
    assert WilcoxonPruner().decide(history([WORSE]), trial) is CONTINUE
    no_instances = hs.FrozenTrial(number=2, state=hs.TrialState.COMPLETE, values=(0.0,))
    assert WilcoxonPruner().decide(history([WORSE, no_instances]), trial) is CONTINUE
    assert WilcoxonPruner().decide(history([]), trial) is CONTINUE
    failed = running(3, {i: 0.0 for i in range(5)}, state=hs.TrialState.FAIL)
    assert WilcoxonPruner().decide(history([failed, WORSE]), trial) is CONTINUE


def test_non_finite_scores_are_left_out() -> None:
    trial = running(5, {0: math.nan, 1: 9.0, 2: 9.0, 3: 9.0, 4: math.inf})
    # Three finite pairs remain: p >= 1/8.
    assert WilcoxonPruner(p_threshold=0.1).decide(history([BEST]), trial) is CONTINUE
    assert WilcoxonPruner(p_threshold=0.2).decide(history([BEST]), trial) is PRUNE


def test_maximize() -> None:
    best = complete(0, {i: 0.9 for i in range(5)}, value=0.9)
    assert (
        WilcoxonPruner().decide(history([best], MAX), running(5, {i: 0.8 for i in range(5)}))
        is PRUNE
    )
    assert (
        WilcoxonPruner().decide(history([best], MAX), running(5, {i: 0.95 for i in range(5)}))
        is CONTINUE
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"p_threshold": 0.0}, "`p_threshold` must be a number in (0, 1) (got 0.0)"),
        ({"p_threshold": 1.0}, "`p_threshold` must be a number in (0, 1) (got 1.0)"),
        ({"p_threshold": -0.5}, "`p_threshold` must be a number in (0, 1) (got -0.5)"),
        ({"n_startup_steps": -1}, "`n_startup_steps` must be an integer >= 0 (got -1)"),
    ],
)
def test_bad_options_are_named(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        WilcoxonPruner(**options)  # type: ignore[arg-type]


def test_several_objectives_are_refused() -> None:
    with pytest.raises(ValueError, match="WilcoxonPruner supports single-objective studies only"):
        WilcoxonPruner().decide(history([], MIN_MAX), running(0, [1.0]))


def test_repr_is_faithful() -> None:
    assert repr(WilcoxonPruner()) == "WilcoxonPruner(p_threshold=0.1, n_startup_steps=2)"
