"""Time per ``decide`` call; prints a Markdown table.

Usage: ``python -m benchmarks.pruners [--decisions N] [--seed S]``.

Each decision is timed alone with ``time.perf_counter`` on a fresh curve, so
the table shows the cost a trial pays at each ``should_prune`` (the history is
built in memory beforehand: the storage read is not counted).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from collections.abc import Callable

import numpy as np

import hypersense as hs
from hypersense.history import StudyHistory
from hypersense.pruners import (
    CurveExtrapolationPruner,
    HyperbandPruner,
    Pruner,
    SuccessiveHalvingPruner,
    WilcoxonPruner,
)

MIN = (hs.StudyDirection.MINIMIZE,)


def _curve(rng: np.random.Generator, n_steps: int) -> list[float]:
    x = np.arange(1, n_steps + 1, dtype=float)
    floor, height, rate = rng.uniform(0, 1), rng.uniform(0.5, 3), rng.uniform(0.3, 1.2)
    return list(floor + height * x**-rate + rng.normal(0, 0.02, n_steps))


def _history(rng: np.random.Generator, n_trials: int, n_steps: int) -> StudyHistory:
    trials = []
    for i in range(n_trials):
        curve = _curve(rng, n_steps)
        trials.append(
            hs.FrozenTrial(
                number=i,
                state=hs.TrialState.COMPLETE,
                values=(curve[-1],),
                intermediate_values=dict(enumerate(curve)),
                system_attrs={"tags": {"bracket": "0", "rungs": "1,3,9,27,81"}},
            )
        )
    return StudyHistory.from_trials(MIN, trials)


def time_decisions(
    pruner: Pruner, history: StudyHistory, running: Callable[[int], hs.FrozenTrial], n: int
) -> list[float]:
    """Seconds per decision of ``n`` decisions on fresh trials."""
    pruner.decide(history, running(-1))  # warm caches (imports, history load)
    out = []
    for i in range(n):
        trial = running(i)
        start = time.perf_counter()
        pruner.decide(history, trial)
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--decisions", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    cases: list[tuple[str, Pruner, int, int, int]] = [
        # name, pruner, trials in the history, steps of full runs, steps seen
        ("CurveExtrapolationPruner", CurveExtrapolationPruner(max_resource=200), 50, 200, 50),
        ("CurveExtrapolationPruner", CurveExtrapolationPruner(max_resource=200), 50, 200, 150),
        (
            "SuccessiveHalvingPruner",
            SuccessiveHalvingPruner(min_resource=1, max_resource=243, reduction_factor=3),
            1000,
            243,
            81,
        ),
        ("HyperbandPruner", HyperbandPruner(max_resource=243), 1000, 243, 81),
        ("WilcoxonPruner", WilcoxonPruner(), 1000, 20, 10),
    ]
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print("| pruner | trials in history | curve seen | median ms | 90th percentile ms |")
    print("|---|---|---|---|---|")
    for name, pruner, n_trials, n_steps, seen in cases:
        history = _history(rng, n_trials, n_steps)

        def running(
            number: int, seen: int = seen, n: int = n_steps, first: int = n_trials
        ) -> hs.FrozenTrial:
            curve = _curve(rng, n)[:seen]
            return hs.FrozenTrial(
                number=first + number + 1,
                state=hs.TrialState.RUNNING,
                intermediate_values=dict(enumerate(curve)),
                system_attrs={"tags": {"bracket": "0", "rungs": "1,3,9,27,81"}},
            )

        times_ms = [1000 * t for t in time_decisions(pruner, history, running, args.decisions)]
        median, p90 = statistics.median(times_ms), statistics.quantiles(times_ms, n=10)[-1]
        print(f"| {name} | {n_trials} | {seen} steps | {median:.2f} | {p90:.2f} |")


if __name__ == "__main__":
    main()
