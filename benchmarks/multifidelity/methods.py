"""The methods compared, each run on a :class:`Problem` for a number of configurations.

Every method sees the same objective: suggest the problem's parameters, train
epoch by epoch reporting the validation error (step = epoch from 0, as both
libraries' examples do) and stop when its pruner says so. A run records, per
trial in order, the epochs it trained, whether it finished, and its error at
full budget when known.

A run's size is a :class:`RunSize`: at least ``n_configs`` trials, and more
until the run has spent ``epoch_budget`` epochs (0: exactly ``n_configs``).
Every method is sequential and deterministic per seed (Optuna's Hyperband
apart, whose brackets hash a random study name), so the first ``n_configs``
trials of a budget-matched run are the run of ``n_configs`` trials: one run
gives both the fixed-configurations and the equal-epochs comparison.

Rungs and brackets use ``min_resource=1``,
``max_resource=problem.n_epochs`` and ``reduction_factor=ETA`` in both libraries;
hypersense's pruners keep their default ``noise_tolerance`` (ties within the
noise go on), and the "plain rule" rows turn it off, as Optuna's rule is.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

import hypersense as hs
from benchmarks.multifidelity.problems import EpochCallback, Problem
from benchmarks.multifidelity.records import RunRecord, TrialRecord
from hypersense.pruners import (
    CurveExtrapolationPruner,
    HyperbandPruner,
    MedianPruner,
    NopPruner,
    Pruner,
    SuccessiveHalvingPruner,
)
from hypersense.samplers import RandomSampler, Sampler, TPESampler
from hypersense.space.base import Distribution
from hypersense.space.categorical import CategoricalDistribution
from hypersense.space.numeric import FloatDistribution, IntDistribution

__all__ = [
    "BASELINE",
    "ETA",
    "METHODS",
    "N_EPOCHS",
    "OPTUNA_HYPERBAND",
    "TOP_K",
    "RunSize",
    "top_k_baseline",
]

N_EPOCHS = 27  # of the synthetic curves
ETA = 3
BASELINE = "no pruning (TPE)"
TOP_K = "one epoch, top-K"
OPTUNA_HYPERBAND = "Optuna HyperbandPruner (TPE)"


@dataclass(frozen=True)
class RunSize:
    """How long a run goes on: ``n_configs`` trials, then more until it has
    spent ``epoch_budget`` epochs in all (the trial that crosses it finishes)."""

    n_configs: int
    epoch_budget: int = 0


#: ``run(problem, seed, size)`` -> the method's record of that seed.
Runner = Callable[[Problem, int, RunSize], RunRecord]


class _Tally:
    """The trials of a run as they finish, the epochs spent, and the wall and
    CPU time at the end of its first ``n_configs`` trials."""

    def __init__(self, size: RunSize) -> None:
        self.size = size
        self.trials: list[TrialRecord] = []
        self.epochs = 0
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        self.first_wall_s = self.first_cpu_s = 0.0

    def add(self, trial: TrialRecord) -> None:
        self.trials.append(trial)
        self.epochs += trial.epochs
        if len(self.trials) == self.size.n_configs:
            self.first_wall_s = time.perf_counter() - self._wall
            self.first_cpu_s = time.process_time() - self._cpu

    @property
    def done(self) -> bool:
        return len(self.trials) >= self.size.n_configs and self.epochs >= self.size.epoch_budget

    def stop_when_done(self, study: Any, _trial: Any) -> None:
        """A study callback (either library's): no new trial once the run is done."""
        if self.done:
            study.stop()

    def record(self, seed: int) -> RunRecord:
        return RunRecord(
            "",
            seed,
            tuple(self.trials),
            time.perf_counter() - self._wall,
            time.process_time() - self._cpu,
            n_first=self.size.n_configs,
            first_wall_s=self.first_wall_s,
            first_cpu_s=self.first_cpu_s,
        )


class _ReportingTrial(Protocol):
    """What both libraries' trials offer a training loop."""

    def report(self, value: float, step: int) -> None: ...

    def should_prune(self) -> bool: ...


def _reporter(trial: _ReportingTrial) -> EpochCallback:
    """The epoch callback of a trial: report the epoch's error at step ``epoch``,
    then stop if the trial's pruner says so."""

    def on_epoch(epoch: int, error: float) -> bool:
        trial.report(error, epoch)
        return trial.should_prune()

    return on_epoch


def _run_hypersense(
    problem: Problem, seed: int, size: RunSize, sampler: Sampler, pruner: Pruner
) -> RunRecord:
    tally = _Tally(size)
    space = problem.space()

    def objective(trial: hs.Trial) -> float:
        params = {name: trial.suggest(name, dist) for name, dist in space.items()}
        record = problem.train(params, seed, _reporter(trial))
        tally.add(record)
        if not record.finished or record.observed_final is None:
            raise hs.TrialPruned
        return record.observed_final

    study = hs.create_study(sampler=sampler, pruner=pruner, heartbeat_interval_s=None)
    study.optimize(objective, callbacks=[tally.stop_when_done])
    return tally.record(seed)


def _suggest_optuna(trial: Any, name: str, dist: Distribution) -> Any:
    """The same distribution, suggested through an Optuna trial."""
    if isinstance(dist, FloatDistribution):
        return trial.suggest_float(name, dist.low, dist.high, log=dist.log, step=dist.step)
    if isinstance(dist, IntDistribution):
        return trial.suggest_int(name, dist.low, dist.high, log=dist.log, step=dist.step)
    if isinstance(dist, CategoricalDistribution):
        return trial.suggest_categorical(name, list(dist.choices))
    raise TypeError(f"no Optuna equivalent of {dist!r}")


def _run_optuna(problem: Problem, seed: int, size: RunSize, pruner_name: str) -> RunRecord:
    import optuna

    optuna.logging.set_verbosity(logging.WARNING)
    pruner: optuna.pruners.BasePruner
    if pruner_name == "median":
        pruner = optuna.pruners.MedianPruner()
    else:
        pruner = optuna.pruners.HyperbandPruner(
            min_resource=1, max_resource=problem.n_epochs, reduction_factor=ETA
        )
    tally = _Tally(size)
    space = problem.space()

    def objective(trial: optuna.Trial) -> float:
        params = {name: _suggest_optuna(trial, name, dist) for name, dist in space.items()}
        record = problem.train(params, seed, _reporter(trial))
        tally.add(record)
        if not record.finished or record.observed_final is None:
            raise optuna.TrialPruned
        return record.observed_final

    sampler = optuna.samplers.TPESampler(seed=seed)
    study = optuna.create_study(sampler=sampler, pruner=pruner)
    study.optimize(objective, callbacks=[tally.stop_when_done])
    return tally.record(seed)


def top_k_baseline(problem: Problem, seed: int, size: RunSize) -> RunRecord:
    """Train every configuration (drawn at random) one epoch, keep the best
    ``max(1, n // eta**2)``, train those to the end (arXiv 2307.15422); with an
    epoch budget, repeat such rounds of ``n`` fresh configurations until it is spent.

    A kept configuration is counted ``n_epochs`` epochs, as if its training went
    on from the first epoch; it is trained again from the start (the same seed
    gives the same first epoch), so the wall time includes that epoch twice.
    """
    tally = _Tally(size)
    rng = np.random.default_rng(seed)
    space = problem.space()
    n_configs = size.n_configs
    first: list[float] = []

    def after_one_epoch(_epoch: int, error: float) -> bool:
        first.append(error)
        return True

    while not tally.done:
        configs = [
            {name: dist.from_unit(rng.uniform()) for name, dist in space.items()}
            for _ in range(n_configs)
        ]
        first.clear()
        for params in configs:
            problem.train(params, seed, after_one_epoch)
        k = max(1, n_configs // ETA**2)
        kept = np.argsort(np.nan_to_num(first, nan=math.inf), kind="stable")[:k].tolist()
        # In the order a user would run them: the one-epoch pass first, then the kept ones.
        for i in range(n_configs):
            if i not in kept:
                tally.add(TrialRecord(1, False, None, None))
        for i in kept:
            tally.add(problem.train(configs[i], seed, lambda _e, _v: False))
    return tally.record(seed)


def _hb(problem: Problem) -> HyperbandPruner:
    return HyperbandPruner(min_resource=1, max_resource=problem.n_epochs, reduction_factor=ETA)


def _hb_plain(problem: Problem) -> HyperbandPruner:
    """Hyperband with the plain promotion rule (no ties within the noise)."""
    return HyperbandPruner(
        min_resource=1, max_resource=problem.n_epochs, reduction_factor=ETA, noise_tolerance=0.0
    )


def _asha(problem: Problem, noise_tolerance: float = 1.0) -> SuccessiveHalvingPruner:
    return SuccessiveHalvingPruner(
        min_resource=1,
        max_resource=problem.n_epochs,
        reduction_factor=ETA,
        noise_tolerance=noise_tolerance,
    )


#: Method name to its runner.
METHODS: dict[str, Runner] = {
    BASELINE: lambda p, s, n: _run_hypersense(p, s, n, TPESampler(seed=s), NopPruner()),
    "median (TPE)": lambda p, s, n: _run_hypersense(p, s, n, TPESampler(seed=s), MedianPruner()),
    "ASHA (TPE)": lambda p, s, n: _run_hypersense(p, s, n, TPESampler(seed=s), _asha(p)),
    "ASHA, plain rule (TPE)": lambda p, s, n: _run_hypersense(
        p, s, n, TPESampler(seed=s), _asha(p, 0.0)
    ),
    "Hyperband (random)": lambda p, s, n: _run_hypersense(p, s, n, RandomSampler(seed=s), _hb(p)),
    "model-based Hyperband (TPE)": lambda p, s, n: _run_hypersense(
        p, s, n, TPESampler(seed=s), _hb(p)
    ),
    "model-based Hyperband, plain rule (TPE)": lambda p, s, n: _run_hypersense(
        p, s, n, TPESampler(seed=s), _hb_plain(p)
    ),
    "curve extrapolation (TPE)": lambda p, s, n: _run_hypersense(
        p, s, n, TPESampler(seed=s), CurveExtrapolationPruner(max_resource=p.n_epochs)
    ),
    TOP_K: top_k_baseline,
    "Optuna MedianPruner (TPE)": lambda p, s, n: _run_optuna(p, s, n, "median"),
    OPTUNA_HYPERBAND: lambda p, s, n: _run_optuna(p, s, n, "hyperband"),
}
