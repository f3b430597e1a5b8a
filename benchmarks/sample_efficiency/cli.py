"""Command line: ``run`` fills a results file, ``report`` turns it into Markdown.

    python -m benchmarks.sample_efficiency run --methods all --problems twelve \\
        --seeds 8 --budget 50 --jobs 2 --out benchmarks/results/sample_efficiency.json
    python -m benchmarks.sample_efficiency report benchmarks/results/sample_efficiency.json

A subset of the broad suite: ``--problems bbob-multimodal-weak,model-tuning
--dims 2,5 --instances 1 --seeds 3 --first-seed 0 --budget 100``. One run
per (method, problem, seed) serves every smaller budget (its prefix).
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
from hypersense.errors import Terminated

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


def _ints(text: str | None) -> list[int] | None:
    return None if text is None else [int(part) for part in _split(text)]


def _add_problem_filters(parser: argparse.ArgumentParser, default: str | None) -> None:
    parser.add_argument(
        "--problems",
        default=default,
        help="comma-separated names, globs ('bbob-f2?-*'), groups (e.g. 'model-tuning', "
        "'bbob-multimodal-weak'), suites ('twelve', 'broad', 'bbob') or 'all'",
    )
    parser.add_argument(
        "--dims", default=None, help="keep broad-suite BBOB problems of these dimensions (2,5,10)"
    )
    parser.add_argument(
        "--instances", default=None, help="keep broad-suite BBOB problems of these instances"
    )
    parser.add_argument(
        "--exclude", default=None, help="problems to leave out, with the selectors of --problems"
    )


def _problems(args: argparse.Namespace) -> list[str]:
    chosen = select_problems(
        _split(args.problems), dims=_ints(args.dims), instances=_ints(args.instances)
    )
    dropped = set(select_problems(_split(args.exclude))) if args.exclude else set()
    return [name for name in chosen if name not in dropped]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sample_efficiency")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run what the results file does not hold yet")
    run.add_argument(
        "--methods",
        default="all",
        help=f"comma-separated names, '<tool>:*' or 'all' (of {list(METHODS)})",
    )
    _add_problem_filters(run, "all")
    run.add_argument("--seeds", type=int, default=8, help="N seeds per method and problem")
    run.add_argument("--first-seed", type=int, default=0, help="seeds first .. first+N-1")
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
    _add_problem_filters(report, None)
    report.add_argument(
        "--seeds", type=int, default=None, help="report seeds 0 .. N-1 only (default: all stored)"
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
            _problems(args),
            list(range(args.first_seed, args.first_seed + args.seeds)),
            args.budget,
            jobs=args.jobs,
            overwrite=args.overwrite,
            say=print,
        )
    except (KeyboardInterrupt, Terminated) as stop:
        print(
            f"interrupted: {len(store.runs)} runs kept in {store.path}; "
            "run the same command again to continue"
        )
        raise SystemExit(143 if isinstance(stop, Terminated) else 130) from None
    print(f"results: {store.path}")


def _report(args: argparse.Namespace) -> None:
    store = ResultsStore.open(args.results)
    if not store.runs:
        raise SystemExit(f"{args.results}: no runs stored")
    wanted = set(select_methods(_split(args.methods)))
    if any(x is not None for x in (args.problems, args.dims, args.instances, args.exclude)):
        args.problems = args.problems or "all"
        problems = set(_problems(args))
    else:
        problems = {r.problem for r in store.runs.values()}
    store = dataclasses.replace(
        store,
        runs={
            k: r
            for k, r in store.runs.items()
            if r.method in wanted
            and r.problem in problems
            and (args.seeds is None or r.seed < args.seeds)
        },
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
