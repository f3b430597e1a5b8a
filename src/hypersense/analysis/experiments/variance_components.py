"""One-way ANOVA and its variance components, with intervals.

Pure functions on numpy arrays. Groups are configurations (or the levels of a
one-at-a-time sweep) and the values in a group are repeated evaluations with
different seeds, so

* the within-group mean square estimates the seed-noise variance ``σ²_w``;
* under the one-way random-effects model ``y_ij = μ + a_i + e_ij`` the
  between-group variance ``σ²_a = (MSB - MSW) / n0`` is the part of the
  metric's variance that the hyperparameters cause;
* ``F = MSB / MSW`` tests "no group differs" exactly when the noise is Gaussian
  with one variance (the fixed-effects reading used for sweeps).

Intervals: chi-square for ``σ²_w`` (exact under normality); the modified
large-sample (MLS) interval of Ting, Burdick, Graybill, Jeyaratnam and Lu
(1990) for the difference of mean squares ``σ²_a``; and the F-based interval
for the share ``σ²_a / (σ²_a + σ²_w)`` (exact for equal group sizes). With
unequal group sizes ``n0`` (Searle's effective group size) stands in for the
common size and the intervals are approximate.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

__all__ = [
    "OneWayAnova",
    "between_variance",
    "between_variance_interval",
    "equal_noise_p_value",
    "holm_adjust",
    "one_way_anova",
    "variance_share",
    "within_variance_interval",
]


@dataclass(frozen=True)
class OneWayAnova:
    """The one-way ANOVA table of some groups of repeated values.

    Attributes:
        group_sizes: Finite values per group, shape ``(k,)``.
        group_means: Mean per group, shape ``(k,)``.
        df_between: ``k - 1``.
        df_within: ``N - k``.
        ms_between: Between-group mean square (NaN when ``k < 2``).
        ms_within: Within-group mean square, the pooled noise variance (NaN
            when no group has two values).
        effective_group_size: ``n0 = (N - Σ n_i² / N) / (k - 1)``; the common
            size when all groups are equal.
        f_statistic: ``ms_between / ms_within`` (NaN when undefined).
        p_value: ``P(F(df_between, df_within) >= f_statistic)`` (NaN when undefined).
    """

    group_sizes: tuple[int, ...]
    group_means: tuple[float, ...]
    df_between: int
    df_within: int
    ms_between: float
    ms_within: float
    effective_group_size: float
    f_statistic: float
    p_value: float


def one_way_anova(groups: Sequence[ArrayLike]) -> OneWayAnova:
    """The ANOVA table of ``groups``; NaN values and then empty groups are dropped.

    Args:
        groups: ``k`` arrays of shape ``(n_i,)``, the repeats of each group.
    """
    arrays = [np.asarray(g, dtype=float).ravel() for g in groups]
    kept = [a[np.isfinite(a)] for a in arrays]
    kept = [a for a in kept if a.size > 0]
    sizes = np.array([a.size for a in kept], dtype=float)
    means = np.array([a.mean() for a in kept], dtype=float)
    k, total = len(kept), float(sizes.sum())
    df_b, df_w = k - 1, int(total) - k
    ms_b = ms_w = n0 = f_stat = p = math.nan
    if k >= 2:
        grand = float((sizes * means).sum() / total)
        ms_b = float((sizes * (means - grand) ** 2).sum() / df_b)
        n0 = float((total - (sizes**2).sum() / total) / df_b)
    if df_w > 0:
        ms_w = float(sum(((a - a.mean()) ** 2).sum() for a in kept) / df_w)
    if k >= 2 and df_w > 0 and ms_w > 0:
        f_stat = ms_b / ms_w
        p = float(stats.f.sf(f_stat, df_b, df_w))
    return OneWayAnova(
        group_sizes=tuple(int(s) for s in sizes),
        group_means=tuple(float(m) for m in means),
        df_between=df_b,
        df_within=df_w,
        ms_between=ms_b,
        ms_within=ms_w,
        effective_group_size=n0,
        f_statistic=f_stat,
        p_value=p,
    )


def within_variance_interval(anova: OneWayAnova, confidence: float) -> tuple[float, float]:
    """Chi-square interval of the noise variance ``σ²_w`` (exact for Gaussian noise)."""
    df = anova.df_within
    if df <= 0 or not math.isfinite(anova.ms_within):
        return math.nan, math.nan
    tail = (1.0 - confidence) / 2.0
    ss = df * anova.ms_within
    return ss / float(stats.chi2.ppf(1.0 - tail, df)), ss / float(stats.chi2.ppf(tail, df))


def between_variance(anova: OneWayAnova) -> float:
    """``σ²_a = max(0, (MSB - MSW) / n0)``: the variance the groups themselves cause."""
    if not (math.isfinite(anova.ms_between) and math.isfinite(anova.ms_within)):
        return math.nan
    return max(0.0, (anova.ms_between - anova.ms_within) / anova.effective_group_size)


def _f_inf(q: float, df: int) -> float:
    """The ``q``-quantile of ``F(df, ∞)``, i.e. of ``χ²(df) / df``."""
    return float(stats.chi2.ppf(q, df)) / df


def between_variance_interval(anova: OneWayAnova, confidence: float) -> tuple[float, float]:
    """MLS interval of ``σ²_a = (MSB - MSW) / n0`` (Ting et al. 1990), clipped at 0.

    The bounds treat ``σ²_a`` as ``c·MSB - c·MSW`` with ``c = 1/n0`` and combine
    the exact chi-square bounds of each mean square with a cross term that
    keeps the coverage close to nominal when MSB and MSW are of similar size.
    """
    n1, n2 = anova.df_between, anova.df_within
    s1, s2 = anova.ms_between, anova.ms_within
    if n1 < 1 or n2 < 1 or not (math.isfinite(s1) and math.isfinite(s2)):
        return math.nan, math.nan
    c = 1.0 / anova.effective_group_size
    a = (1.0 - confidence) / 2.0
    estimate = c * (s1 - s2)
    g1 = 1.0 - 1.0 / _f_inf(1.0 - a, n1)
    h2 = 1.0 / _f_inf(a, n2) - 1.0
    f_hi = float(stats.f.ppf(1.0 - a, n1, n2))
    g12 = ((f_hi - 1.0) ** 2 - g1**2 * f_hi**2 - h2**2) / f_hi
    v_low = (c * s1 * g1) ** 2 + (c * s2 * h2) ** 2 + g12 * c * c * s1 * s2
    h1 = 1.0 / _f_inf(a, n1) - 1.0
    g2 = 1.0 - 1.0 / _f_inf(1.0 - a, n2)
    f_lo = float(stats.f.ppf(a, n1, n2))
    h12 = ((1.0 - f_lo) ** 2 - h1**2 * f_lo**2 - g2**2) / f_lo
    v_high = (c * s1 * h1) ** 2 + (c * s2 * g2) ** 2 + h12 * c * c * s1 * s2
    low = estimate - math.sqrt(max(v_low, 0.0))
    high = estimate + math.sqrt(max(v_high, 0.0))
    return max(low, 0.0), max(high, 0.0)


def variance_share(anova: OneWayAnova, confidence: float) -> tuple[float, float, float]:
    """Share of the variance the groups cause, ``σ²_a / (σ²_a + σ²_w)``, with its
    F-based interval; returns ``(estimate, low, high)`` within [0, 1]."""
    n1, n2, n0 = anova.df_between, anova.df_within, anova.effective_group_size
    if n1 < 1 or n2 < 1 or not math.isfinite(anova.f_statistic):
        return math.nan, math.nan, math.nan
    sigma_a = between_variance(anova)
    estimate = sigma_a / (sigma_a + anova.ms_within)
    a = (1.0 - confidence) / 2.0
    f_low = anova.f_statistic / float(stats.f.ppf(1.0 - a, n1, n2))
    f_high = anova.f_statistic / float(stats.f.ppf(a, n1, n2))

    def share(f: float) -> float:
        return min(max((f - 1.0) / (f - 1.0 + n0), 0.0), 1.0)

    return estimate, share(f_low), share(f_high)


def holm_adjust(p_values: ArrayLike) -> NDArray[np.float64]:
    """Holm's step-down adjusted p-values, shape as given; NaN entries stay NaN
    and do not count among the tests.

    Rejecting where the adjusted value is ``<= alpha`` controls the chance of
    any false "distinguishable" verdict among all parameters at ``alpha``.
    """
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    flat = p.ravel()
    valid = np.flatnonzero(np.isfinite(flat))
    m = valid.size
    if m == 0:
        return out
    order = valid[np.argsort(flat[valid], kind="stable")]
    scaled = (m - np.arange(m)) * flat[order]
    adjusted = np.minimum(np.maximum.accumulate(scaled), 1.0)
    out_flat = out.ravel()
    out_flat[order] = adjusted
    return out_flat.reshape(p.shape)


def equal_noise_p_value(groups: Sequence[NDArray[np.float64]]) -> float:
    """Brown-Forsythe (median-centred Levene) p-value that every group has the same
    spread; groups of fewer than three finite values are left out (with two, both
    deviations from the median are equal and carry no spread). NaN when fewer
    than two groups remain or the deviations do not vary within any group."""
    kept = [g[np.isfinite(g)] for g in groups]
    kept = [g for g in kept if g.size >= 3]
    if len(kept) < 2:
        return math.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        p = float(stats.levene(*kept, center="median").pvalue)
    return p if math.isfinite(p) else math.nan
