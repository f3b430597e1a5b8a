"""hypersense's GPSampler next to Optuna's GPSampler, in one run.

Two measurements, both samplers with their defaults:

* Quality: best-so-far regret after 25 and 50 evaluations, median and
  quartiles over seeds, on Branin (2-D), Hartmann6 (6-D) and the 5-D BBOB
  Rosenbrock and Rastrigin of ``benchmarks.problems`` (shifted optimum,
  instance 1). Other problems with a known optimum can be named with
  ``--problems``.
* Speed: time per ask (``ask`` plus the ``suggest`` calls of a 5-D float
  space; ``tell`` not counted) once the study holds 200 and 1,000 finished
  trials. The history is filled by random search first, then the GP sampler
  takes over, so the timing does not include 1,000 GP proposals. The mean
  covers enough asks to include the periodic hyperparameter refits of both
  samplers; the median and the maximum are reported too.

Optuna's GPSampler needs torch (``pip install torch==2.13.0``).

Run from the repository root::

    python -m benchmarks.samplers.gp_benchmark --seeds 10
    python -m benchmarks.samplers.gp_benchmark --skip-speed --problems branin
    python -m benchmarks.samplers.gp_benchmark --skip-quality --sizes 200
"""

from __future__ import annotations

import argparse
import itertools
import logging
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from benchmarks.problems.base import Problem
from benchmarks.problems.registry import make_problem
from benchmarks.problems.translation import suggest_params

QUICK_PROBLEMS = ("branin", "hartmann6", "bbob-f8-rosenbrock", "bbob-f3-rastrigin")
SAMPLERS = ("hypersense", "optuna")

#: ``run(problem, seed, budget)`` -> objective values in evaluation order.
Runner = Callable[[Problem, int, int], list[float]]


def run_hypersense(problem: Problem, seed: int, budget: int) -> list[float]:
    """Values of ``budget`` evaluations of hypersense's GPSampler on ``problem``."""
    import hypersense as hs
    from hypersense.samplers.gp import GPSampler

    values: list[float] = []

    def objective(trial: hs.Trial) -> float:
        values.append(problem.evaluate(suggest_params(trial, problem.space)))
        return values[-1]

    study = hs.create_study(sampler=GPSampler(seed=seed), heartbeat_interval_s=None)
    study.optimize(objective, n_trials=budget)
    return values


def run_optuna(problem: Problem, seed: int, budget: int) -> list[float]:
    """Values of ``budget`` evaluations of Optuna's GPSampler on ``problem``."""
    import optuna

    values: list[float] = []

    def objective(trial: Any) -> float:
        values.append(problem.evaluate(suggest_params(trial, problem.space)))
        return values[-1]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        study = optuna.create_study(sampler=optuna.samplers.GPSampler(seed=seed))
        study.optimize(objective, n_trials=budget)
    return values


RUNNERS: dict[str, Runner] = {"hypersense": run_hypersense, "optuna": run_optuna}


def regret_at(values: Sequence[float], optimum: float, budget: int) -> float:
    """Regret of the best of the first ``budget`` values."""
    return float(min(values[:budget]) - optimum)


def quality_table(
    problems: Sequence[str], seeds: Sequence[int], budgets: Sequence[int]
) -> tuple[str, dict[str, dict[str, list[list[float]]]]]:
    """Median [q1, q3] regret per problem, budget and sampler; and the raw runs."""
    width = 28
    header = f"{'problem':22s}" + "".join(
        f"{f'{name} @{b}':>{width}s}" for b in budgets for name in SAMPLERS
    )
    lines, raw = [header], {}
    wins = dict.fromkeys(SAMPLERS, 0)
    for problem_name in problems:
        problem = make_problem(problem_name)
        if problem.optimum is None:
            raise ValueError(f"{problem_name!r} has no known optimum, so no regret")
        runs = {s: [RUNNERS[s](problem, seed, max(budgets)) for seed in seeds] for s in SAMPLERS}
        raw[problem_name] = runs
        cells = []
        for b in budgets:
            regrets = {s: [regret_at(v, problem.optimum, b) for v in runs[s]] for s in SAMPLERS}
            medians = {s: statistics.median(r) for s, r in regrets.items()}
            winner = min(SAMPLERS, key=lambda s: medians[s])
            wins[winner] += 1
            for s in SAMPLERS:
                q1, q3 = np.quantile(regrets[s], [0.25, 0.75])
                mark = "*" if medians[s] == medians[winner] else " "
                cells.append(f"{medians[s]:>10.4g}{mark} [{q1:.3g}, {q3:.3g}]")
        lines.append(f"{problem_name:22s}" + "".join(f"{c:>{width}s}" for c in cells))
        print(lines[-1], file=sys.stderr, flush=True)
    lines.append(
        "(* = lower median; wins: "
        + ", ".join(f"{s} {n}" for s, n in wins.items())
        + f"; seeds {list(seeds)})"
    )
    return "\n".join(lines), raw


def _five_floats(trial: Any) -> list[float]:
    return [trial.suggest_float(f"x{i}", -5.0, 5.0) for i in range(5)]


def _rosenbrock(x: Sequence[float]) -> float:
    return float(sum(100 * (b - a * a) ** 2 + (1 - a) ** 2 for a, b in itertools.pairwise(x)))


def time_asks_hypersense(
    n_trials: int, n_timed: int, seed: int, *, sampler: str = "gp"
) -> list[float]:
    """Seconds per ask of a hypersense sampler (registry name) after ``n_trials`` random trials."""
    import hypersense as hs
    from hypersense.samplers import RandomSampler
    from hypersense.samplers.registry import make_sampler
    from hypersense.storage import InMemoryStorage

    storage = InMemoryStorage()
    warm = hs.create_study(
        study_name="timing",
        storage=storage,
        sampler=RandomSampler(seed=seed),
        heartbeat_interval_s=None,
    )
    warm.optimize(lambda t: _rosenbrock(_five_floats(t)), n_trials=n_trials)
    study = hs.load_study(
        study_name="timing",
        storage=storage,
        sampler=make_sampler(sampler, {"seed": seed}),
        heartbeat_interval_s=None,
    )
    times = []
    for _ in range(n_timed):
        start = time.perf_counter()
        trial = study.ask()
        x = _five_floats(trial)
        times.append(time.perf_counter() - start)
        study.tell(trial, _rosenbrock(x))
    return times


def time_asks_optuna(n_trials: int, n_timed: int, seed: int) -> list[float]:
    """Seconds per ask of Optuna's GPSampler after ``n_trials`` random trials."""
    import optuna

    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=seed))
    study.optimize(lambda t: _rosenbrock(_five_floats(t)), n_trials=n_trials)
    study.sampler = optuna.samplers.GPSampler(seed=seed)
    times = []
    for _ in range(n_timed):
        start = time.perf_counter()
        trial = study.ask()
        x = _five_floats(trial)
        times.append(time.perf_counter() - start)
        study.tell(trial, _rosenbrock(x))
    return times


def speed_table(sizes: Sequence[int], timed_asks: Sequence[int]) -> str:
    """Mean, median and max milliseconds per ask at each study size, both samplers."""
    width = 30
    lines = [
        f"{'finished trials':>16s}{'asks':>6s}"
        + "".join(f"{f'{name} mean/med/max ms':>{width}s}" for name in SAMPLERS)
    ]
    timers = {"hypersense": time_asks_hypersense, "optuna": time_asks_optuna}
    for n, k in zip(sizes, timed_asks, strict=True):
        cells = []
        for name in SAMPLERS:
            ms = np.array(timers[name](n, k, seed=0)) * 1e3
            cells.append(f"{ms.mean():.0f} / {np.median(ms):.0f} / {ms.max():.0f}")
        lines.append(f"{n:>16d}{k:>6d}" + "".join(f"{c:>{width}s}" for c in cells))
        print(lines[-1], file=sys.stderr, flush=True)
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=10, help="seeds 0..N-1 (default 10)")
    parser.add_argument("--budgets", type=int, nargs="+", default=[25, 50])
    parser.add_argument("--problems", nargs="+", default=list(QUICK_PROBLEMS))
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000])
    parser.add_argument(
        "--timed-asks",
        type=int,
        nargs="+",
        default=None,
        help="asks timed per size (default: 24 at 200, 64 at 1000: more than one refit interval)",
    )
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args(argv)
    timed = args.timed_asks or [max(24, n // 16) for n in args.sizes]
    if len(timed) != len(args.sizes):
        parser.error("give one --timed-asks per --sizes entry")

    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    logging.getLogger("hypersense").setLevel(logging.WARNING)
    if not args.skip_quality:
        table, _ = quality_table(args.problems, range(args.seeds), args.budgets)
        print("Best-so-far regret, median [q1, q3]")
        print(table)
    if not args.skip_speed:
        print("\nTime per ask after N random trials (ask + 5 suggest_float; tell not counted)")
        print(speed_table(args.sizes, timed))


if __name__ == "__main__":
    main()
