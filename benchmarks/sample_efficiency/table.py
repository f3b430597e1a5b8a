"""Stored runs as arrays: best-so-far loss per (method, problem, seed, evaluation).

The loss is the regret ``value - optimum`` where the optimum is known
(synthetic problems) and the raw value otherwise (CV error). Runs longer than
the table's budget are truncated; missing runs are NaN, and the report keeps
such incomplete methods out of the scores instead of guessing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from benchmarks.sample_efficiency.recording import RunRecord
from benchmarks.sample_efficiency.scoring import best_so_far

__all__ = ["ResultTable", "build_table"]


@dataclass(frozen=True)
class ResultTable:
    """The runs of a benchmark as dense arrays.

    Attributes:
        methods: Method names, shape ``(M,)``.
        problems: Problem names, shape ``(P,)``.
        groups: Each problem's group, shape ``(P,)``.
        seeds: Seeds, shape ``(S,)``.
        budget: Evaluations per run, ``B``.
        best: Shape ``(M, P, S, B)`` best-so-far loss; NaN where a run is missing.
        tool_time_s: Shape ``(M, P, S)`` median seconds the tool took per step.
        tool_mean_s: Shape ``(M, P, S)`` mean seconds the tool took per step, first
            step left out (it pays one-off lazy imports, e.g. torch or scipy.stats.qmc).
        eval_time_s: Shape ``(M, P, S)`` median seconds per (non-memoised) evaluation.
        memo_hits: Shape ``(M, P, S)`` repeated configurations within the run.
    """

    methods: tuple[str, ...]
    problems: tuple[str, ...]
    groups: tuple[str, ...]
    seeds: tuple[int, ...]
    budget: int
    best: NDArray[np.float64]
    tool_time_s: NDArray[np.float64]
    tool_mean_s: NDArray[np.float64]
    eval_time_s: NDArray[np.float64]
    memo_hits: NDArray[np.float64]

    def is_complete(self, method: str) -> bool:
        """Whether ``method`` has a run for every problem and seed."""
        return not bool(np.isnan(self.best[self.methods.index(method)]).any())

    def best_at(self, evaluations: int) -> NDArray[np.float64]:
        """Shape ``(M, P, S)`` best-so-far after ``evaluations`` evaluations."""
        if not 1 <= evaluations <= self.budget:
            raise ValueError(f"`evaluations` must be in [1, {self.budget}] (got {evaluations})")
        return self.best[..., evaluations - 1]

    def group_mask(self, group: str) -> NDArray[np.bool_]:
        """Shape ``(P,)``, the problems of ``group``."""
        return np.array([g == group for g in self.groups], dtype=bool)

    def subset(self, methods: Sequence[str]) -> ResultTable:
        """The same table restricted to ``methods`` (in the given order)."""
        rows = [self.methods.index(m) for m in methods]
        return ResultTable(
            tuple(methods),
            self.problems,
            self.groups,
            self.seeds,
            self.budget,
            self.best[rows],
            self.tool_time_s[rows],
            self.tool_mean_s[rows],
            self.eval_time_s[rows],
            self.memo_hits[rows],
        )


def _first_occurrences(params: Sequence[Mapping[str, object]]) -> NDArray[np.bool_]:
    """Shape ``(n,)``: True where a configuration appears for the first time in the run."""
    seen: set[tuple[tuple[str, object], ...]] = set()
    fresh = np.zeros(len(params), dtype=bool)
    for i, p in enumerate(params):
        key = tuple(sorted(p.items()))
        fresh[i] = key not in seen
        seen.add(key)
    return fresh


def build_table(
    runs: Iterable[RunRecord],
    *,
    method_order: Sequence[str] = (),
    problem_order: Sequence[str] = (),
    budget: int | None = None,
) -> ResultTable:
    """Arrange ``runs`` into a :class:`ResultTable`.

    Args:
        runs: Stored runs (any subset of methods, problems and seeds).
        method_order: Methods to list first, in this order; others follow sorted.
        problem_order: Problems to list first, in this order; others follow sorted.
        budget: Evaluations to keep per run; default: the shortest run's length.
    """
    records = list(runs)
    if not records:
        raise ValueError("no runs to tabulate")
    names = {r.method for r in records}
    methods = [m for m in method_order if m in names] + sorted(names - set(method_order))
    problem_groups: dict[str, str] = {}
    for r in records:
        problem_groups.setdefault(r.problem, r.group)
    known = set(problem_groups)
    problems = [p for p in problem_order if p in known] + sorted(known - set(problem_order))
    seeds = sorted({r.seed for r in records})
    n_eval = min(r.budget for r in records) if budget is None else budget
    shape = (len(methods), len(problems), len(seeds))
    best = np.full((*shape, n_eval), np.nan)
    tool_time, tool_mean, eval_time, memo = (np.full(shape, np.nan) for _ in range(4))
    for r in records:
        if r.budget < n_eval:
            continue  # too short for this table: treated as missing
        i, j, k = methods.index(r.method), problems.index(r.problem), seeds.index(r.seed)
        values = np.asarray(r.values[:n_eval], dtype=float)
        losses = values - r.optimum if r.optimum is not None else values
        best[i, j, k] = best_so_far(losses)
        fresh = _first_occurrences(r.params[:n_eval])
        tool_time[i, j, k] = float(np.median(r.tool_time_s[:n_eval]))
        tool_mean[i, j, k] = float(np.mean(r.tool_time_s[1:n_eval] or r.tool_time_s[:1]))
        eval_time[i, j, k] = float(np.median(np.asarray(r.eval_time_s[:n_eval])[fresh]))
        memo[i, j, k] = float(np.sum(~fresh))
    return ResultTable(
        tuple(methods),
        tuple(problems),
        tuple(problem_groups[p] for p in problems),
        tuple(seeds),
        n_eval,
        best,
        tool_time,
        tool_mean,
        eval_time,
        memo,
    )
