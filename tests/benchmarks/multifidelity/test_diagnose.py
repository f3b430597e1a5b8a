"""The diagnosis of why pruning cuts good configurations, on small known cases."""

from __future__ import annotations

import numpy as np
from benchmarks.multifidelity.diagnose import collect_curves, diagnose, replay_successive_halving
from benchmarks.multifidelity.problems import SyntheticCurves


def test_replay_cuts_where_successive_halving_does() -> None:
    # eta = 2, one rung at step 1: the first goes on alone, the second is the best
    # of two, the third is second of three (keep 3 // 2 = 1) and stops after 2 epochs.
    flat = np.array([[3.0, 3.0, 3.0], [1.0, 1.0, 1.0], [2.0, 2.0, 2.0]])
    assert replay_successive_halving(flat, [1], 2, 0.0) == [3, 3, 2]
    # Flat curves have no jitter: the noise tolerance changes nothing.
    assert replay_successive_halving(flat, [1], 2, 1.0) == [3, 3, 2]


def test_replay_lets_a_tie_within_the_jitter_go_on() -> None:
    # Rung at step 2; the curves zig-zag by 0.3, the third is 0.05 worse than the
    # second at the rung: a coin toss for the plain rule, a tie with tolerance.
    curves = np.array([[3.0, 3.3, 3.0, 3.0], [1.0, 1.3, 1.0, 1.0], [1.05, 1.35, 1.05, 1.05]])
    assert replay_successive_halving(curves, [2], 2, 0.0) == [4, 4, 3]
    assert replay_successive_halving(curves, [2], 2, 1.0) == [4, 4, 4]


def test_diagnose_reads_synthetic_curves() -> None:
    curves = collect_curves(SyntheticCurves(9), seed=0, n_configs=6)
    assert curves.shape == (6, 9) and np.all(np.isfinite(curves))
    out = diagnose(curves, n_orders=3)
    assert out["n"] == 6
    for rule in ("plain", "noise_tolerance_1"):
        counts = out[rule]["best"]  # type: ignore[index]
        assert sum(counts.values()) == 3
