"""Everything the report shows, computed once into a frozen dataclass.

Scores and tests use only *complete* methods (a run for every problem and
seed in the table), so every method is scored on the same runs; incomplete
methods still appear in the per-problem tables, over the seeds they have.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from benchmarks.problems.base import GROUPS
from benchmarks.sample_efficiency.scoring import (
    PairedComparison,
    ScoreInputs,
    bootstrap_interval,
    mean_over_problems,
    paired_comparison,
    per_seed_scores,
    score_table,
)
from benchmarks.sample_efficiency.table import ResultTable
from hypersense.analysis.experiments.variance_components import holm_adjust

__all__ = [
    "DEFAULT_CHECKPOINTS",
    "PeerComparison",
    "Summary",
    "build_summary",
    "checkpoints_for",
    "scopes_of",
]

DEFAULT_CHECKPOINTS = (10, 25, 50)


@dataclass(frozen=True)
class PeerComparison:
    """The candidate against one peer at one evaluation count."""

    peer: str
    result: PairedComparison
    holm_p_value: float


@dataclass(frozen=True)
class Summary:
    """The report's numbers.

    Attributes:
        table: All runs (every method, complete or not).
        scored: Complete methods, in table order; rows of ``scores``/``averages``.
        incomplete: Methods missing some (problem, seed) runs.
        reference: The method scores are normalised against (random search).
        candidate: The method compared pairwise with every other scored method.
        checkpoints: Evaluation counts reported, shape ``(C,)``.
        scopes: Problem subsets the scores are averaged over: ``"all"``, then
            each group that has problems in the table, in :data:`GROUPS` order.
        quartiles: Shape ``(M_all, P, C, 3)`` median, q25, q75 of best-so-far over
            the seeds each method has (NaN without runs); rows follow ``table.methods``.
        best_found: Shape ``(P,)`` best loss any scored method found.
        scores: Shape ``(C, M, P)`` clipped normalised scores (NaN: undefined).
        averages: Shape ``(C, len(scopes), M)`` averaged scores.
        intervals: Shape ``(C, len(scopes), M, 2)`` seed-bootstrap intervals.
        comparisons: Per checkpoint, the candidate against each other scored method.
        scope_comparisons: Per checkpoint and scope (as ``scopes``; the first is
            ``comparisons``), the same paired tests on that scope's problems.
        n_boot: Bootstrap replicates used.
    """

    table: ResultTable
    scored: tuple[str, ...]
    incomplete: tuple[str, ...]
    reference: str
    candidate: str | None
    checkpoints: tuple[int, ...]
    scopes: tuple[str, ...]
    quartiles: NDArray[np.float64]
    best_found: NDArray[np.float64]
    scores: NDArray[np.float64]
    averages: NDArray[np.float64]
    intervals: NDArray[np.float64]
    comparisons: tuple[tuple[PeerComparison, ...], ...]
    scope_comparisons: tuple[tuple[tuple[PeerComparison, ...], ...], ...]
    n_boot: int

    def score_of(self, method: str, checkpoint: int, scope: str = "all") -> float:
        """A scored method's averaged score at ``checkpoint`` over ``scope``."""
        c = self.checkpoints.index(checkpoint)
        return float(self.averages[c, self.scopes.index(scope), self.scored.index(method)])


def checkpoints_for(budget: int, wanted: Sequence[int] = DEFAULT_CHECKPOINTS) -> tuple[int, ...]:
    """``wanted`` counts that fit in ``budget``, plus ``budget`` itself, sorted."""
    return tuple(sorted({c for c in wanted if 1 <= c <= budget} | {budget}))


def scopes_of(table: ResultTable) -> tuple[str, ...]:
    """``"all"``, then each group with problems in ``table``, in :data:`GROUPS` order."""
    return ("all", *(g for g in GROUPS if g in table.groups))


def _quartiles(table: ResultTable, checkpoints: Sequence[int]) -> NDArray[np.float64]:
    out = np.full((len(table.methods), len(table.problems), len(checkpoints), 3), np.nan)
    for c, k in enumerate(checkpoints):
        at = table.best_at(k)
        for m in range(len(table.methods)):
            for p in range(len(table.problems)):
                runs = at[m, p][~np.isnan(at[m, p])]
                if runs.size:
                    out[m, p, c] = np.percentile(runs, [50.0, 25.0, 75.0])
    return out


def _compare(
    scored: ResultTable, inputs: ScoreInputs, candidate: str, mask: NDArray[np.bool_]
) -> tuple[PeerComparison, ...]:
    """The candidate against each other method on the problems of ``mask``."""
    medians = np.median(inputs.best_at, axis=-1)
    best_found = np.min(inputs.best_final, axis=(0, 2))
    seed_scores = per_seed_scores(inputs.best_at, medians[inputs.reference_index], best_found)
    seed_scores = seed_scores[:, mask]
    c = scored.methods.index(candidate)
    peers = [m for m in scored.methods if m != candidate]
    results = [
        paired_comparison(seed_scores[c], seed_scores[scored.methods.index(p)]) for p in peers
    ]
    adjusted = holm_adjust(np.array([r.p_value for r in results])) if results else np.array([])
    return tuple(
        PeerComparison(p, r, float(h)) for p, r, h in zip(peers, results, adjusted, strict=True)
    )


def build_summary(
    table: ResultTable,
    *,
    reference: str,
    candidate: str | None,
    checkpoints: Sequence[int],
    n_boot: int = 2000,
    seed: int = 0,
) -> Summary:
    """Compute every number of the report from ``table``.

    Raises:
        ValueError: If ``reference`` has no complete set of runs.
    """
    if reference not in table.methods or not table.is_complete(reference):
        raise ValueError(
            f"reference method {reference!r} needs a run for every problem and seed "
            f"(methods in the results: {list(table.methods)})"
        )
    scored_names = tuple(m for m in table.methods if table.is_complete(m))
    incomplete = tuple(m for m in table.methods if m not in scored_names)
    if candidate is not None and candidate not in scored_names:
        raise ValueError(f"candidate method {candidate!r} is not among the scored {scored_names}")
    scored = table.subset(scored_names)
    scopes = scopes_of(table)
    masks = np.array(
        [np.ones(len(table.problems), bool)] + [table.group_mask(g) for g in scopes[1:]]
    )
    best_final = scored.best_at(scored.budget)
    ref = scored_names.index(reference)
    rng = np.random.default_rng(seed)
    scores, averages, intervals, comparisons = [], [], [], []
    for k in checkpoints:
        inputs = ScoreInputs(scored.best_at(k), best_final, ref)
        table_k = score_table(inputs)
        scores.append(table_k)
        averages.append(np.stack([mean_over_problems(table_k, mask) for mask in masks]))
        intervals.append(bootstrap_interval(inputs, masks, n_boot=n_boot, rng=rng))
        comparisons.append(
            tuple(
                () if candidate is None else _compare(scored, inputs, candidate, m) for m in masks
            )
        )
    return Summary(
        table=table,
        scored=scored_names,
        incomplete=incomplete,
        reference=reference,
        candidate=candidate,
        checkpoints=tuple(checkpoints),
        scopes=scopes,
        quartiles=_quartiles(table, checkpoints),
        best_found=np.min(best_final, axis=(0, 2)),
        scores=np.array(scores),
        averages=np.array(averages),
        intervals=np.array(intervals),
        comparisons=tuple(c[0] for c in comparisons),
        scope_comparisons=tuple(comparisons),
        n_boot=n_boot,
    )
