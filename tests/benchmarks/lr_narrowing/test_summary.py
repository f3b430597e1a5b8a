"""The benchmark's compute arithmetic and its paired summary."""

from __future__ import annotations

import pytest
from benchmarks.lr_narrowing.budget import narrowed_trials, trial_cost
from benchmarks.lr_narrowing.summary import markdown, paired_rows


def test_the_narrowed_arm_never_spends_more_than_the_full_one() -> None:
    per_trial = trial_cost(10, 1077)
    assert per_trial == 10770
    assert narrowed_trials(20, per_trial, 17856) == 18  # 1.66 trials' worth of test
    assert narrowed_trials(20, per_trial, 0) == 20
    assert narrowed_trials(2, per_trial, 10**9) == 0
    for test_cost in range(0, 10 * per_trial, 997):
        n = narrowed_trials(20, per_trial, test_cost)
        assert test_cost + n * per_trial <= 20 * per_trial < test_cost + (n + 1) * per_trial


def record(task: str, seed: int, arm: str, error: float) -> dict:  # type: ignore[type-arg]
    extra = {"interval": [1e-3, 4e-3], "suggested_lr": 2e-3, "divergence_lr": None}
    common = {"n_trials": 3, "lr_space": [1e-4, 3e-2], "total_cost": 30}
    found = {"task": task, "seed": seed, "arm": arm, "best_error": error, **common}
    return {**found, **(extra if arm == "narrowed" else {})}


def test_pairs_are_by_seed_and_the_difference_is_narrowed_minus_full() -> None:
    records = [
        record("t", 0, "full", 0.10), record("t", 0, "narrowed", 0.08),
        record("t", 1, "full", 0.10), record("t", 1, "narrowed", 0.10),
        record("t", 2, "full", 0.10), record("t", 2, "narrowed", 0.12),
        record("t", 3, "full", 0.20),  # unpaired: left out
    ]  # fmt: skip
    (row,) = paired_rows(records)
    assert row["pairs"] == 3 and (row["wins"], row["ties"], row["losses"]) == (1, 1, 1)
    assert row["diff_mean"] == pytest.approx(0.0)
    assert row["diff_low"] < 0 < row["diff_high"]
    text = markdown(records)
    assert "| t | 3 | 10.00% | 10.00% | +0.00 pp" in text and "never" in text
