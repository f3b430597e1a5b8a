"""Markdown tables of a task's runs: per method, and paired over seeds against a peer."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

from benchmarks.multifidelity.methods import BASELINE
from benchmarks.multifidelity.records import RunRecord

__all__ = ["anytime_table", "methods_table", "paired_table"]


def _median(values: Sequence[float], digits: int = 4, unit: str = "") -> str:
    finite = [v for v in values if math.isfinite(v)]
    if len(finite) * 2 <= len(values):  # the median itself is "never"
        return "never"
    return f"{statistics.median(values):.{digits}g}{unit}"


def _targets(runs: dict[str, list[RunRecord]]) -> list[float]:
    """Per seed, the full-budget error of the configuration the no-pruning run chose."""
    return [r.chosen_true_final() for r in runs[BASELINE]]


def methods_table(runs: dict[str, list[RunRecord]]) -> str:
    """One row per method: epochs, wall and CPU time, the chosen configuration's
    error at full budget, epochs to reach the no-pruning run's best (over seeds)."""
    base = runs[BASELINE]
    targets = _targets(runs)
    base_epochs = statistics.mean(r.epochs for r in base)
    lines = [
        "| method | configs (mean) | epochs (mean) | % of no pruning "
        "| wall s (mean) | CPU s (mean) "
        "| error of the chosen config at full budget (median [min, max]) "
        "| epochs to reach no-pruning's best (median; seeds reached) "
        "| as % of no pruning's epochs (median) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, rs in runs.items():
        epochs = statistics.mean(r.epochs for r in rs)
        finals = [r.chosen_true_final() for r in rs]
        reach = [r.epochs_to_reach(t) for r, t in zip(rs, targets, strict=True)]
        share = [100 * e / b.epochs for e, b in zip(reach, base, strict=True)]
        n_reached = sum(math.isfinite(v) for v in reach)
        lines.append(
            f"| {name} | {statistics.mean(len(r.trials) for r in rs):.0f} "
            f"| {epochs:.0f} | {100 * epochs / base_epochs:.0f}% "
            f"| {statistics.mean(r.wall_s for r in rs):.1f} "
            f"| {statistics.mean(r.cpu_s for r in rs):.1f} "
            f"| {statistics.median(finals):.4f} [{min(finals):.4f}, {max(finals):.4f}] "
            f"| {_median(reach)} ({n_reached}/{len(rs)}) | {_median(share, 3, '%')} |"
        )
    return "\n".join(lines)


def paired_counts(pairs: Sequence[tuple[float, float]]) -> tuple[int, int, int, int]:
    """(ours lower, equal, higher, both infinite) over ``(ours, theirs)`` pairs."""
    both_inf = sum(math.isinf(a) and math.isinf(b) for a, b in pairs)
    lower = sum(a < b for a, b in pairs)
    equal = sum(a == b and math.isfinite(a) for a, b in pairs)
    return lower, equal, len(pairs) - lower - equal - both_inf, both_inf


def paired_table(runs: dict[str, list[RunRecord]], against: str) -> str:
    """Per seed, each other method against ``against``: epochs to reach the
    no-pruning run's best (a method that never reaches it spends infinitely
    many), and the chosen configuration's error at full budget."""
    targets = _targets(runs)
    theirs = runs[against]
    their_reach = [r.epochs_to_reach(t) for r, t in zip(theirs, targets, strict=True)]
    lines = [
        f"| method | epochs to reach no-pruning's best: fewer than {against} / as many / more "
        "/ neither reached | chosen config's error: lower / equal / higher |",
        "|---|---|---|",
    ]
    for name, rs in runs.items():
        if name in (against, BASELINE):
            continue
        reach = [r.epochs_to_reach(t) for r, t in zip(rs, targets, strict=True)]
        fewer, same, more, neither = paired_counts(list(zip(reach, their_reach, strict=True)))
        pairs = zip(rs, theirs, strict=True)
        finals = [(r.chosen_true_final(), o.chosen_true_final()) for r, o in pairs]
        lower, equal, higher, _ = paired_counts(finals)
        lines.append(
            f"| {name} | {fewer} / {same} / {more} / {neither} | {lower} / {equal} / {higher} |"
        )
    return "\n".join(lines)


def anytime_table(
    runs: dict[str, list[RunRecord]], against: str, shares: Sequence[float] = (0.3, 0.5, 1.0)
) -> str:
    """Per method, the full-budget error of the configuration it would choose
    after spending each share of the no-pruning run's epochs (median over seeds,
    inf: nothing finished yet), and per seed against ``against`` at the same
    epochs: lower / equal / higher."""
    budgets = [[share * b.epochs for b in runs[BASELINE]] for share in shares]
    columns = [f"error of the choice after {share:.0%} (median)" for share in shares]
    columns += [f"vs {against} after {share:.0%}: lower / equal / higher" for share in shares]
    lines = ["| method | " + " | ".join(columns) + " |", "|---|" + "---|" * len(columns)]
    theirs = runs[against]
    for name, rs in runs.items():
        medians, counts = [], []
        for at in budgets:
            ours = [r.within(e).chosen_true_final() for r, e in zip(rs, at, strict=True)]
            other = [r.within(e).chosen_true_final() for r, e in zip(theirs, at, strict=True)]
            medians.append(f"{statistics.median(ours):.4f}")
            lower, equal, higher, _ = paired_counts(list(zip(ours, other, strict=True)))
            counts.append("—" if name == against else f"{lower} / {equal} / {higher}")
        lines.append(f"| {name} | " + " | ".join(medians + counts) + " |")
    return "\n".join(lines)
