"""``python -m benchmarks.multifidelity.signals``: the same methods with two
per-epoch signals (the validation error and the validation loss), side by side.

Reads the JSON of two (or more) runs of the benchmark (``--json``) that differ
in ``--signal``, and writes, per task and method, what each signal gave at
equal epochs: the seeds that reached the no-pruning run's best, the epochs it
took, the chosen configuration's error, the paired count against Optuna's
Hyperband; then each signal's runs paired against the first one's, seed by
seed. Only the seeds and methods every file has are compared.

Usage::

    python -m benchmarks.multifidelity.signals \\
        error=benchmarks/results/multifidelity-loss-signal-error-rerun.json \\
        loss=benchmarks/results/multifidelity-loss-signal.json --markdown out.md
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
from collections.abc import Sequence
from pathlib import Path

from benchmarks.multifidelity.methods import BASELINE, OPTUNA_HYPERBAND
from benchmarks.multifidelity.records import RunRecord
from benchmarks.multifidelity.tables import paired_counts

__all__ = ["load_runs", "signal_tables"]

Runs = dict[str, dict[str, list[RunRecord]]]  # task -> method -> runs by seed


def load_runs(path: Path) -> Runs:
    """The runs of a benchmark JSON (``--json``), task by task and method by method."""
    payload = json.loads(path.read_text())
    runs: Runs = {}
    for task, by_method in payload["runs"].items():
        runs[task] = {m: [RunRecord.from_dict(r) for r in rs] for m, rs in by_method.items()}
    return runs


def _reach(runs: dict[str, list[RunRecord]], method: str) -> list[float]:
    """Per seed, epochs ``method`` spent to reach the no-pruning run's best."""
    targets = [r.chosen_true_final() for r in runs[BASELINE]]
    return [r.epochs_to_reach(t) for r, t in zip(runs[method], targets, strict=True)]


def _counts(ours: Sequence[float], theirs: Sequence[float]) -> str:
    """``lower / equal / higher / both never`` over paired seeds."""
    return " / ".join(map(str, paired_counts(list(zip(ours, theirs, strict=True)))))


def _summary(runs: dict[str, list[RunRecord]], method: str) -> list[str]:
    reach = _reach(runs, method)
    base = runs[BASELINE]
    share = sorted(100 * e / b.epochs for e, b in zip(reach, base, strict=True))
    n = sum(math.isfinite(e) for e in reach)
    median = statistics.median(share)
    finals = [r.chosen_true_final() for r in runs[method]]
    against = "—" if method == OPTUNA_HYPERBAND else _counts(reach, _reach(runs, OPTUNA_HYPERBAND))
    return [
        f"{n}/{len(reach)}",
        "never" if math.isinf(median) else f"{median:.1f}%",
        f"{statistics.median(finals):.4f}",
        against,
    ]


def _common(by_signal: dict[str, Runs], task: str) -> tuple[list[str], int]:
    """The methods every signal ran on ``task`` (first file's order), and the seeds all have."""
    first = next(iter(by_signal.values()))[task]
    methods = [m for m in first if all(m in runs[task] for runs in by_signal.values())]
    seeds = min(len(runs[task][m]) for runs in by_signal.values() for m in methods)
    return methods, seeds


def signal_tables(by_signal: dict[str, Runs]) -> str:
    """The Markdown comparison of runs that differ in their signal (first: the reference)."""
    names = list(by_signal)
    tasks = [t for t in next(iter(by_signal.values())) if all(t in r for r in by_signal.values())]
    sections = []
    for task in tasks:
        methods, n_seeds = _common(by_signal, task)
        cut = {s: {m: runs[task][m][:n_seeds] for m in methods} for s, runs in by_signal.items()}
        head = ["method"]
        for s in names:
            head += [
                f"{s}: seeds reaching no pruning's best",
                f"{s}: epochs to reach it (median % of no pruning's)",
                f"{s}: chosen config's error (median)",
                f"{s}: fewer epochs than Optuna HB / as many / more / neither",
            ]
        lines = [
            f"#### {task}: {n_seeds} seeds (0..{n_seeds - 1}), equal epochs",
            "",
            "| " + " | ".join(head) + " |",
            "|---|" + "---|" * (len(head) - 1),
        ]
        for m in methods:
            lines.append("| " + " | ".join([m, *(c for s in names for c in _summary(cut[s], m))]))
            lines[-1] += " |"
        ref = names[0]
        for s in names[1:]:
            lines += [
                "",
                f"| method | {s} vs {ref}, epochs to reach no pruning's best: fewer / as many "
                f"/ more / neither | {s} vs {ref}, chosen config's error: lower / equal / higher |",
                "|---|---|---|",
            ]
            for m in methods:
                finals = [
                    (a.chosen_true_final(), b.chosen_true_final())
                    for a, b in zip(cut[s][m], cut[ref][m], strict=True)
                ]
                errs = _counts([a for a, _ in finals], [b for _, b in finals])
                lower_equal_higher = " / ".join(errs.split(" / ")[:3])
                reach = _counts(_reach(cut[s], m), _reach(cut[ref], m))
                lines.append(f"| {m} | {reach} | {lower_equal_higher} |")
        sections.append("\n".join(lines))
    return "\n\n".join(sections) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.multifidelity.signals")
    parser.add_argument(
        "runs", nargs="+", help="NAME=PATH of a benchmark JSON; the first is the reference"
    )
    parser.add_argument("--markdown", type=Path, default=None)
    args = parser.parse_args(argv)
    by_signal: dict[str, Runs] = {}
    for item in args.runs:
        name, _, path = item.partition("=")
        if not path:
            parser.error(f"expected NAME=PATH (got {item!r})")
        by_signal[name] = load_runs(Path(path))
    text = signal_tables(by_signal)
    print(text)
    if args.markdown is not None:
        args.markdown.write_text(text)


if __name__ == "__main__":
    main()
