"""The issue's acceptance targets, checked on a summary.

Targets for the candidate (hypersense's default sampler), as the issue states
them; "peers" are the other tools' methods (Optuna, scikit-optimize):

1. a higher averaged normalised score than every peer at the last checkpoint,
   significant in the paired test (one-sided Wilcoxon signed-rank,
   Holm-adjusted over the peers, alpha 0.05);
2. a higher averaged score than Optuna TPE at 25 evaluations;
3. neither problem group below Optuna TPE at the last checkpoint;
4. not worse than random on any single problem at the last checkpoint
   (the candidate's median best-so-far <= random's median).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from benchmarks.sample_efficiency.summary import Summary
from hypersense.analysis.experiments.variance_components import holm_adjust

__all__ = ["ALPHA", "TargetCheck", "check_targets"]

ALPHA = 0.05
TPE_PEER = "optuna:tpe"
EARLY_CHECKPOINT = 25


@dataclass(frozen=True)
class TargetCheck:
    """One target: what it asks, whether it holds (None: cannot be checked), and why."""

    target: str
    passed: bool | None
    detail: str


def _beats_every_peer(summary: Summary, candidate: str, peers: list[str]) -> TargetCheck:
    last = summary.checkpoints[-1]
    what = f"higher averaged score than every peer at {last}, significant (Holm, alpha {ALPHA})"
    if not peers:
        return TargetCheck(what, None, "no peer was scored")
    mine = summary.score_of(candidate, last)
    comparisons = {c.peer: c for c in summary.comparisons[-1]}
    p_raw = np.array([comparisons[p].result.p_value for p in peers])
    p_holm = holm_adjust(p_raw)
    failing = [
        f"{p} (score {summary.score_of(p, last):.1f}, Holm p {h:.3g})"
        for p, h in zip(peers, p_holm, strict=True)
        if not (mine > summary.score_of(p, last) and h < ALPHA)
    ]
    detail = f"{candidate} {mine:.1f}; " + (
        "fails against " + ", ".join(failing) if failing else "all peers beaten"
    )
    return TargetCheck(what, not failing, detail)


def _beats_tpe(summary: Summary, candidate: str, checkpoint: int, scope: str) -> TargetCheck:
    where = "averaged" if scope == "all" else f"'{scope}' group"
    what = f"{where} score at {checkpoint} not below {TPE_PEER}'s"
    if scope == "all":
        what = f"averaged score above {TPE_PEER}'s at {checkpoint}"
    if TPE_PEER not in summary.scored or checkpoint not in summary.checkpoints:
        return TargetCheck(what, None, f"{TPE_PEER} at {checkpoint} evaluations was not scored")
    mine = summary.score_of(candidate, checkpoint, scope)
    theirs = summary.score_of(TPE_PEER, checkpoint, scope)
    if np.isnan(mine) or np.isnan(theirs):
        return TargetCheck(what, None, f"no defined score in scope {scope!r}")
    passed = mine > theirs if scope == "all" else mine >= theirs
    return TargetCheck(what, passed, f"{candidate} {mine:.1f} vs {TPE_PEER} {theirs:.1f}")


def _never_worse_than_random(summary: Summary, candidate: str) -> TargetCheck:
    last = summary.checkpoints[-1]
    what = f"median best-so-far at {last} not worse than {summary.reference}'s on any problem"
    c = summary.checkpoints.index(last)
    mine = summary.quartiles[summary.table.methods.index(candidate), :, c, 0]
    random = summary.quartiles[summary.table.methods.index(summary.reference), :, c, 0]
    worse = [p for p, a, b in zip(summary.table.problems, mine, random, strict=True) if a > b]
    return TargetCheck(
        what, not worse, "worse on: " + ", ".join(worse) if worse else "holds on every problem"
    )


def check_targets(summary: Summary) -> list[TargetCheck]:
    """Check every target for ``summary.candidate`` (empty list without a candidate)."""
    candidate = summary.candidate
    if candidate is None:
        return []
    peers = [m for m in summary.scored if not m.startswith("hypersense:") and m != candidate]
    checks = [_beats_every_peer(summary, candidate, peers)]
    checks.append(_beats_tpe(summary, candidate, EARLY_CHECKPOINT, "all"))
    last = summary.checkpoints[-1]
    checks.extend(_beats_tpe(summary, candidate, last, g) for g in summary.scopes[1:])
    checks.append(_never_worse_than_random(summary, candidate))
    return checks
