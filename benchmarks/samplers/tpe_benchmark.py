"""hypersense's TPESampler next to Optuna's TPESampler(multivariate=True), in one run.

Two measurements:

* Quality: best-so-far regret after 25 and 50 evaluations, median (and
  quartiles) over seeds, on the synthetic problems of ``benchmarks.problems``
  (Branin, Hartmann6 and the 5-D BBOB functions: Rastrigin, Rosenbrock, bent
  cigar, Schaffers F7, Gallagher 101). Both samplers use their defaults
  (Optuna: ``multivariate=True``, as the issue fixes).
* Speed: time per ask (``ask`` plus the ``suggest`` calls of a 5-D float
  space; ``tell`` is not counted) once the study holds 200 and 1,000 finished
  trials, averaged over the next asks.

Run from the repository root::

    python -m benchmarks.samplers.tpe_benchmark --seeds 10
    python -m benchmarks.samplers.tpe_benchmark --skip-speed --problems branin hartmann6
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from benchmarks.problems.base import Problem
from benchmarks.problems.registry import PROBLEM_GROUPS, make_problem
from benchmarks.problems.translation import suggest_params

#: Problems of the quick benchmark, in report order.
QUICK_PROBLEMS = (
    "branin",
    "hartmann6",
    "bbob-f8-rosenbrock",
    "bbob-f3-rastrigin",
    "bbob-f12-bent-cigar",
    "bbob-f17-schaffers-f7",
    "bbob-f21-gallagher101",
)
SAMPLERS = ("hypersense", "optuna")

#: ``run(problem, seed, budget)`` -> the values of the evaluations in order.
RunFunction = Callable[[Problem, int, int], list[float]]


def _run_hypersense(problem: Problem, seed: int, budget: int) -> list[float]:
    import hypersense as hs
    from hypersense.samplers.tpe import TPESampler

    values: list[float] = []

    def objective(trial: hs.Trial) -> float:
        values.append(problem.evaluate(suggest_params(trial, problem.space)))
        return values[-1]

    study = hs.create_study(sampler=TPESampler(seed=seed), heartbeat_interval_s=None)
    study.optimize(objective, n_trials=budget)
    return values


def _run_optuna(problem: Problem, seed: int, budget: int) -> list[float]:
    import optuna

    values: list[float] = []

    def objective(trial: Any) -> float:
        values.append(problem.evaluate(suggest_params(trial, problem.space)))
        return values[-1]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        study = optuna.create_study(
            sampler=optuna.samplers.TPESampler(multivariate=True, seed=seed)
        )
        study.optimize(objective, n_trials=budget)
    return values


RUNNERS: dict[str, RunFunction] = {"hypersense": _run_hypersense, "optuna": _run_optuna}


def best_so_far_regret(values: Sequence[float], optimum: float, budget: int) -> float:
    """Regret of the best of the first ``budget`` values."""
    return float(min(values[:budget]) - optimum)


def quality_table(problems: Sequence[str], seeds: Sequence[int], budgets: Sequence[int]) -> str:
    """Median [quartiles] of best-so-far regret per problem, sampler and budget."""
    header = f"{'problem':24s}" + "".join(f"{f'{s} @{b}':>30s}" for b in budgets for s in SAMPLERS)
    lines = [header]
    wins = dict.fromkeys(SAMPLERS, 0)
    for name in problems:
        problem = make_problem(name)
        assert problem.optimum is not None
        regrets: dict[tuple[str, int], list[float]] = {}
        for sampler in SAMPLERS:
            runs = [RUNNERS[sampler](problem, seed, max(budgets)) for seed in seeds]
            for b in budgets:
                regrets[sampler, b] = [best_so_far_regret(v, problem.optimum, b) for v in runs]
        cells = []
        for b in budgets:
            medians = {s: statistics.median(regrets[s, b]) for s in SAMPLERS}
            for s in SAMPLERS:
                q1, _, q3 = np.quantile(regrets[s, b], [0.25, 0.5, 0.75])
                mark = "*" if medians[s] == min(medians.values()) else " "
                cells.append(f"{medians[s]:>11.4g}{mark} [{q1:.3g}, {q3:.3g}]")
            wins[min(SAMPLERS, key=lambda s: medians[s])] += 1
        lines.append(f"{name:24s}" + "".join(f"{c:>30s}" for c in cells))
        print(lines[-1], file=sys.stderr, flush=True)
    lines.append(
        "(* = lower median; median wins: "
        + ", ".join(f"{s} {n}" for s, n in wins.items())
        + f"; seeds {list(seeds)})"
    )
    return "\n".join(lines)


def _five_floats(trial: Any) -> list[float]:
    return [trial.suggest_float(f"x{i}", -5.0, 5.0) for i in range(5)]


def _sphere(x: Sequence[float]) -> float:
    return float(sum(v * v for v in x))


def _time_asks_hypersense(n_trials: int, n_timed: int, seed: int) -> float:
    import hypersense as hs
    from hypersense.samplers.tpe import TPESampler

    study = hs.create_study(sampler=TPESampler(seed=seed), heartbeat_interval_s=None)
    elapsed = 0.0
    for i in range(n_trials + n_timed):
        t0 = time.perf_counter()
        trial = study.ask()
        x = _five_floats(trial)
        if i >= n_trials:
            elapsed += time.perf_counter() - t0
        study.tell(trial, _sphere(x))
    return elapsed / n_timed


def _time_asks_optuna(n_trials: int, n_timed: int, seed: int) -> float:
    import optuna

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        study = optuna.create_study(
            sampler=optuna.samplers.TPESampler(multivariate=True, seed=seed)
        )
        elapsed = 0.0
        for i in range(n_trials + n_timed):
            t0 = time.perf_counter()
            trial = study.ask()
            x = _five_floats(trial)
            if i >= n_trials:
                elapsed += time.perf_counter() - t0
            study.tell(trial, _sphere(x))
    return elapsed / n_timed


def speed_table(sizes: Sequence[int], n_timed: int) -> str:
    """Milliseconds per ask (5-D float space) at each study size, both samplers."""
    lines = [f"{'finished trials':>16s}{'hypersense ms/ask':>20s}{'optuna ms/ask':>16s}"]
    for n in sizes:
        ours = _time_asks_hypersense(n, n_timed, seed=0) * 1e3
        theirs = _time_asks_optuna(n, n_timed, seed=0) * 1e3
        lines.append(f"{n:>16d}{ours:>20.2f}{theirs:>16.2f}")
        print(lines[-1], file=sys.stderr, flush=True)
    return "\n".join(lines)


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
    for name in args.problems:
        if PROBLEM_GROUPS.get(name) != "synthetic":
            parser.error(f"{name!r} is not a synthetic problem with a known optimum")

    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    logging.getLogger("hypersense").setLevel(logging.WARNING)
    if not args.skip_quality:
        print("Best-so-far regret, median [q1, q3]")
        print(quality_table(args.problems, range(args.seeds), args.budgets))
    if not args.skip_speed:
        print("\nTime per ask (ask + 5 suggest_float; tell not counted)")
        print(speed_table(args.sizes, args.timed_asks))


if __name__ == "__main__":
    main()
