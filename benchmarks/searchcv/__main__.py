"""Run the HyperSearchCV benchmark and print a Markdown table; JSON next to this file.

Usage from the repository root: ``python -m benchmarks.searchcv [--quick]``.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
from importlib import metadata
from pathlib import Path

from benchmarks.searchcv.methods import METHODS, RunResult, run_method
from benchmarks.searchcv.problems import N_FOLDS, PROBLEMS

_RESULTS = Path(__file__).with_name("results")


def _mean_sd(values: list[float], digits: int) -> str:
    if len(values) == 1:
        return f"{values[0]:.{digits}f}"
    return f"{statistics.mean(values):.{digits}f} ± {statistics.stdev(values):.{digits}f}"


def markdown(results: list[RunResult], n_candidates: int, seeds: list[int]) -> str:
    """One table per problem: mean ± sd over seeds of each method's numbers."""
    lines = []
    for problem in PROBLEMS:
        lines += [
            f"### {problem.name} ({n_candidates} candidates x {N_FOLDS} folds; "
            f"seeds {seeds[0]}-{seeds[-1]} for random methods)",
            "",
            "| method | best CV accuracy | test accuracy | wall time (s) | fits |",
            "|---|---|---|---|---|",
        ]
        for method in METHODS:
            rows = [r for r in results if r.problem == problem.name and r.method == method]
            lines.append(
                f"| {method} | {_mean_sd([r.best_cv_score for r in rows], 4)} | "
                f"{_mean_sd([r.test_score for r in rows], 4)} | "
                f"{_mean_sd([r.wall_s for r in rows], 2)} | "
                f"{_mean_sd([float(r.n_fits) for r in rows], 0)} |"
            )
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="9 candidates, 2 seeds")
    args = parser.parse_args()
    n_candidates, seeds = (9, [0, 1]) if args.quick else (25, [0, 1, 2, 3, 4])
    results: list[RunResult] = []
    for problem in PROBLEMS:
        split = problem.split()
        for method, (_, is_random) in METHODS.items():
            for seed in seeds if is_random else seeds[:1]:
                results.append(run_method(method, problem, split, n_candidates, seed))
    table = markdown(results, n_candidates, seeds)
    print(table)
    _RESULTS.mkdir(exist_ok=True)
    name = "quick" if args.quick else "full"
    payload = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "versions": {p: metadata.version(p) for p in ("hypersense", "scikit-learn", "numpy")},
        "n_candidates": n_candidates,
        "seeds": seeds,
        "results": [r.to_json() for r in results],
    }
    (_RESULTS / f"searchcv-{name}.json").write_text(json.dumps(payload, indent=2) + "\n")
    (_RESULTS / f"searchcv-{name}.md").write_text(table + "\n")


if __name__ == "__main__":
    main()
