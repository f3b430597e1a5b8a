"""Run the same asynchronous schedule of reports through hypersense and Optuna.

Several trials are "running" at once; at each event one of them (drawn with a
fixed seed) reports its next step and both libraries are asked whether to
prune. The decisions must agree at every event; a pruned trial stops in both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import optuna

import hypersense as hs

optuna.logging.set_verbosity(optuna.logging.WARNING)


def decreasing_curves(n_trials: int, n_steps: int, seed: int) -> np.ndarray:
    """Noisy exponential learning curves that cross; shape ``(n_trials, n_steps)``."""
    rng = np.random.default_rng(seed)
    steps = np.arange(n_steps)
    floor = rng.uniform(0.0, 1.0, (n_trials, 1))
    height = rng.uniform(0.5, 3.0, (n_trials, 1))
    rate = rng.uniform(0.02, 0.5, (n_trials, 1))
    noise = rng.normal(0.0, 0.03, (n_trials, n_steps))
    return np.asarray(floor + height * np.exp(-rate * steps) + noise)


@dataclass
class _Pair:
    ours: hs.Trial
    theirs: optuna.trial.Trial
    study: optuna.Study
    next_step: int = 0


def run_lockstep(
    study: hs.Study,
    optuna_study_for: Callable[[hs.Trial], optuna.Study],
    curves: np.ndarray,
    *,
    n_parallel: int,
    seed: int,
) -> list[tuple[int, int, bool]]:
    """Every (trial number, step, pruned) decision; AssertionError at the first
    event where the two libraries disagree."""
    rng = np.random.default_rng(seed)
    n_trials, n_steps = curves.shape
    started = 0
    running: dict[int, _Pair] = {}
    decisions: list[tuple[int, int, bool]] = []
    while started < n_trials or running:
        while len(running) < n_parallel and started < n_trials:
            ours = study.ask()
            theirs_study = optuna_study_for(ours)
            running[ours.number] = _Pair(ours, theirs_study.ask(), theirs_study)
            started += 1
        number = int(rng.choice(sorted(running)))
        pair = running[number]
        step, value = pair.next_step, float(curves[number, pair.next_step])
        pair.ours.report(value, step)
        pair.theirs.report(value, step)
        ours_prune, theirs_prune = pair.ours.should_prune(), pair.theirs.should_prune()
        assert ours_prune == theirs_prune, (
            f"trial {number} at step {step}: hypersense prunes={ours_prune}, "
            f"optuna prunes={theirs_prune}; decisions so far {decisions}"
        )
        decisions.append((number, step, ours_prune))
        pair.next_step += 1
        if ours_prune:
            study.tell(pair.ours, state=hs.TrialState.PRUNED)
            pair.study.tell(pair.theirs, state=optuna.trial.TrialState.PRUNED)
        elif pair.next_step == n_steps:
            study.tell(pair.ours, value)
            pair.study.tell(pair.theirs, value)
        else:
            continue
        del running[number]
    return decisions
