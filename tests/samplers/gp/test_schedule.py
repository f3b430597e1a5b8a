"""The cost cap: refit checkpoints and subsampling."""

from __future__ import annotations

import numpy as np

from hypersense.samplers.gp.schedule import fit_checkpoint, subsample_indices


def test_refit_at_every_trial_while_small_then_sparsely() -> None:
    assert [fit_checkpoint(n) for n in (1, 2, 31, 32)] == [1, 2, 31, 32]
    assert fit_checkpoint(33) == 32 and fit_checkpoint(34) == 34
    checkpoints = sorted({fit_checkpoint(n) for n in range(1, 1001)})
    assert len(checkpoints) < 110
    gaps = np.diff(checkpoints)
    assert gaps[-1] >= 50 and np.all(gaps[32:] >= 2)
    assert all(fit_checkpoint(n) <= n for n in range(1, 300))


def test_subsample_keeps_the_best_quarter_and_is_sorted() -> None:
    losses = np.random.default_rng(0).random(1000)
    keep = subsample_indices(losses, 200, np.random.default_rng(1))
    assert len(keep) == 200 and len(set(keep)) == 200
    assert np.all(np.diff(keep) > 0)
    best = np.argsort(losses)[:50]
    assert set(best) <= set(keep)
    np.testing.assert_array_equal(
        subsample_indices(losses[:20], 200, np.random.default_rng(1)), np.arange(20)
    )
