"""Run the importance benchmark and print Markdown tables; JSON next to this file.

Usage, from the repository root::

    python -m benchmarks.importance            # the issue's grid: N = 50..500, 5 repeats
    python -m benchmarks.importance --quick    # N = 50, 100; 2 repeats

BLAS is pinned to one thread (set before NumPy loads): on a shared 2-core
machine multithreaded BLAS thrashes and times become meaningless.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402
from importlib import metadata  # noqa: E402
from pathlib import Path  # noqa: E402

from benchmarks.importance.report import markdown  # noqa: E402
from benchmarks.importance.runner import (  # noqa: E402
    run_accuracy,
    run_interaction,
    run_log_lr,
    run_timing,
)

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    args = parser.parse_args()
    sizes = (50, 100) if args.quick else (50, 100, 200, 500)
    repeats = 2 if args.quick else 5
    started = time.time()
    results: dict[str, object] = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "versions": {p: metadata.version(p) for p in ("hypersense", "optuna", "SALib", "numpy")},
    }

    def save() -> None:
        results["elapsed_s"] = time.time() - started
        args.out.write_text(json.dumps(results, indent=1))

    def save_rows(rows: list[dict[str, object]]) -> None:
        results["accuracy"] = rows
        save()

    results["accuracy"] = run_accuracy(sizes, repeats, on_row=save_rows)
    save()
    results["log_lr"] = run_log_lr(200, repeats)
    results["interaction"] = run_interaction(200, repeats)
    save()
    results["timing"] = run_timing(1000, 2 if args.quick else 3)
    save()
    print(markdown(results))


if __name__ == "__main__":
    main()
