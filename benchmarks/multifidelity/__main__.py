"""``python -m benchmarks.multifidelity``: pruning methods side by side on
synthetic learning curves with known final values, several seeds; prints
Markdown tables and writes the raw records as JSON.

Usage: ``python -m benchmarks.multifidelity [--seeds 5] [--configs 81] [--json PATH]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import platform
import statistics
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from benchmarks.multifidelity.curves import LR_RANGE, curve, true_final
from benchmarks.multifidelity.methods import METHODS, N_EPOCHS, RunRecord, noise_seed
from hypersense.pruners.curves import forecast_curve

BASELINE = "no pruning (TPE)"


def _fmt(values: Sequence[float], digits: int = 3) -> str:
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return "never"
    return f"{statistics.median(finite):.{digits}g}"


def methods_table(runs: dict[str, list[RunRecord]]) -> str:
    """One row per method: epochs, wall time, chosen configuration's true final
    value, epochs to reach the no-pruning run's best (medians over seeds)."""
    base = runs[BASELINE]
    targets = [r.chosen_true_final() for r in base]
    base_epochs = statistics.mean(r.epochs for r in base)
    lines = [
        "| method | epochs (mean) | % of no pruning | wall s (mean) | true final of the chosen "
        "config (median [min, max]) | epochs to reach no-pruning's best (median; seeds reached) |",
        "|---|---|---|---|---|---|",
    ]
    for name, rs in runs.items():
        epochs = statistics.mean(r.epochs for r in rs)
        finals = [r.chosen_true_final() for r in rs]
        reach = [r.epochs_to_reach(t) for r, t in zip(rs, targets, strict=True)]
        n_reached = sum(math.isfinite(v) for v in reach)
        lines.append(
            f"| {name} | {epochs:.0f} | {100 * epochs / base_epochs:.0f}% | "
            f"{statistics.mean(r.wall_s for r in rs):.1f} | {statistics.median(finals):.4f} "
            f"[{min(finals):.4f}, {max(finals):.4f}] | {_fmt(reach, 4)} ({n_reached}/{len(rs)}) |"
        )
    return "\n".join(lines)


def paired_table(runs: dict[str, list[RunRecord]], against: str) -> str:
    """Per seed, epochs to reach the no-pruning run's best: each hypersense method
    against ``against`` (a method that never reaches it spends infinitely many)."""
    targets = [r.chosen_true_final() for r in runs[BASELINE]]
    lines = [
        f"| method | seeds with fewer epochs than {against} | as many | more | neither reached |",
        "|---|---|---|---|---|",
    ]
    theirs = [r.epochs_to_reach(t) for r, t in zip(runs[against], targets, strict=True)]
    for name, rs in runs.items():
        if name in (against, BASELINE) or name.startswith("Optuna"):
            continue
        ours = [r.epochs_to_reach(t) for r, t in zip(rs, targets, strict=True)]
        pairs = list(zip(ours, theirs, strict=True))
        neither = sum(math.isinf(a) and math.isinf(b) for a, b in pairs)
        fewer = sum(a < b for a, b in pairs)
        same = sum(a == b and math.isfinite(a) for a, b in pairs)
        lines.append(
            f"| {name} | {fewer} | {same} | {len(rs) - fewer - same - neither} | {neither} |"
        )
    return "\n".join(lines)


def coverage(seed: int, n_curves: int, observed: Sequence[int]) -> dict[int, float]:
    """Share of curves whose true final value lies in the 90% interval forecast
    from their first ``k`` epochs, for each ``k`` in ``observed``."""
    rng = np.random.default_rng(seed)
    lows, highs = math.log10(LR_RANGE[0]), math.log10(LR_RANGE[1])
    hits = {k: 0 for k in observed}
    for _ in range(n_curves):
        lr, width = 10 ** rng.uniform(lows, highs), rng.uniform()
        losses = curve(lr, width, N_EPOCHS, noise_seed(seed, lr, width))
        final = true_final(lr, width, N_EPOCHS)
        for k in observed:
            fc = forecast_curve(np.arange(k), losses[:k], N_EPOCHS - 1)
            hits[k] += fc.quantile(0.05) <= final <= fc.quantile(0.95)
    return {k: h / n_curves for k, h in hits.items()}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.multifidelity")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--configs", type=int, default=81)
    parser.add_argument("--coverage-curves", type=int, default=200)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    runs: dict[str, list[RunRecord]] = {name: [] for name in METHODS}
    for seed in range(args.seeds):
        for name, run in METHODS.items():
            runs[name].append(dataclasses.replace(run(seed, args.configs), method=name))
    cover = coverage(1000, args.coverage_curves, (5, 9, 14))
    print(
        f"{args.configs} configurations of {N_EPOCHS} epochs, seeds 0..{args.seeds - 1}; "
        f"Python {platform.python_version()} on {platform.machine()}\n"
    )
    print(methods_table(runs), "\n")
    print(paired_table(runs, "Optuna HyperbandPruner (TPE)"), "\n")
    print("| epochs observed | 90% interval covers the true final value |")
    print("|---|---|")
    for k, share in cover.items():
        print(f"| {k} | {share:.0%} |")
    if args.json is not None:
        records = {name: [dataclasses.asdict(r) for r in rs] for name, rs in runs.items()}
        args.json.write_text(json.dumps({"runs": records, "coverage": cover}, indent=1))


if __name__ == "__main__":
    main()
