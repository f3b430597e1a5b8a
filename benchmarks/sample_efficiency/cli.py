"""Command line: ``run`` fills a results file, ``report`` turns it into Markdown.

    python -m benchmarks.sample_efficiency run --methods all --problems all \\
        --seeds 8 --budget 50 --jobs 2 --out benchmarks/results/sample_efficiency.json
    python -m benchmarks.sample_efficiency report benchmarks/results/sample_efficiency.json
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Sequence
from pathlib import Path

from benchmarks.problems.registry import PROBLEMS, select_problems
from benchmarks.sample_efficiency.methods import METHODS, select_methods
from benchmarks.sample_efficiency.report import render_report
from benchmarks.sample_efficiency.results import ResultsStore
from benchmarks.sample_efficiency.runner import run_benchmark
from benchmarks.sample_efficiency.summary import DEFAULT_CHECKPOINTS, build_summary, checkpoints_for
from benchmarks.sample_efficiency.table import build_table

__all__ = ["main"]

DEFAULT_OUT = "benchmarks/results/sample_efficiency.json"
#: Candidates for the paired comparison, best first: the default sampler when it lands.
_CANDIDATES = (
    "hypersense:auto",
    "hypersense:tpe",
    "hypersense:gp",
    "hypersense:cmaes",
    "hypersense:qmc",
    "hypersense:random",
)


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sample_efficiency")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run what the results file does not hold yet")
    run.add_argument(
        "--methods",
        default="all",
        help=f"comma-separated names, '<tool>:*' or 'all' (of {list(METHODS)})",
    )
    run.add_argument(
        "--problems",
        default="all",
        help=f"comma-separated names, 'synthetic', 'model-tuning' or 'all' (of {list(PROBLEMS)})",
    )
    run.add_argument("--seeds", type=int, default=8, help="seeds 0 .. N-1 per method and problem")
    run.add_argument("--budget", type=int, default=50, help="evaluations per run")
    run.add_argument("--jobs", type=int, default=1, help="worker processes")
    run.add_argument("--out", default=DEFAULT_OUT, help="results file (resumed if it exists)")
    run.add_argument(
        "--overwrite",
        action="store_true",
        help="re-run the selected runs even if stored (e.g. after a sampler changed)",
    )
    report = commands.add_parser("report", help="write the Markdown report of a results file")
    report.add_argument("results", help="results file written by `run`")
    report.add_argument(
        "--out", default=None, help="Markdown file (default: results path with .md)"
    )
    report.add_argument("--reference", default="optuna:random", help="the random-search baseline")
    report.add_argument(
        "--candidate",
        default=None,
        help="method compared pairwise with the others (default: hypersense:auto, "
        "else the first scored hypersense sampler)",
    )
    report.add_argument(
        "--checkpoints",
        default=",".join(map(str, DEFAULT_CHECKPOINTS)),
        help="evaluation counts to report (the budget is always added)",
    )
    report.add_argument(
        "--budget", type=int, default=None, help="evaluations to use (default: shortest run)"
    )
    report.add_argument("--bootstrap", type=int, default=2000, help="bootstrap replicates")
    report.add_argument(
        "--methods",
        default="all",
        help="methods to report, as for `run` (the best value found is over these only)",
    )
    return parser


def _run(args: argparse.Namespace) -> None:
    if args.seeds < 1:
        raise SystemExit(f"--seeds must be >= 1 (got {args.seeds})")
    store = ResultsStore.open(args.out)
    try:
        run_benchmark(
            store,
            select_methods(_split(args.methods)),
            select_problems(_split(args.problems)),
            list(range(args.seeds)),
            args.budget,
            jobs=args.jobs,
            overwrite=args.overwrite,
            say=print,
        )
    except KeyboardInterrupt:
        print(
            f"interrupted: {len(store.runs)} runs kept in {store.path}; "
            "run the same command again to continue"
        )
        raise SystemExit(130) from None
    print(f"results: {store.path}")


def _report(args: argparse.Namespace) -> None:
    store = ResultsStore.open(args.results)
    if not store.runs:
        raise SystemExit(f"{args.results}: no runs stored")
    wanted = set(select_methods(_split(args.methods)))
    store = dataclasses.replace(
        store,
        runs={k: r for k, r in store.runs.items() if r.method in wanted},
        skipped={m: why for m, why in store.skipped.items() if m in wanted},
        errors={k: e for k, e in store.errors.items() if k.partition("|")[0] in wanted},
    )
    runs = list(store.runs.values())
    if not runs:
        raise SystemExit(f"{args.results}: no runs of {args.methods}")
    table = build_table(
        runs,
        method_order=list(METHODS),
        problem_order=list(PROBLEMS),
        budget=args.budget,
    )
    scored = [m for m in table.methods if table.is_complete(m)]
    candidate = args.candidate or next((m for m in _CANDIDATES if m in scored), None)
    summary = build_summary(
        table,
        reference=args.reference,
        candidate=candidate,
        checkpoints=checkpoints_for(table.budget, [int(c) for c in _split(args.checkpoints)]),
        n_boot=args.bootstrap,
    )
    out = Path(args.out) if args.out else Path(args.results).with_suffix(".md")
    out.write_text(render_report(store, summary) + "\n")
    print(f"report: {out}")


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of ``python -m benchmarks.sample_efficiency``."""
    args = _parser().parse_args(argv)
    if args.command == "run":
        _run(args)
    else:
        _report(args)
