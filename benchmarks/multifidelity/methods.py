"""The methods compared, each run on the synthetic curves for a number of configurations.

Every method sees the same objective: suggest ``lr`` (log) and ``width``, then
report the loss of each epoch and stop when its pruner says so. A run records,
per trial in order, the epochs it trained, whether it finished, and the true
final value of its configuration.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

import hypersense as hs
from benchmarks.multifidelity.curves import LR_RANGE, curve, true_final
from hypersense.pruners import (
    CurveExtrapolationPruner,
    HyperbandPruner,
    MedianPruner,
    NopPruner,
    Pruner,
    SuccessiveHalvingPruner,
)
from hypersense.samplers import RandomSampler, Sampler, TPESampler

__all__ = ["METHODS", "ETA", "N_EPOCHS", "RunRecord", "TrialRecord", "noise_seed", "top_k_baseline"]

N_EPOCHS = 27
ETA = 3


@dataclass(frozen=True)
class TrialRecord:
    """One configuration as a method ran it."""

    epochs: int
    finished: bool
    observed_final: float | None  # the loss reported after the last epoch, if it got there
    true_final: float


@dataclass(frozen=True)
class RunRecord:
    """One method on one seed."""

    method: str
    seed: int
    trials: tuple[TrialRecord, ...]
    wall_s: float

    @property
    def epochs(self) -> int:
        return sum(t.epochs for t in self.trials)

    def chosen_true_final(self) -> float:
        """True final value of the finished trial with the best observed final loss."""
        done = [t for t in self.trials if t.finished and t.observed_final is not None]
        if not done:
            return math.inf
        return min(done, key=lambda t: t.observed_final or math.inf).true_final

    def epochs_to_reach(self, target: float) -> float:
        """Epochs spent (trials in order) until a finished trial's true final value
        is at most ``target``; inf if none is."""
        spent = 0
        for t in self.trials:
            spent += t.epochs
            if t.finished and t.true_final <= target:
                return float(spent)
        return math.inf


def noise_seed(seed: int, lr: float, width: float) -> list[int]:
    """Noise of a configuration: the same in every method of a seed."""
    return [seed, int(lr * 1e15) % 2**32, int(width * 1e15) % 2**32]


def _run_hypersense(seed: int, n_configs: int, sampler: Sampler, pruner: Pruner) -> RunRecord:
    records: list[TrialRecord] = []

    def objective(trial: hs.Trial) -> float:
        lr = trial.suggest_float("lr", *LR_RANGE, log=True)
        width = trial.suggest_float("width", 0.0, 1.0)
        losses = curve(lr, width, N_EPOCHS, noise_seed(seed, lr, width))
        final = true_final(lr, width, N_EPOCHS)
        for epoch, loss in enumerate(losses):
            trial.report(float(loss), epoch)
            if trial.should_prune():
                records.append(TrialRecord(epoch + 1, False, None, final))
                raise hs.TrialPruned
        records.append(TrialRecord(N_EPOCHS, True, float(losses[-1]), final))
        return float(losses[-1])

    study = hs.create_study(sampler=sampler, pruner=pruner, heartbeat_interval_s=None)
    start = time.perf_counter()
    study.optimize(objective, n_trials=n_configs)
    return RunRecord("", seed, tuple(records), time.perf_counter() - start)


def _run_optuna(seed: int, n_configs: int, pruner_name: str) -> RunRecord:
    import optuna

    optuna.logging.set_verbosity(logging.WARNING)
    pruner: optuna.pruners.BasePruner
    if pruner_name == "median":
        pruner = optuna.pruners.MedianPruner()
    else:
        pruner = optuna.pruners.HyperbandPruner(
            min_resource=1, max_resource=N_EPOCHS, reduction_factor=ETA
        )
    records: list[TrialRecord] = []

    def objective(trial: optuna.Trial) -> float:
        lr = trial.suggest_float("lr", *LR_RANGE, log=True)
        width = trial.suggest_float("width", 0.0, 1.0)
        losses = curve(lr, width, N_EPOCHS, noise_seed(seed, lr, width))
        final = true_final(lr, width, N_EPOCHS)
        for epoch, loss in enumerate(losses):
            trial.report(float(loss), epoch)  # step = epoch from 0, as for hypersense
            if trial.should_prune():
                records.append(TrialRecord(epoch + 1, False, None, final))
                raise optuna.TrialPruned
        records.append(TrialRecord(N_EPOCHS, True, float(losses[-1]), final))
        return float(losses[-1])

    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed), pruner=pruner)
    start = time.perf_counter()
    study.optimize(objective, n_trials=n_configs)
    return RunRecord("", seed, tuple(records), time.perf_counter() - start)


def top_k_baseline(seed: int, n_configs: int) -> RunRecord:
    """Train every configuration one epoch, keep the best ``max(1, n // eta**2)``,
    train those to the end (arXiv 2307.15422)."""
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    lows, highs = math.log10(LR_RANGE[0]), math.log10(LR_RANGE[1])
    configs = [(10 ** rng.uniform(lows, highs), rng.uniform()) for _ in range(n_configs)]
    first = [curve(lr, w, N_EPOCHS, noise_seed(seed, lr, w))[0] for lr, w in configs]
    k = max(1, n_configs // ETA**2)
    kept = set(np.argsort(first, kind="stable")[:k].tolist())
    records = []
    for i, (lr, w) in enumerate(configs):
        final = true_final(lr, w, N_EPOCHS)
        if i in kept:
            losses = curve(lr, w, N_EPOCHS, noise_seed(seed, lr, w))
            records.append(TrialRecord(N_EPOCHS, True, float(losses[-1]), final))
        else:
            records.append(TrialRecord(1, False, None, final))
    # In the order a user would run them: the one-epoch pass first, then the kept ones.
    ordered = [r for i, r in enumerate(records) if i not in kept]
    ordered += [r for i, r in enumerate(records) if i in kept]
    return RunRecord("", seed, tuple(ordered), time.perf_counter() - start)


def _hb() -> HyperbandPruner:
    return HyperbandPruner(min_resource=1, max_resource=N_EPOCHS, reduction_factor=ETA)


#: Method name to ``run(seed, n_configs)``.
METHODS: dict[str, Callable[[int, int], RunRecord]] = {
    "no pruning (TPE)": lambda s, n: _run_hypersense(s, n, TPESampler(seed=s), NopPruner()),
    "median (TPE)": lambda s, n: _run_hypersense(s, n, TPESampler(seed=s), MedianPruner()),
    "ASHA (TPE)": lambda s, n: _run_hypersense(
        s,
        n,
        TPESampler(seed=s),
        SuccessiveHalvingPruner(min_resource=1, max_resource=N_EPOCHS, reduction_factor=ETA),
    ),
    "Hyperband (random)": lambda s, n: _run_hypersense(s, n, RandomSampler(seed=s), _hb()),
    "model-based Hyperband (TPE)": lambda s, n: _run_hypersense(s, n, TPESampler(seed=s), _hb()),
    "curve extrapolation (TPE)": lambda s, n: _run_hypersense(
        s, n, TPESampler(seed=s), CurveExtrapolationPruner(max_resource=N_EPOCHS)
    ),
    "one epoch, top-K": top_k_baseline,
    "Optuna MedianPruner (TPE)": lambda s, n: _run_optuna(s, n, "median"),
    "Optuna HyperbandPruner (TPE)": lambda s, n: _run_optuna(s, n, "hyperband"),
}
