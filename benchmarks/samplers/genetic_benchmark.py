"""hypersense's GeneticSampler and NSGAIISampler next to Optuna's NSGAIISampler, in one run.

Three measurements:

* Quality, one objective: best-so-far regret after 25 and 50 evaluations,
  median (and quartiles) over seeds, on Branin, Hartmann6 and the 5-D BBOB
  Rosenbrock and Rastrigin. hypersense's GeneticSampler and NSGAIISampler and
  Optuna's NSGAIISampler run with their defaults; Optuna's also with
  ``population_size=8`` (its default of 50 is random search at these
  budgets); random search is the floor.
* Quality, two objectives: hypervolume (reference point (1.1, 11)) of ZDT1 in
  5-D after 100 and 200 evaluations, median over seeds, NSGA-II against
  NSGA-II at equal population sizes (12 and the default 50).
* Speed: time per ask (``ask`` plus the ``suggest`` calls of a 5-D float
  space; ``tell`` is not counted) once the study holds 200 and 1,000 finished
  trials: the mean over the next asks, best of three blocks.

Run from the repository root::

    python -m benchmarks.samplers.genetic_benchmark --seeds 10
    python -m benchmarks.samplers.genetic_benchmark --skip-speed --skip-pareto
"""

from __future__ import annotations

import argparse
import statistics
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from benchmarks.samplers.cmaes_benchmark import (
    QUICK_PROBLEMS,
    check_problems,
    hypersense_runner,
    hypersense_timer,
    optuna_runner,
    optuna_timer,
    quality_table,
    quiet_loggers,
    speed_table,
)

#: ``make_sampler(seed)`` for a hypersense or an Optuna study.
SamplerFactory = Callable[[int], Any]


def _hs_genetic(seed: int) -> Any:
    from hypersense.samplers.genetic import GeneticSampler

    return GeneticSampler(seed=seed)


def _hs_nsga2(seed: int, population_size: int = 50) -> Any:
    from hypersense.samplers.nsga2 import NSGAIISampler

    return NSGAIISampler(population_size=population_size, seed=seed)


def _hs_random(seed: int) -> Any:
    from hypersense.samplers.random import RandomSampler

    return RandomSampler(seed=seed)


def _optuna_nsga2(seed: int, population_size: int = 50) -> Any:
    import optuna

    return optuna.samplers.NSGAIISampler(population_size=population_size, seed=seed)


# ------------------------------------------------------------ two objectives


def zdt1(x: Sequence[float]) -> tuple[float, float]:
    """ZDT1: the Pareto front is f2 = 1 - sqrt(f1), reached with x[1:] = 0."""
    rest = np.asarray(x[1:], dtype=float)
    g = 1.0 + 9.0 * float(rest.mean())
    return float(x[0]), g * (1.0 - float(np.sqrt(x[0] / g)))


def _zdt1_values_hypersense(make: SamplerFactory, seed: int, budget: int) -> list[Any]:
    import hypersense as hs

    def objective(trial: hs.Trial) -> tuple[float, float]:
        return zdt1([trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(5)])

    study = hs.create_study(
        directions=["minimize", "minimize"], sampler=make(seed), heartbeat_interval_s=None
    )
    study.optimize(objective, n_trials=budget)
    return [t.values for t in study.trials]


def _zdt1_values_optuna(make: SamplerFactory, seed: int, budget: int) -> list[Any]:
    import optuna

    def objective(trial: Any) -> tuple[float, float]:
        return zdt1([trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(5)])

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study = optuna.create_study(directions=["minimize", "minimize"], sampler=make(seed))
        study.optimize(objective, n_trials=budget)
    return [t.values for t in study.trials]


def pareto_table(seeds: Sequence[int], budgets: Sequence[int]) -> str:
    """Median [quartiles] hypervolume on ZDT1 (5-D) per sampler and budget."""
    from hypersense.pareto import hypervolume

    ref = np.array([1.1, 11.0])
    runs: dict[str, Callable[[int, int], list[Any]]] = {
        "hypersense nsga2 pop12": lambda s, b: _zdt1_values_hypersense(
            lambda seed: _hs_nsga2(seed, 12), s, b
        ),
        "optuna nsga2 pop12": lambda s, b: _zdt1_values_optuna(
            lambda seed: _optuna_nsga2(seed, 12), s, b
        ),
        "hypersense nsga2 pop50": lambda s, b: _zdt1_values_hypersense(_hs_nsga2, s, b),
        "optuna nsga2 pop50": lambda s, b: _zdt1_values_optuna(_optuna_nsga2, s, b),
        "hypersense genetic": lambda s, b: _zdt1_values_hypersense(_hs_genetic, s, b),
        "random": lambda s, b: _zdt1_values_hypersense(_hs_random, s, b),
    }
    lines = [f"{'sampler':24s}" + "".join(f"{f'@{b}':>26s}" for b in budgets)]
    for name, run in runs.items():
        values = [run(seed, max(budgets)) for seed in seeds]
        cells = []
        for b in budgets:
            volumes = [hypervolume(np.array(v[:b]), ref) for v in values]
            q1, q3 = np.quantile(volumes, [0.25, 0.75])
            cells.append(f"{statistics.median(volumes):>10.4f} [{q1:.3f}, {q3:.3f}]")
        lines.append(f"{name:24s}" + "".join(f"{c:>26s}" for c in cells))
        print(lines[-1], file=sys.stderr, flush=True)
    lines.append(
        "(hypervolume, larger is better; the Pareto front's own is 32/3 + 1.1 = 11.77; "
        f"seeds {list(seeds)})"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=10, help="seeds 0..N-1 (default 10)")
    parser.add_argument("--budgets", type=int, nargs="+", default=[25, 50])
    parser.add_argument("--pareto-budgets", type=int, nargs="+", default=[100, 200])
    parser.add_argument("--problems", nargs="+", default=list(QUICK_PROBLEMS))
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000])
    parser.add_argument("--timed-asks", type=int, default=20)
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--skip-pareto", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args(argv)
    check_problems(parser, args.problems)
    quiet_loggers()
    seeds = range(args.seeds)
    if not args.skip_quality:
        runners = {
            "hs genetic": hypersense_runner(_hs_genetic),
            "hs nsga2": hypersense_runner(_hs_nsga2),
            "optuna nsga2": optuna_runner(_optuna_nsga2),
            "optuna nsga2 pop8": optuna_runner(lambda s: _optuna_nsga2(s, 8)),
            "random": hypersense_runner(_hs_random),
        }
        print("Best-so-far regret, median [q1, q3]")
        print(quality_table(runners, args.problems, seeds, args.budgets))
    if not args.skip_pareto:
        print("\nZDT1 (5-D, two objectives): hypervolume, median [q1, q3]")
        print(pareto_table(seeds, args.pareto_budgets))
    if not args.skip_speed:
        timers = {
            "hs genetic": hypersense_timer(_hs_genetic),
            "hs nsga2": hypersense_timer(_hs_nsga2),
            "optuna nsga2": optuna_timer(_optuna_nsga2),
        }
        print("\nTime per ask (ask + 5 suggest_float; tell not counted)")
        print(speed_table(timers, args.sizes, args.timed_asks))


if __name__ == "__main__":
    main()
