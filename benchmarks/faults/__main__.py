"""The fault matrix: inject faults into running studies and count the promises kept.

Usage, from the repository root::

    python -m benchmarks.faults run [--repeats 20] [--faults worker-kill,...]
        [--backends sqlite,postgres] [--interfaces api,cli] --out benchmarks/faults/results.json
    python -m benchmarks.faults report benchmarks/faults/results.json

Needs root (UTS and mount namespaces, a tmpfs) and Debian's PostgreSQL binaries for
the postgres backend. See the "Fault matrix" section of benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from benchmarks.faults.matrix import BACKENDS, FAULTS, INTERFACES, cells, run_matrix
from benchmarks.faults.report import markdown


def _names(text: str, allowed: tuple[str, ...] | list[str], what: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in allowed]
    if unknown:
        raise SystemExit(f"unknown {what} {unknown}; choose from {list(allowed)}")
    return names


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.faults", description=__doc__.splitlines()[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the matrix and write the raw results")
    run.add_argument("--repeats", type=int, default=20)
    run.add_argument("--faults", default=",".join(FAULTS), help=f"of {','.join(FAULTS)}")
    run.add_argument("--backends", default=",".join(BACKENDS))
    run.add_argument("--interfaces", default=",".join(INTERFACES))
    run.add_argument("--out", type=Path, default=Path("benchmarks/faults/results.json"))
    run.add_argument("--keep-logs", action="store_true", help="keep every repetition's files")
    report = commands.add_parser("report", help="print the markdown tables of a results file")
    report.add_argument("results", type=Path)
    args = parser.parse_args(argv)

    if args.command == "report":
        print(markdown(json.loads(args.results.read_text(encoding="utf-8"))), end="")
        return
    chosen = cells(
        _names(args.faults, list(FAULTS), "fault"),
        _names(args.backends, BACKENDS, "backend"),
        _names(args.interfaces, INTERFACES, "interface"),
    )
    results = run_matrix(
        chosen,
        repeats=args.repeats,
        out=args.out,
        keep_logs=args.keep_logs,
        progress=lambda line: print(line, flush=True),
    )
    print(markdown(results), end="")
    sys.exit(0)


if __name__ == "__main__":
    main()
