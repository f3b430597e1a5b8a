"""``python -m benchmarks.multifidelity``: pruning methods side by side, several
seeds, on synthetic learning curves with known final values and on the
built-in PyTorch tasks (real training on the CPU); prints Markdown tables and
writes the raw records as JSON and one figure per task.

Usage::

    python -m benchmarks.multifidelity [--task synthetic] [--seeds 5] [--configs 81]
    python -m benchmarks.multifidelity --task digits-mlp digits-cnn tabular \\
        --seeds 5 --configs 27 --epochs 27 --jobs 2 --json out.json --figures DIR
    python -m benchmarks.multifidelity --task digits-mlp --signal loss \
        --methods "no pruning (TPE)" "one epoch, top-K" "Optuna HyperbandPruner (TPE)"

``--signal loss`` hands the methods the real tasks' validation loss after each
epoch instead of their validation error; a trial's final value (what a method
chooses by, and what is scored) stays the validation error.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import platform
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from benchmarks.multifidelity.curves import LR_RANGE, curve, true_final
from benchmarks.multifidelity.methods import (
    BASELINE,
    METHODS,
    N_EPOCHS,
    OPTUNA_HYPERBAND,
    TOP_K,
    RunSize,
)
from benchmarks.multifidelity.problems import SIGNALS, noise_seed
from benchmarks.multifidelity.records import RunRecord
from benchmarks.multifidelity.runner import ERROR, SYNTHETIC, TASK_NAMES, run_all
from benchmarks.multifidelity.tables import anytime_table, methods_table, paired_table
from hypersense.pruners.curves import forecast_curve


def coverage(seed: int, n_curves: int, observed: Sequence[int]) -> dict[int, float]:
    """Share of synthetic curves whose true final value lies in the 90% interval
    forecast from their first ``k`` epochs, for each ``k`` in ``observed``."""
    rng = np.random.default_rng(seed)
    lows, highs = math.log10(LR_RANGE[0]), math.log10(LR_RANGE[1])
    hits = {k: 0 for k in observed}
    for _ in range(n_curves):
        lr, width = 10 ** rng.uniform(lows, highs), rng.uniform()
        losses = curve(lr, width, N_EPOCHS, noise_seed(seed, lr, width))
        final = true_final(lr, width, N_EPOCHS)
        for k in observed:
            fc = forecast_curve(np.arange(k, dtype=float), losses[:k], N_EPOCHS - 1)
            hits[k] += fc.quantile(0.05) <= final <= fc.quantile(0.95)
    return {k: h / n_curves for k, h in hits.items()}


def report(task: str, runs: dict[str, list[RunRecord]], size: RunSize) -> str:
    """The Markdown tables of one task: the first ``size.n_configs`` trials of
    every run and, when the runs went on to an epoch budget, the whole runs."""
    first = {m: [r.first() for r in rs] for m, rs in runs.items()}
    views = [(f"{size.n_configs} configurations each", first)]
    if size.epoch_budget:
        views.append((f"equal epochs: each run until it spent {size.epoch_budget}", runs))
    sections = [f"### {task}"]
    for title, view in views:
        sections += [
            f"#### {task}, {title}",
            methods_table(view),
            paired_table(view, OPTUNA_HYPERBAND),
            paired_table(view, TOP_K),
        ]
    if size.epoch_budget:
        sections.append(anytime_table(runs, OPTUNA_HYPERBAND))
    return "\n\n".join(sections)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.multifidelity")
    parser.add_argument("--task", nargs="+", choices=TASK_NAMES, default=[SYNTHETIC])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--configs", type=int, default=81)
    parser.add_argument("--epochs", type=int, default=N_EPOCHS, help="the full budget")
    parser.add_argument(
        "--epoch-budget",
        type=int,
        default=None,
        help="runs go on past --configs trials until they spent this many epochs "
        "(default: configs x epochs, what no pruning spends; 0: exactly --configs trials)",
    )
    parser.add_argument("--jobs", type=int, default=1, help="worker processes")
    parser.add_argument(
        "--signal",
        choices=SIGNALS,
        default=ERROR,
        help="what the real tasks report after each epoch; the final value stays the error",
    )
    parser.add_argument(
        "--methods",
        nargs="+",
        choices=list(METHODS),
        default=None,
        metavar="METHOD",
        help=f"a subset of the methods (default: all); must include {BASELINE!r}, "
        f"{TOP_K!r} and {OPTUNA_HYPERBAND!r}",
    )
    parser.add_argument("--coverage-curves", type=int, default=200)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument(
        "--journal",
        type=Path,
        default=None,
        help="JSON lines of finished runs: appended as they finish, reused on a re-run",
    )
    parser.add_argument("--markdown", type=Path, default=None)
    parser.add_argument("--figures", type=Path, default=None, help="folder of HTML figures")
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.signal != ERROR and SYNTHETIC in args.task:
        parser.error("--signal loss needs real tasks (the synthetic curves have no loss)")
    if args.methods is not None and {BASELINE, TOP_K, OPTUNA_HYPERBAND} - set(args.methods):
        parser.error(f"--methods must include {BASELINE!r}, {TOP_K!r} and {OPTUNA_HYPERBAND!r}")
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # worker processes: one thread each
    load_before, start = os.getloadavg()[0], time.perf_counter()
    budget = args.configs * args.epochs if args.epoch_budget is None else args.epoch_budget
    size = RunSize(args.configs, budget)
    runs = run_all(
        args.task,
        args.seeds,
        size,
        args.epochs,
        args.jobs,
        args.journal,
        signal=args.signal,
        methods=args.methods,
    )
    every = [r for by_method in runs.values() for rs in by_method.values() for r in rs]
    settings = {
        "tasks": args.task,
        "seeds": args.seeds,
        "configs": args.configs,
        "epoch_budget": budget,
        "epochs": args.epochs,
        "signal": args.signal,
        "jobs": args.jobs,
        "total_wall_s": round(time.perf_counter() - start, 1),
        # Over every run reported (some may come from the journal of an earlier invocation).
        "sum_of_runs_wall_s": round(sum(r.wall_s for r in every), 1),
        "sum_of_runs_cpu_s": round(sum(r.cpu_s for r in every), 1),
        "load_average_1min": [load_before, os.getloadavg()[0]],
        "python": platform.python_version(),
    }
    header = (
        f"{args.configs} configurations of {args.epochs} epochs (runs going on to "
        f"{budget} epochs), seeds 0..{args.seeds - 1}, the methods see the validation "
        f"{args.signal} after each epoch (the final value is the error), "
        f"{args.jobs} worker process(es); this invocation {settings['total_wall_s']} s; "
        f"the runs' wall time {settings['sum_of_runs_wall_s']} s and CPU time "
        f"{settings['sum_of_runs_cpu_s']} s in all; load average "
        f"{load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end; "
        f"Python {platform.python_version()} on {platform.machine()}"
    )
    sections = [header, *(report(t, runs[t], size) for t in args.task)]
    cover: dict[int, float] = {}
    if SYNTHETIC in args.task:
        cover = coverage(1000, args.coverage_curves, (5, 9, 14))
        rows = [f"| {k} | {share:.0%} |" for k, share in cover.items()]
        head = ["| epochs observed | 90% interval covers the true final value |", "|---|---|"]
        sections.append("\n".join(head + rows))
    text = "\n\n".join(sections) + "\n"
    print(text)
    if args.markdown is not None:
        args.markdown.write_text(text)
    if args.json is not None:
        records = {
            t: {m: [dataclasses.asdict(r) for r in rs] for m, rs in by_method.items()}
            for t, by_method in runs.items()
        }
        payload = {"settings": settings, "runs": records, "coverage": cover}
        args.json.write_text(json.dumps(payload, indent=1))
    if args.figures is not None:
        from benchmarks.multifidelity.figures import write_figure

        args.figures.mkdir(parents=True, exist_ok=True)
        for t in args.task:
            path = args.figures / f"multifidelity-{t}.html"
            write_figure(t, runs[t], path, header)


if __name__ == "__main__":
    main()
