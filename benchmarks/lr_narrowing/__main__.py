"""Run the LR-narrowing benchmark; print Markdown, save the raw results as JSON.

Usage: ``python -m benchmarks.lr_narrowing [--tasks ...] [--seeds 6] [--trials 20]
[--epochs 10] [--jobs 2] [--out PATH]``. ``--report PATH`` prints the tables of
saved results without running anything.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from concurrent.futures import ProcessPoolExecutor
from importlib import metadata
from pathlib import Path

from benchmarks.lr_narrowing.runner import run_arm
from benchmarks.lr_narrowing.summary import markdown

TASKS = ("torch-digits-mlp", "torch-digits-cnn")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", nargs="+", default=list(TASKS))
    parser.add_argument("--seeds", type=int, default=6)
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("results.json"))
    parser.add_argument("--report", type=Path, help="print the tables of saved results")
    args = parser.parse_args()
    if args.report is not None:
        print(markdown(json.loads(args.report.read_text())["records"]))
        return
    jobs = [
        (task, arm, seed, args.trials, args.epochs)
        for task in args.tasks
        for seed in range(args.seeds)
        for arm in ("full", "narrowed")
    ]
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        records = list(pool.map(run_arm, *zip(*jobs, strict=True)))
    import torch

    results = {
        "when": started,
        "wall_seconds": time.perf_counter() - t0,
        "settings": {
            "tasks": args.tasks,
            "seeds": args.seeds,
            "trials": args.trials,
            "epochs": args.epochs,
            "jobs": args.jobs,
        },
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average_1min": os.getloadavg()[0],
            "torch": torch.__version__,
            "hypersense": metadata.version("hypersense"),
        },
        "records": records,
    }
    args.out.write_text(json.dumps(results, indent=2))
    print(markdown(records))


if __name__ == "__main__":
    main()
