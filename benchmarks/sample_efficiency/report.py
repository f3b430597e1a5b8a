"""The Markdown report of a results file.

Sections: what ran (and what was skipped or failed), the averaged normalised
scores with seed-bootstrap intervals (overall and per group), the paired
comparison of a candidate against every other method, the issue's targets,
then one table per problem (median [IQR] of best-so-far at each checkpoint
and median time per step of each method, plus the cost of an evaluation).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from benchmarks.sample_efficiency.report_groups import group_sections
from benchmarks.sample_efficiency.results import ResultsStore
from benchmarks.sample_efficiency.summary import Summary
from benchmarks.sample_efficiency.targets import ALPHA, check_targets

__all__ = ["render_report"]


def _num(x: float) -> str:
    """A loss for a table: 4 significant digits, '—' for missing."""
    return "—" if math.isnan(x) else f"{x:.4g}"


def _score(x: float) -> str:
    return "—" if math.isnan(x) else f"{x:.1f}"


def _row(cells: Iterable[Any]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _header(cells: list[str], align: str = "---") -> list[str]:
    return [_row(cells), _row([align] * len(cells))]


def _run_section(store: ResultsStore, summary: Summary) -> list[str]:
    t = summary.table
    env: Mapping[str, Any] = store.environment
    packages = env.get("packages", {})
    lines = [
        "# Sampler sample efficiency",
        "",
        f"{len(t.problems)} problems x {len(t.seeds)} seeds (seeds {list(t.seeds)}) x "
        f"{t.budget} evaluations; reference for normalised scores: `{summary.reference}`. "
        f"Python {env.get('python', '?')} on {env.get('platform', '?')} "
        f"({env.get('cpu_count', '?')} CPUs).",
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in packages.items()) + ".",
        "",
    ]
    lines += _version_lines(store)
    if store.skipped:
        lines += ["**Skipped methods** (not available here):", ""]
        lines += [f"- `{m}`: {reason}" for m, reason in sorted(store.skipped.items())]
        lines.append("")
    if summary.incomplete:
        lines += [
            "**Incomplete methods** (missing runs; shown per problem, not scored): "
            + ", ".join(f"`{m}`" for m in summary.incomplete),
            "",
        ]
    if store.errors:
        lines += ["**Failed runs:**", ""]
        for key, trace in sorted(store.errors.items()):
            lines.append(f"- `{key}`: {trace.strip().splitlines()[-1]}")
        lines.append("")
    return lines


def _version_lines(store: ResultsStore) -> list[str]:
    """Tool versions per method; a warning where one method's runs mix versions."""
    versions: dict[str, set[str]] = {}
    for record in store.runs.values():
        versions.setdefault(record.method, set()).add(record.tool_version)
    lines = ["Tool versions of the stored runs:", ""]
    for method, found in versions.items():
        note = " (**runs from several versions**: rerun with --overwrite)" if len(found) > 1 else ""
        lines.append(f"- `{method}`: {'; '.join(sorted(found))}{note}")
    return [*lines, ""]


def _score_section(summary: Summary) -> list[str]:
    last = summary.checkpoints[-1]
    cols = [f"@{k}" for k in summary.checkpoints] + [f"{g} @{last}" for g in summary.scopes[1:]]
    lines = [
        "## Normalised score",
        "",
        "Per problem 100 x (random's median - method's median) / (random's median - best "
        "value any method found), clipped to [-100, 100], averaged over problems; "
        f"[95% seed-bootstrap interval, {summary.n_boot} replicates]. Problems where "
        "random's median is already the best found are left out (undefined score).",
        "",
        *_header(["method", *cols]),
    ]
    for m, method in enumerate(summary.scored):
        cells = []
        for c in range(len(summary.checkpoints)):
            cells.append(_interval(summary, c, 0, m))
        for s in range(1, len(summary.scopes)):
            cells.append(_interval(summary, len(summary.checkpoints) - 1, s, m))
        lines.append(_row([f"`{method}`", *cells]))
    undefined = [
        p
        for p, ok in zip(summary.table.problems, ~np.isnan(summary.scores[-1, 0]), strict=True)
        if not ok
    ]
    if undefined:
        lines += ["", f"Undefined score at {last} (left out): " + ", ".join(undefined) + "."]
    return [*lines, ""]


def _interval(summary: Summary, c: int, scope: int, m: int) -> str:
    low, high = summary.intervals[c, scope, m]
    value = summary.averages[c, scope, m]
    if math.isnan(value):
        return "—"
    return f"{value:.1f} [{_score(low)}, {_score(high)}]"


def _comparison_section(summary: Summary) -> list[str]:
    if summary.candidate is None:
        return []
    lines = [
        f"## Paired comparison: `{summary.candidate}` against each method",
        "",
        "Pairs are (problem, seed); the paired value is the unclipped normalised "
        "best-so-far of each run. Test: Wilcoxon signed-rank (scipy), one-sided, "
        f"H1: `{summary.candidate}` is higher; ties (|difference| <= 1e-9) dropped. "
        "Holm-adjusted over the methods compared at each checkpoint.",
        "",
        *_header(["at", "method", "pairs", "win/tie/loss", "median diff", "W", "p", "Holm p"]),
    ]
    for k, comparisons in zip(summary.checkpoints, summary.comparisons, strict=True):
        for comp in comparisons:
            r = comp.result
            lines.append(
                _row(
                    [
                        k,
                        f"`{comp.peer}`",
                        r.n_pairs,
                        f"{r.wins}/{r.ties}/{r.losses}",
                        _score(r.median_difference),
                        _num(r.statistic),
                        f"{r.p_value:.3g}",
                        f"{comp.holm_p_value:.3g}",
                    ]
                )
            )
    return [*lines, ""]


def _targets_section(summary: Summary) -> list[str]:
    checks = check_targets(summary)
    if not checks:
        return []
    lines = [f"## Targets for `{summary.candidate}` (alpha {ALPHA})", ""]
    for check in checks:
        mark = {True: "PASS", False: "FAIL", None: "N/A"}[check.passed]
        lines.append(f"- **{mark}** {check.target}: {check.detail}")
    return [*lines, ""]


def _median_defined(x: np.ndarray) -> float:
    """Median of the non-NaN entries (NaN if there are none)."""
    defined = x[~np.isnan(x)]
    return float(np.median(defined)) if defined.size else math.nan


def _quartile_cell(quartiles: np.ndarray) -> str:
    med, q25, q75 = quartiles
    return "—" if math.isnan(med) else f"{_num(med)} [{_num(q25)}, {_num(q75)}]"


def _problem_section(summary: Summary, p: int) -> list[str]:
    t = summary.table
    what = "CV error" if t.groups[p] == "model-tuning" else "regret"
    eval_ms = 1000 * _median_defined(t.eval_time_s[:, p].ravel())
    memo = int(np.nansum(t.memo_hits[:, p]))
    lines = [
        f"### {t.problems[p]} ({t.groups[p]})",
        "",
        f"Best-so-far {what}, median [IQR] over seeds. "
        f"Best found: {_num(summary.best_found[p])}. "
        f"Evaluation cost: median {_num(eval_ms)} ms; "
        f"repeated configurations (memoised): {memo}.",
        "",
        *_header(["method", *[f"@{k}" for k in summary.checkpoints], "score", "step ms", "mean"]),
    ]
    last = len(summary.checkpoints) - 1
    for m, method in enumerate(t.methods):
        cells = [_quartile_cell(summary.quartiles[m, p, c]) for c in range(last + 1)]
        score = math.nan
        if method in summary.scored:
            score = summary.scores[last, summary.scored.index(method), p]
        step_ms = 1000 * _median_defined(t.tool_time_s[m, p])
        mean_ms = 1000 * _median_defined(t.tool_mean_s[m, p])
        lines.append(_row([f"`{method}`", *cells, _score(score), _num(step_ms), _num(mean_ms)]))
    return [*lines, ""]


def render_report(store: ResultsStore, summary: Summary) -> str:
    """The whole Markdown report."""
    lines = _run_section(store, summary)
    lines += _score_section(summary)
    lines += _comparison_section(summary)
    lines += group_sections(summary)
    lines += _targets_section(summary)
    lines += [
        "## Per problem",
        "",
        "`score`: clipped normalised score at the last checkpoint. `step ms`: median wall "
        "time the tool spent per evaluation outside the objective (ask + tell + suggest), "
        "median over seeds; `mean`: the same time averaged over a run's evaluations but the "
        "first (which pays one-off imports); it shows the model-based steps a median can "
        "hide. Median over seeds.",
        "",
    ]
    for p in range(len(summary.table.problems)):
        lines += _problem_section(summary, p)
    return "\n".join(lines)
