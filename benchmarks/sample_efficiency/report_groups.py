"""The report's per-group section: every scope's score and paired tests at every checkpoint.

The broad suite is read by group (BBOB's five function groups, model tuning)
and budget, so each scope gets two compact tables: the averaged normalised
score with its seed-bootstrap interval per method and checkpoint, and the
candidate's paired comparison with each peer per checkpoint (wins/ties/losses
and the Holm-adjusted p-value).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from benchmarks.sample_efficiency.summary import Summary

__all__ = ["group_sections"]


def _row(cells: Iterable[Any]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _cell(summary: Summary, c: int, s: int, m: int) -> str:
    value = summary.averages[c, s, m]
    if math.isnan(value):
        return "—"
    low, high = summary.intervals[c, s, m]
    return f"{value:.1f} [{low:.1f}, {high:.1f}]"


def _scope_lines(summary: Summary, s: int) -> list[str]:
    scope = summary.scopes[s]
    problems = sum(1 for g in summary.table.groups if scope in ("all", g))
    cols = [f"@{k}" for k in summary.checkpoints]
    lines = [
        f"### {scope} ({problems} problems)",
        "",
        _row(["method", *cols]),
        _row(["---"] * (len(cols) + 1)),
    ]
    for m, method in enumerate(summary.scored):
        cells = [_cell(summary, c, s, m) for c in range(len(summary.checkpoints))]
        lines.append(_row([f"`{method}`", *cells]))
    if summary.candidate is None:
        return [*lines, ""]
    lines += [
        "",
        f"`{summary.candidate}` against each method: win/tie/loss over (problem, seed) "
        "pairs, Holm-adjusted one-sided Wilcoxon p.",
        "",
        _row(["method", *cols]),
        _row(["---"] * (len(cols) + 1)),
    ]
    by_peer: dict[str, list[str]] = {}
    for comparisons in summary.scope_comparisons:
        for comp in comparisons[s]:
            r = comp.result
            mark = "**" if comp.holm_p_value < 0.05 else ""
            by_peer.setdefault(comp.peer, []).append(
                f"{r.wins}/{r.ties}/{r.losses}, {mark}p {comp.holm_p_value:.2g}{mark}"
            )
    lines += [_row([f"`{peer}`", *cells]) for peer, cells in by_peer.items()]
    return [*lines, ""]


def _standing_cell(summary: Summary, c: int, s: int) -> str:
    """The candidate's score, its rank among itself and the peers, and the best peer."""
    assert summary.candidate is not None
    peers = [m for m in summary.scored if not m.startswith("hypersense:")]
    mine = summary.averages[c, s, summary.scored.index(summary.candidate)]
    if math.isnan(mine):
        return "—"
    theirs = {p: summary.averages[c, s, summary.scored.index(p)] for p in peers}
    best = max(theirs, key=lambda p: -math.inf if math.isnan(theirs[p]) else theirs[p])
    rank = 1 + sum(1 for v in theirs.values() if v > mine)
    beaten = sum(
        1
        for comp in summary.scope_comparisons[c][s]
        if comp.peer in theirs and comp.holm_p_value < 0.05
    )
    head = f"**{mine:.1f}**" if rank == 1 else f"{mine:.1f}"
    tail = "" if rank == 1 else f"; `{best}` {theirs[best]:.1f}"
    return f"{head} ({rank}/{len(peers) + 1}, {beaten} sig.{tail})"


def _standing_lines(summary: Summary) -> list[str]:
    if summary.candidate is None:
        return []
    cols = [f"@{k}" for k in summary.checkpoints]
    lines = [
        f"### Where `{summary.candidate}` stands",
        "",
        "Its averaged score (bold when no peer is higher), its rank among itself and "
        "the other tools' methods, how many of those it beats significantly (Holm "
        "p < 0.05), and the best peer when that is ahead.",
        "",
        _row(["scope", *cols]),
        _row(["---"] * (len(cols) + 1)),
    ]
    for s, scope in enumerate(summary.scopes):
        cells = [_standing_cell(summary, c, s) for c in range(len(summary.checkpoints))]
        lines.append(_row([scope, *cells]))
    return [*lines, ""]


def group_sections(summary: Summary) -> list[str]:
    """Markdown lines: per scope, scores and paired tests at every checkpoint."""
    lines = [
        "## By group and budget",
        "",
        "Normalised score as above, averaged over the group's problems, at every "
        "checkpoint. In the paired tables, bold marks Holm p < 0.05 (the candidate "
        "significantly ahead); a loss majority with a large p is a lead of the peer.",
        "",
        *_standing_lines(summary),
    ]
    for s in range(len(summary.scopes)):
        lines += _scope_lines(summary, s)
    return lines
