"""Run the core benchmarks and print Markdown tables; JSON goes to benchmarks/results/.

Usage: ``python -m benchmarks.core [--quick]`` from the repository root.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from importlib import metadata
from pathlib import Path

from benchmarks.core import concurrency, scaling, throughput


def _markdown(results: dict[str, object]) -> str:
    lines = [
        "### Sequential throughput (random sampler, trivial objective)",
        "",
        "| storage | hypersense trials/s | Optuna trials/s | ratio |",
        "|---|---|---|---|",
    ]
    rows = results["throughput"]
    assert isinstance(rows, list)
    for backend in ("memory", "sqlite"):
        hs = next(r for r in rows if r["backend"] == backend and r["tool"] == "hypersense")
        op = next(r for r in rows if r["backend"] == backend and r["tool"] == "optuna")
        lines.append(
            f"| {backend} | {hs['trials_per_s']:.0f} | {op['trials_per_s']:.0f} | "
            f"{hs['trials_per_s'] / op['trials_per_s']:.1f}x |"
        )
    lines += [
        "",
        "### Concurrent processes on one study",
        "",
        "| storage | tool | workers x trials | complete | lost | duplicated | failed "
        "workers | trials/s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    conc = results["concurrency"]
    assert isinstance(conc, list)
    for r in conc:
        lines.append(
            f"| {r['backend']} | {r['tool']} | {r['workers']} x {r['trials_each']} | "
            f"{r['complete']} | {r['lost']} | {r['duplicated_numbers']} | "
            f"{r['failed_workers']} | {r['trials_per_s']:.0f} |"
        )
    lines += [
        "",
        "### n_jobs scaling (CPU-bound pure-Python objective, ~0.2 s per trial)",
        "",
        "| tool | 1 job trials/s | 2 jobs trials/s | speed-up |",
        "|---|---|---|---|",
    ]
    scal = results["scaling"]
    assert isinstance(scal, list)
    for r in scal:
        lines.append(
            f"| {r['tool']} | {r['trials_per_s_1']:.2f} | {r['trials_per_s_2']:.2f} | "
            f"{r['speedup']:.2f}x |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller runs, for a smoke test")
    args = parser.parse_args()
    n = 200 if args.quick else 1000
    results: dict[str, object] = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "hypersense": metadata.version("hypersense"),
            "optuna": metadata.version("optuna"),
        },
        "throughput": throughput.run(n_trials=n, repeats=1 if args.quick else 3),
        "concurrency": concurrency.run(n_workers=4, n_trials=50 if args.quick else 250),
        "scaling": scaling.run(n_trials=10 if args.quick else 30),
    }
    out = Path("benchmarks/results") / ("core-quick.json" if args.quick else "core.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(_markdown(results))


if __name__ == "__main__":
    main()
