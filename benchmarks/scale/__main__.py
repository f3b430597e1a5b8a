"""Scale benchmarks; each subcommand writes its JSON and prints Markdown tables.

Usage, from the repository root (``PYTHONPATH=src:.``)::

    python -m benchmarks.scale load       # 8 processes and 4 Dask workers x 500 trials
    python -m benchmarks.scale faults     # 4 Dask faults x 20 injections
    python -m benchmarks.scale scaling    # 1 vs 2 workers, CPU-bound (run it on a quiet machine)
    python -m benchmarks.scale ceiling    # the machine's own 2-process speed-up (context)
    python -m benchmarks.scale overhead   # coordinator CPU per trivial Dask trial
    python -m benchmarks.scale simulate   # virtual clock, 64 and 512 workers

Results go to ``benchmarks/scale/results-<subcommand>.json`` unless ``--out`` says otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks.scale import report

HERE = Path(__file__).resolve().parent


def _load(args: argparse.Namespace) -> Any:
    from benchmarks.scale import load

    return load.run(
        n_processes=args.processes,
        n_dask_workers=args.dask_workers,
        n_trials=args.trials,
        optuna=not args.no_optuna,
    )


def _faults(args: argparse.Namespace) -> Any:
    from benchmarks.scale import dask_faults

    rows = []
    with tempfile.TemporaryDirectory(prefix="hs-scale-faults-") as tmp:
        for kind in args.kinds:
            rows.append(dask_faults.run_kind(kind, args.injections, Path(tmp)))
            print(report.fault_row(rows[-1]), flush=True)
    return rows


def _scaling(args: argparse.Namespace) -> Any:
    from benchmarks.scale import scaling

    return scaling.run(n_trials=args.trials, repeats=args.repeats)


def _ceiling(args: argparse.Namespace) -> Any:
    from benchmarks.scale import scaling

    return scaling.ceiling(repeats=args.repeats)


def _overhead(args: argparse.Namespace) -> Any:
    from benchmarks.scale import overhead

    return overhead.run(n_trials=args.trials, repeats=args.repeats)


def _simulate(args: argparse.Namespace) -> Any:
    from benchmarks.scale import simulate

    return simulate.run(n_trials=args.trials, tpe_trials=args.tpe_trials, workers=args.workers)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    load = sub.add_parser("load", help="lost/duplicated trials, throughput, ask/tell latency")
    load.add_argument("--processes", type=int, default=8, help="0: no process rows")
    load.add_argument("--dask-workers", type=int, default=4, help="0: no Dask rows")
    load.add_argument("--trials", type=int, default=500, help="per process or Dask worker")
    load.add_argument("--no-optuna", action="store_true", help="skip the peer's processes")
    faults = sub.add_parser("faults", help="Dask faults injected into a running study")
    faults.add_argument("--injections", type=int, default=20)
    faults.add_argument("--kinds", nargs="+", default=["sigkill", "retire", "hang", "scheduler"])
    scaling = sub.add_parser("scaling", help="1 vs 2 workers on a CPU-bound objective")
    scaling.add_argument("--trials", type=int, default=120, help="per measurement")
    scaling.add_argument("--repeats", type=int, default=5, help="pairs of 1 and 2 workers")
    ceiling = sub.add_parser("ceiling", help="the machine's own 2-process speed-up, no hypersense")
    ceiling.add_argument("--repeats", type=int, default=8, help="pairs of 1 and 2 processes")
    overhead = sub.add_parser("overhead", help="coordinator CPU per trivial Dask trial")
    overhead.add_argument("--trials", type=int, default=200, help="per measurement")
    overhead.add_argument("--repeats", type=int, default=3)
    simulate = sub.add_parser("simulate", help="virtual-clock simulation of many workers")
    simulate.add_argument("--trials", type=int, default=3000, help="per run, random sampler")
    simulate.add_argument("--tpe-trials", type=int, default=1000, help="per run, TPE")
    simulate.add_argument("--workers", type=int, nargs="+", default=[64, 512])
    for each in (load, faults, scaling, ceiling, overhead, simulate):
        each.add_argument("--out", type=Path, default=None, help="where the JSON goes")
    return parser


_COMMANDS: dict[str, Callable[[argparse.Namespace], Any]] = {
    "load": _load,
    "faults": _faults,
    "scaling": _scaling,
    "ceiling": _ceiling,
    "overhead": _overhead,
    "simulate": _simulate,
}


def main() -> None:
    args = _parser().parse_args()
    start = time.perf_counter()
    results = _COMMANDS[args.command](args)
    document = {
        "command": f"python -m benchmarks.scale {args.command}",
        "arguments": {k: str(v) for k, v in vars(args).items() if k not in ("command", "out")},
        "when": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        "runtime_s": time.perf_counter() - start,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average_1min_at_end": os.getloadavg()[0],
            "hypersense": metadata.version("hypersense"),
            "distributed": metadata.version("distributed"),
        },
        "results": results,
    }
    out = args.out or HERE / f"results-{args.command}.json"
    out.write_text(json.dumps(document, indent=2) + "\n")
    print(report.markdown(args.command, document))
    print(f"\n(written to {out}; {document['runtime_s']:.0f} s)")


if __name__ == "__main__":
    main()
