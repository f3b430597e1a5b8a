"""Scoring arithmetic: known answers on hand-made tables, bootstrap and paired-test plumbing."""

from __future__ import annotations

import numpy as np
import pytest
from benchmarks.sample_efficiency.scoring import (
    ScoreInputs,
    best_so_far,
    bootstrap_interval,
    mean_over_problems,
    median_iqr,
    normalised_scores,
    paired_comparison,
    score_table,
)
from scipy.stats import wilcoxon

# Three methods (row 0 is the random reference) x two problems x three seeds.
# Medians: problem 0 -> 10, 5, 20; problem 1 -> 5, 2, 5. Best found: 0 and 1.
_BEST_AT = np.array(
    [
        [[8.0, 10.0, 12.0], [4.0, 5.0, 6.0]],
        [[4.0, 5.0, 100.0], [1.0, 2.0, 3.0]],
        [[0.0, 20.0, 30.0], [5.0, 5.0, 5.0]],
    ]
)


def test_best_so_far_is_the_running_minimum() -> None:
    np.testing.assert_array_equal(
        best_so_far(np.array([[3.0, 5.0, 1.0, 2.0, 0.5]])), [[3.0, 3.0, 1.0, 1.0, 0.5]]
    )


def test_median_iqr_known_answer() -> None:
    np.testing.assert_allclose(median_iqr(np.array([1.0, 2.0, 3.0, 4.0, 5.0])), [3.0, 2.0, 4.0])


def test_normalised_score_formula_on_a_hand_made_table() -> None:
    # Reference median 10, best found 0: a method at 5 is halfway -> 50; at 0 -> 100;
    # at 30 -> -200, clipped to -100. Problem 1: random already found the best -> undefined.
    medians = np.array([[10.0, 1.0], [5.0, 1.0], [0.0, 1.0], [30.0, 1.0]])
    scores = normalised_scores(medians, np.array([10.0, 1.0]), np.array([0.0, 1.0]))
    np.testing.assert_allclose(scores[:, 0], [0.0, 50.0, 100.0, -100.0])
    assert np.isnan(scores[:, 1]).all()
    np.testing.assert_allclose(mean_over_problems(scores), [0.0, 50.0, 100.0, -100.0])


def test_score_table_and_group_averages_from_raw_runs() -> None:
    scores = score_table(ScoreInputs(_BEST_AT, _BEST_AT, reference_index=0))
    np.testing.assert_allclose(scores, [[0.0, 0.0], [50.0, 75.0], [-100.0, 0.0]])
    np.testing.assert_allclose(mean_over_problems(scores), [0.0, 62.5, -50.0])
    np.testing.assert_allclose(
        mean_over_problems(scores, np.array([False, True])), [0.0, 75.0, 0.0]
    )


def test_best_found_comes_from_whole_runs_not_the_checkpoint() -> None:
    final = _BEST_AT.copy()
    final[1, 0, 0] = -10.0  # method 1 later reached -10 on problem 0
    scores = score_table(ScoreInputs(_BEST_AT, final, reference_index=0))
    assert scores[1, 0] == pytest.approx(100 * (10 - 5) / (10 - (-10)))


def test_bootstrap_collapses_when_every_seed_agrees() -> None:
    constant = np.repeat(_BEST_AT[:, :, :1], 5, axis=2)
    inputs = ScoreInputs(constant, constant, 0)
    masks = np.array([[True, True]])
    interval = bootstrap_interval(inputs, masks, n_boot=50, rng=np.random.default_rng(0))
    point = mean_over_problems(score_table(inputs))
    np.testing.assert_allclose(interval[0, :, 0], point)
    np.testing.assert_allclose(interval[0, :, 1], point)


def test_bootstrap_interval_is_ordered_reproducible_and_holds_the_estimate() -> None:
    rng = np.random.default_rng(1)
    best = np.abs(rng.normal(size=(3, 4, 8))) + np.array([2.0, 1.0, 1.5])[:, None, None]
    inputs = ScoreInputs(best, best, 0)
    masks = np.array([[True] * 4, [True, True, False, False]])
    first = bootstrap_interval(inputs, masks, n_boot=400, rng=np.random.default_rng(7))
    again = bootstrap_interval(inputs, masks, n_boot=400, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(first, again)
    assert first.shape == (2, 3, 2)
    assert np.all(first[..., 0] <= first[..., 1])
    point = mean_over_problems(score_table(inputs))
    assert np.all((first[0, 1:, 0] <= point[1:]) & (point[1:] <= first[0, 1:, 1]))
    assert np.all(first[:, 0] == 0.0)  # the reference scores 0 in every replicate


def test_bootstrap_rejects_bad_arguments() -> None:
    inputs = ScoreInputs(_BEST_AT, _BEST_AT, 0)
    with pytest.raises(ValueError, match="n_boot"):
        bootstrap_interval(inputs, np.array([[True, True]]), n_boot=0, rng=np.random.default_rng())
    with pytest.raises(ValueError, match="level"):
        bootstrap_interval(
            inputs, np.array([[True, True]]), n_boot=5, rng=np.random.default_rng(), level=1.0
        )


def test_paired_comparison_counts_and_exact_p_value() -> None:
    # Six wins with distinct sizes: the exact one-sided p-value is 1 / 2^6.
    candidate = np.array([[10.0, 20.0, 30.0], [40.0, 50.0, 60.0]])
    peer = candidate - np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    result = paired_comparison(candidate, peer)
    assert (result.wins, result.ties, result.losses, result.n_pairs) == (6, 0, 0, 6)
    assert result.p_value == pytest.approx(1 / 64)
    assert result.median_difference == pytest.approx(3.5)
    assert paired_comparison(peer, candidate).p_value == pytest.approx(1.0)


def test_paired_comparison_drops_ties_and_missing_pairs_like_scipy() -> None:
    candidate = np.array([5.0, 3.0, 2.0, 7.0, 1.0, np.nan, 4.0, 9.0])
    peer = np.array([1.0, 3.0 + 1e-12, 4.0, 1.5, 0.0, 2.0, 1.0, 2.0])
    result = paired_comparison(candidate, peer)
    assert (result.wins, result.ties, result.losses, result.n_pairs) == (5, 1, 1, 7)
    diffs = np.array([4.0, -2.0, 5.5, 1.0, 3.0, 7.0])
    expected = wilcoxon(diffs, alternative="greater")
    assert result.p_value == pytest.approx(float(expected.pvalue))
    assert result.statistic == pytest.approx(float(expected.statistic))


def test_paired_comparison_of_identical_runs_is_all_ties() -> None:
    runs = np.arange(6.0)
    result = paired_comparison(runs, runs)
    assert (result.ties, result.p_value) == (6, 1.0)
