"""hypersense's CmaEsSampler next to Optuna's CmaEsSampler (and random search), in one run.

Two measurements:

* Quality: best-so-far regret after 25 and 50 evaluations, median (and
  quartiles) over seeds, on Branin, Hartmann6 and the 5-D BBOB Rosenbrock and
  Rastrigin of ``benchmarks.problems``. Every sampler uses its defaults
  (hypersense: margin and IPOP restarts on; Optuna 5: plain CMA-ES, no
  restarts), random search is the floor.
* Speed: time per ask (``ask`` plus the ``suggest`` calls of a 5-D float
  space; ``tell`` is not counted) once the study holds 200 and 1,000 finished
  trials: the mean over the next asks, best of three blocks (load on a
  shared machine only ever adds time).

The table helpers (:func:`quality_table`, :func:`speed_table`) take any
mapping of runners, so ``genetic_benchmark`` reuses them.

Run from the repository root::

    python -m benchmarks.samplers.cmaes_benchmark --seeds 10
    python -m benchmarks.samplers.cmaes_benchmark --skip-speed --problems branin
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from benchmarks.problems.base import Problem
from benchmarks.problems.registry import PROBLEM_GROUPS, make_problem
from benchmarks.problems.translation import suggest_params

#: Problems of the quick benchmark, in report order.
QUICK_PROBLEMS = ("branin", "hartmann6", "bbob-f8-rosenbrock", "bbob-f3-rastrigin")

#: ``make_sampler(seed)`` for a hypersense or an Optuna study.
SamplerFactory = Callable[[int], Any]
#: ``run(problem, seed, budget)`` -> the values of the evaluations in order.
RunFunction = Callable[[Problem, int, int], list[float]]
#: ``time(n_trials, n_timed, seed)`` -> seconds per ask.
TimeFunction = Callable[[int, int, int], float]


def hypersense_runner(make_sampler: SamplerFactory) -> RunFunction:
    """Runs a hypersense study with ``make_sampler(seed)`` on a problem."""

    def run(problem: Problem, seed: int, budget: int) -> list[float]:
        import hypersense as hs

        values: list[float] = []

        def objective(trial: hs.Trial) -> float:
            values.append(problem.evaluate(suggest_params(trial, problem.space)))
            return values[-1]

        study = hs.create_study(sampler=make_sampler(seed), heartbeat_interval_s=None)
        study.optimize(objective, n_trials=budget)
        return values

    return run


def optuna_runner(make_sampler: SamplerFactory) -> RunFunction:
    """Runs an Optuna study with ``make_sampler(seed)`` on a problem."""

    def run(problem: Problem, seed: int, budget: int) -> list[float]:
        import optuna

        values: list[float] = []

        def objective(trial: Any) -> float:
            values.append(problem.evaluate(suggest_params(trial, problem.space)))
            return values[-1]

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            study = optuna.create_study(sampler=make_sampler(seed))
            study.optimize(objective, n_trials=budget)
        return values

    return run


def best_so_far_regret(values: Sequence[float], optimum: float, budget: int) -> float:
    """Regret of the best of the first ``budget`` values."""
    return float(min(values[:budget]) - optimum)


def quality_table(
    runners: Mapping[str, RunFunction],
    problems: Sequence[str],
    seeds: Sequence[int],
    budgets: Sequence[int],
) -> str:
    """Median [quartiles] of best-so-far regret: one block per budget, one row per
    problem, one column per sampler (every run is shared by all budgets)."""
    names = list(runners)
    regrets: dict[tuple[str, str, int], list[float]] = {}
    for problem_name in problems:
        problem = make_problem(problem_name)
        assert problem.optimum is not None
        for name in names:
            runs = [runners[name](problem, seed, max(budgets)) for seed in seeds]
            for b in budgets:
                regrets[problem_name, name, b] = [
                    best_so_far_regret(v, problem.optimum, b) for v in runs
                ]
        print(f"... {problem_name} done", file=sys.stderr, flush=True)
    width = 28
    lines = []
    wins = dict.fromkeys(names, 0)
    for b in budgets:
        lines.append(f"{f'@{b} evaluations':22s}" + "".join(f"{s:>{width}s}" for s in names))
        for problem_name in problems:
            medians = {s: statistics.median(regrets[problem_name, s, b]) for s in names}
            cells = []
            for s in names:
                q1, q3 = np.quantile(regrets[problem_name, s, b], [0.25, 0.75])
                mark = "*" if medians[s] == min(medians.values()) else " "
                cells.append(f"{medians[s]:>10.4g}{mark} [{q1:.3g}, {q3:.3g}]")
            wins[min(names, key=lambda s: medians[s])] += 1
            lines.append(f"{problem_name:22s}" + "".join(f"{c:>{width}s}" for c in cells))
    lines.append(
        "(* = lowest median; median wins: "
        + ", ".join(f"{s} {n}" for s, n in wins.items())
        + f"; seeds {list(seeds)})"
    )
    return "\n".join(lines)


def _five_floats(trial: Any) -> list[float]:
    return [trial.suggest_float(f"x{i}", -5.0, 5.0) for i in range(5)]


def _sphere(x: Sequence[float]) -> float:
    return float(sum((v - 1.0) ** 2 for v in x))


#: Timed blocks per measurement; the fastest block is reported, because on a
#: shared machine load only ever adds time.
TIMING_REPEATS = 3


def _time_asks(study: Any, n_trials: int, n_timed: int) -> float:
    """Seconds per ask once ``study`` holds ``n_trials`` finished trials: the mean
    over ``n_timed`` asks, best of :data:`TIMING_REPEATS` consecutive blocks."""

    def one(timed: bool) -> float:
        t0 = time.perf_counter()
        trial = study.ask()
        x = _five_floats(trial)
        elapsed = time.perf_counter() - t0
        study.tell(trial, _sphere(x))
        return elapsed if timed else 0.0

    for _ in range(n_trials):
        one(False)
    blocks = [sum(one(True) for _ in range(n_timed)) / n_timed for _ in range(TIMING_REPEATS)]
    return min(blocks)


def hypersense_timer(make_sampler: SamplerFactory) -> TimeFunction:
    """Seconds per ask of a hypersense study after ``n_trials`` finished trials."""

    def timed(n_trials: int, n_timed: int, seed: int) -> float:
        import hypersense as hs

        study = hs.create_study(sampler=make_sampler(seed), heartbeat_interval_s=None)
        return _time_asks(study, n_trials, n_timed)

    return timed


def optuna_timer(make_sampler: SamplerFactory) -> TimeFunction:
    """Seconds per ask of an Optuna study after ``n_trials`` finished trials."""

    def timed(n_trials: int, n_timed: int, seed: int) -> float:
        import optuna

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            study = optuna.create_study(sampler=make_sampler(seed))
            return _time_asks(study, n_trials, n_timed)

    return timed


def speed_table(timers: Mapping[str, TimeFunction], sizes: Sequence[int], n_timed: int) -> str:
    """Milliseconds per ask (5-D float space) at each study size, every sampler."""
    lines = [f"{'finished trials':>16s}" + "".join(f"{f'{s} ms/ask':>24s}" for s in timers)]
    for n in sizes:
        cells = [f"{timer(n, n_timed, 0) * 1e3:>24.2f}" for timer in timers.values()]
        lines.append(f"{n:>16d}" + "".join(cells))
        print(lines[-1], file=sys.stderr, flush=True)
    return "\n".join(lines)


def _hypersense_cmaes(seed: int) -> Any:
    from hypersense.samplers.cma_es import CmaEsSampler

    return CmaEsSampler(seed=seed)


def _hypersense_random(seed: int) -> Any:
    from hypersense.samplers.random import RandomSampler

    return RandomSampler(seed=seed)


def _optuna_cmaes(seed: int) -> Any:
    import optuna

    return optuna.samplers.CmaEsSampler(seed=seed)


def check_problems(parser: argparse.ArgumentParser, problems: Sequence[str]) -> None:
    """Refuse problems without a known optimum (regret needs one)."""
    for name in problems:
        if PROBLEM_GROUPS.get(name) != "synthetic":
            parser.error(f"{name!r} is not a synthetic problem with a known optimum")


def quiet_loggers() -> None:
    """Silence Optuna's per-trial logging and hypersense's info logs."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    logging.getLogger("hypersense").setLevel(logging.WARNING)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=10, help="seeds 0..N-1 (default 10)")
    parser.add_argument("--budgets", type=int, nargs="+", default=[25, 50])
    parser.add_argument("--problems", nargs="+", default=list(QUICK_PROBLEMS))
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000])
    parser.add_argument("--timed-asks", type=int, default=20)
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args(argv)
    check_problems(parser, args.problems)
    quiet_loggers()
    if not args.skip_quality:
        runners = {
            "hypersense": hypersense_runner(_hypersense_cmaes),
            "optuna": optuna_runner(_optuna_cmaes),
            "random": hypersense_runner(_hypersense_random),
        }
        print("Best-so-far regret, median [q1, q3]")
        print(quality_table(runners, args.problems, range(args.seeds), args.budgets))
    if not args.skip_speed:
        timers = {
            "hypersense": hypersense_timer(_hypersense_cmaes),
            "optuna": optuna_timer(_optuna_cmaes),
        }
        print("\nTime per ask (ask + 5 suggest_float; tell not counted)")
        print(speed_table(timers, args.sizes, args.timed_asks))


if __name__ == "__main__":
    main()
