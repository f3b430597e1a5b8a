"""The multi-fidelity benchmark's curves, baseline and scoring on known answers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from benchmarks.multifidelity.__main__ import coverage
from benchmarks.multifidelity.curves import curve, lr_fraction, noiseless, true_final
from benchmarks.multifidelity.methods import (
    ETA,
    METHODS,
    N_EPOCHS,
    RunRecord,
    TrialRecord,
    top_k_baseline,
)


def test_small_learning_rates_look_bad_early_and_win_late() -> None:
    assert lr_fraction(1e-4) == 0.0 and lr_fraction(1e-1) == pytest.approx(1.0)
    slow, fast = noiseless(3e-4, 0.5, N_EPOCHS), noiseless(3e-2, 0.5, N_EPOCHS)
    assert slow[1] > fast[1] and slow[-1] < fast[-1]  # the curves cross
    assert np.all(np.diff(slow) < 0) and true_final(3e-4, 0.5, N_EPOCHS) == slow[-1]
    noisy = curve(3e-4, 0.5, N_EPOCHS, noise_seed=1)
    assert np.array_equal(noisy, curve(3e-4, 0.5, N_EPOCHS, noise_seed=1))
    assert 0 < np.std(noisy - slow) < 0.03


def test_scoring_of_a_run() -> None:
    run = RunRecord(
        "m",
        0,
        (
            TrialRecord(27, True, 0.30, 0.31),
            TrialRecord(2, False, None, 0.05),
            TrialRecord(27, True, 0.20, 0.22),
        ),
        1.0,
    )
    assert run.epochs == 56
    assert run.chosen_true_final() == 0.22
    assert run.epochs_to_reach(0.25) == 56 and run.epochs_to_reach(0.31) == 27
    assert math.isinf(run.epochs_to_reach(0.1))


def test_the_one_epoch_top_k_baseline() -> None:
    run = top_k_baseline(0, 27)
    k = 27 // ETA**2
    assert sum(t.finished for t in run.trials) == k
    assert run.epochs == 27 + k * (N_EPOCHS - 1)
    assert all(t.finished for t in run.trials[-k:])  # the kept ones run last


def test_methods_run_and_coverage_is_a_share() -> None:
    for name in ("no pruning (TPE)", "Hyperband (random)", "Optuna HyperbandPruner (TPE)"):
        run = METHODS[name](0, 9)
        assert len(run.trials) == 9 and 9 <= run.epochs <= 9 * N_EPOCHS
    shares = coverage(0, 5, (5,))
    assert set(shares) == {5} and 0.0 <= shares[5] <= 1.0
