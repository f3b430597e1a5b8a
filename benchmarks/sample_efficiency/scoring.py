"""The arithmetic of the report: best-so-far, normalised scores, bootstrap, paired test.

All functions are pure, on numpy arrays. Axis names used in shapes:
``M`` methods, ``P`` problems, ``S`` seeds, ``B`` evaluations (budget).

The normalised score of a method on a problem, at a number of evaluations, is

    100 * (R - X) / (R - best),

where ``R`` is the reference method's (random search) median best-so-far over
seeds, ``X`` the method's median, and ``best`` the best value any method found
in the whole benchmark on that problem. 0 means "as good as random", 100
"found the best anyone found, on the median seed". It is clipped to
[-100, 100] per problem so one problem cannot dominate the average, and it is
undefined (NaN, left out of averages) when random's median already equals the
best found: such a problem cannot separate the methods.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "PairedComparison",
    "ScoreInputs",
    "best_so_far",
    "bootstrap_interval",
    "mean_over_problems",
    "median_iqr",
    "normalised_scores",
    "paired_comparison",
    "per_seed_scores",
    "score_table",
]

FloatArray = NDArray[np.float64]
SCORE_CLIP = 100.0


def best_so_far(losses: FloatArray) -> FloatArray:
    """Running minimum along the last axis: shape ``(..., B)`` -> ``(..., B)``."""
    return np.minimum.accumulate(np.asarray(losses, dtype=float), axis=-1)


def median_iqr(samples: FloatArray) -> FloatArray:
    """Median and quartiles over the last axis: shape ``(..., S)`` -> ``(..., 3)``.

    The last axis of the result is ``(median, 25th percentile, 75th percentile)``.
    """
    q = np.percentile(np.asarray(samples, dtype=float), [50.0, 25.0, 75.0], axis=-1)
    return np.moveaxis(q, 0, -1)


def _normalise(
    values: FloatArray, reference: FloatArray, best_found: FloatArray, *, clip: bool
) -> FloatArray:
    spread = reference - best_found
    usable = spread > 0
    safe_spread = np.where(usable, spread, 1.0)
    scores = 100.0 * (reference - values) / safe_spread
    if clip:
        scores = np.clip(scores, -SCORE_CLIP, SCORE_CLIP)
    out: FloatArray = np.where(usable, scores, np.nan)
    return out


def normalised_scores(
    method_medians: FloatArray, reference_medians: FloatArray, best_found: FloatArray
) -> FloatArray:
    """Clipped normalised score per method and problem.

    Args:
        method_medians: Shape ``(M, P)``, each method's median best-so-far.
        reference_medians: Shape ``(P,)``, the reference (random) method's median.
        best_found: Shape ``(P,)``, the best value any method found.

    Returns:
        Shape ``(M, P)`` scores in [-100, 100]; NaN where ``reference <= best_found``.
    """
    return _normalise(
        np.asarray(method_medians, dtype=float),
        np.asarray(reference_medians, dtype=float),
        np.asarray(best_found, dtype=float),
        clip=True,
    )


def per_seed_scores(
    best_at: FloatArray, reference_medians: FloatArray, best_found: FloatArray
) -> FloatArray:
    """Unclipped normalised best-so-far of every run, for paired comparisons.

    Args:
        best_at: Shape ``(M, P, S)`` best-so-far at one evaluation count.
        reference_medians: Shape ``(P,)``.
        best_found: Shape ``(P,)``.

    Returns:
        Shape ``(M, P, S)``; NaN on problems where the score is undefined.
        Not clipped: within a problem the paired difference keeps its sign and
        size; the rank test makes any single pair's size matter little.
    """
    ref = np.asarray(reference_medians, dtype=float)[:, None]
    best = np.asarray(best_found, dtype=float)[:, None]
    return _normalise(np.asarray(best_at, dtype=float), ref, best, clip=False)


def mean_over_problems(scores: FloatArray, mask: NDArray[np.bool_] | None = None) -> FloatArray:
    """Mean over the last (problem) axis of the defined scores, optionally of a subset.

    Args:
        scores: Shape ``(..., P)``; NaN marks an undefined score.
        mask: Shape ``(P,)``, the problems to average (all if None).

    Returns:
        Shape ``(...)``; NaN where no selected problem has a defined score.
    """
    s = np.asarray(scores, dtype=float)
    selected = np.ones(s.shape[-1], dtype=bool) if mask is None else np.asarray(mask, bool)
    defined = ~np.isnan(s) & selected
    count = defined.sum(axis=-1)
    total = np.where(defined, s, 0.0).sum(axis=-1)
    out: FloatArray = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    return out


@dataclass(frozen=True)
class ScoreInputs:
    """What the averaged normalised score is computed from, at one evaluation count.

    Attributes:
        best_at: Shape ``(M, P, S)``, best-so-far after ``k`` evaluations.
        best_final: Shape ``(M, P, S)``, best value of each whole run (sets ``best_found``).
        reference_index: Row of the reference method (random search).
    """

    best_at: FloatArray
    best_final: FloatArray
    reference_index: int


def score_table(inputs: ScoreInputs) -> FloatArray:
    """Clipped normalised score of every method on every problem: shape ``(M, P)``."""
    medians = np.median(inputs.best_at, axis=-1)
    best_found = np.min(inputs.best_final, axis=(0, 2))
    return normalised_scores(medians, medians[inputs.reference_index], best_found)


def bootstrap_interval(
    inputs: ScoreInputs,
    masks: NDArray[np.bool_],
    *,
    n_boot: int,
    rng: np.random.Generator,
    level: float = 0.95,
) -> FloatArray:
    """Seed-bootstrap percentile interval of each method's averaged score.

    Each replicate resamples, per problem, the seeds with replacement (the same
    seed draw for every method, keeping the runs paired), recomputes medians,
    random's median and the best found, and averages the scores.

    Args:
        inputs: Scores' inputs; ``S`` seeds per (method, problem).
        masks: Shape ``(G, P)``, the problem subsets to average (overall, groups).
        n_boot: Number of bootstrap replicates (> 0).
        rng: Source of the resampling.
        level: Coverage of the interval, in (0, 1).

    Returns:
        Shape ``(G, M, 2)``: lower and upper bound; NaN if a bound is undefined.
    """
    if n_boot < 1:
        raise ValueError(f"`n_boot` must be >= 1 (got {n_boot!r})")
    if not 0 < level < 1:
        raise ValueError(f"`level` must be in (0, 1) (got {level!r})")
    n_methods, n_problems, n_seeds = inputs.best_at.shape
    mask_array = np.asarray(masks, dtype=bool)
    averages = np.empty((n_boot, mask_array.shape[0], n_methods))
    problem_index = np.arange(n_problems)[:, None]
    for b in range(n_boot):
        draw = rng.integers(0, n_seeds, size=(n_problems, n_seeds))
        replicate = ScoreInputs(
            inputs.best_at[:, problem_index, draw],
            inputs.best_final[:, problem_index, draw],
            inputs.reference_index,
        )
        scores = score_table(replicate)
        for g, mask in enumerate(mask_array):
            averages[b, g] = mean_over_problems(scores, mask)
    tail = 100.0 * (1.0 - level) / 2.0
    out = np.full((mask_array.shape[0], n_methods, 2), np.nan)
    for g in range(mask_array.shape[0]):
        for m in range(n_methods):
            finite = averages[:, g, m][~np.isnan(averages[:, g, m])]
            if finite.size:
                out[g, m] = np.percentile(finite, [tail, 100.0 - tail])
    return out


@dataclass(frozen=True)
class PairedComparison:
    """A candidate against one peer over paired (problem, seed) runs.

    Attributes:
        n_pairs: Pairs with a defined difference.
        wins: Pairs where the candidate's normalised best-so-far is higher.
        ties: Pairs within the tie tolerance.
        losses: Pairs where it is lower.
        median_difference: Median of candidate - peer (NaN without pairs).
        statistic: Wilcoxon signed-rank statistic (NaN when every pair ties).
        p_value: One-sided p-value (1.0 when every pair ties).
        alternative: The alternative hypothesis tested.
    """

    n_pairs: int
    wins: int
    ties: int
    losses: int
    median_difference: float
    statistic: float
    p_value: float
    alternative: str


def paired_comparison(
    candidate: FloatArray,
    peer: FloatArray,
    *,
    alternative: Literal["greater", "less", "two-sided"] = "greater",
    tie_tolerance: float = 1e-9,
) -> PairedComparison:
    """Wilcoxon signed-rank test of candidate - peer over paired runs.

    With ``alternative="greater"`` the test asks whether the candidate's
    normalised best-so-far tends to be higher than the peer's (the paired
    differences are distributed around a positive centre). Differences within
    ``tie_tolerance`` count as ties and are dropped by the test (Wilcoxon's
    treatment of zeros); pairs with a NaN on either side are left out.

    Args:
        candidate: Shape ``(P, S)`` (or any shape matching ``peer``).
        peer: Same shape as ``candidate``.
        alternative: ``"greater"``, ``"less"`` or ``"two-sided"``.
        tie_tolerance: Absolute difference below which a pair is a tie.
    """
    from scipy.stats import wilcoxon

    a = np.asarray(candidate, dtype=float).ravel()
    b = np.asarray(peer, dtype=float).ravel()
    if a.shape != b.shape:
        raise ValueError(f"candidate and peer differ in size ({a.size} vs {b.size})")
    diff = (a - b)[~(np.isnan(a) | np.isnan(b))]
    diff = np.where(np.abs(diff) <= tie_tolerance, 0.0, diff)
    wins, losses = int(np.sum(diff > 0)), int(np.sum(diff < 0))
    ties = int(diff.size - wins - losses)
    median = float(np.median(diff)) if diff.size else float("nan")
    if wins + losses == 0:
        return PairedComparison(diff.size, wins, ties, losses, median, np.nan, 1.0, alternative)
    result = wilcoxon(diff[diff != 0], alternative=alternative)
    return PairedComparison(
        diff.size,
        wins,
        ties,
        losses,
        median,
        float(result.statistic),
        float(result.pvalue),
        alternative,
    )
