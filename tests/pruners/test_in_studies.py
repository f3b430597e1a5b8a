"""Multi-fidelity pruners in real studies: worker processes, and independent
processes sharing one SQLite study."""

from __future__ import annotations

import math
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np

import hypersense as hs
from hypersense.pruners import HyperbandPruner, SuccessiveHalvingPruner, WilcoxonPruner
from hypersense.pruners.rungs import bracket_budgets, bracket_of, bracket_schedule
from hypersense.report.data.curves import build_learning_curves_data
from hypersense.samplers import RandomSampler

N_STEPS = 27


def curve_value(rate: float, floor: float, step: int) -> float:
    """A learning curve from two parameters: identical in every process."""
    return floor + 2.0 * math.exp(-rate * step)


def objective(trial: hs.Trial) -> float:
    rate = trial.suggest_float("rate", 0.01, 1.0, log=True)
    floor = trial.suggest_float("floor", 0.0, 1.0)
    value = math.nan
    for step in range(N_STEPS):
        value = curve_value(rate, floor, step)
        trial.report(value, step)
        if trial.should_prune():
            raise hs.TrialPruned
    return value


def check_rungs(trials: list[hs.FrozenTrial], rungs: tuple[int, ...]) -> None:
    """Pruned trials stopped at a rung step; passed rungs are rungs; at each rung the
    best value of all trials that reached it belongs to a trial that went on."""
    for t in trials:
        if t.state is hs.TrialState.PRUNED:
            assert t.last_step in rungs, (t.number, t.last_step, rungs)
        if "passed_rung" in t.system_attrs:
            assert t.system_attrs["passed_rung"] in rungs
    for r in rungs:
        reached = [t for t in trials if t.last_step is not None and t.last_step >= r]
        if reached:
            best = min(reached, key=lambda t: t.intermediate_values[r])
            assert not (best.state is hs.TrialState.PRUNED and best.last_step == r)


def test_successive_halving_with_worker_processes(sqlite_url: str) -> None:
    pruner = SuccessiveHalvingPruner(min_resource=1, max_resource=N_STEPS, reduction_factor=3)
    study = hs.create_study(storage=sqlite_url, sampler=RandomSampler(seed=1), pruner=pruner)
    study.optimize(objective, n_trials=30, n_jobs=2)
    trials = study.trials
    states = Counter(t.state for t in trials)
    assert states[hs.TrialState.PRUNED] >= 10 and states[hs.TrialState.COMPLETE] >= 1
    assert len({t.system_attrs["worker"] for t in trials}) == 2
    assert all(t.budget == N_STEPS and t.tags == {"rungs": "1,3,9"} for t in trials)
    check_rungs(trials, (1, 3, 9))


_RUNNER = """
import sys
import hypersense as hs
from hypersense.pruners import HyperbandPruner
from hypersense.samplers import RandomSampler
from tests.pruners.test_in_studies import objective
seed = int(sys.argv[2])
study = hs.load_study("hb", sys.argv[1], sampler=RandomSampler(seed=seed),
                      pruner=HyperbandPruner(min_resource=1, max_resource=27))
study.optimize(objective, n_trials=25)
"""


def test_hyperband_shared_by_two_independent_processes(sqlite_url: str) -> None:
    hs.create_study(study_name="hb", storage=sqlite_url)
    root = Path(__file__).resolve().parents[2]
    procs = [
        subprocess.Popen([sys.executable, "-c", _RUNNER, sqlite_url, str(seed)], cwd=root)
        for seed in (1, 2)
    ]
    for proc in procs:
        assert proc.wait(timeout=300) == 0
    study = hs.load_study("hb", sqlite_url)
    trials = study.trials
    assert len(trials) == 50
    assert len({t.system_attrs["worker"] for t in trials}) == 2
    pruner = HyperbandPruner(min_resource=1, max_resource=N_STEPS)
    brackets = pruner.brackets(N_STEPS)
    schedule = bracket_schedule(bracket_budgets(len(brackets), 3))
    for t in trials:  # whichever process started it, its bracket is the number's
        assert t.tags["bracket"] == str(bracket_of(t.number, schedule))
        assert t.budget == N_STEPS
    for b, rungs in enumerate(brackets):
        same = [t for t in trials if t.tags["bracket"] == str(b)]
        check_rungs(same, rungs)
        if not rungs:
            assert all(t.state is hs.TrialState.COMPLETE for t in same)
    assert sum(t.state is hs.TrialState.PRUNED for t in trials) >= 10
    # The report's learning-curve figure draws each bracket's rungs from the tags.
    figure = build_learning_curves_data(study)
    assert figure is not None
    drawn = {m.bracket: m.steps for m in figure.rungs}
    assert drawn == {str(b): r for b, r in enumerate(brackets) if r}


def test_wilcoxon_prunes_on_folds_in_shuffled_order() -> None:
    """Ten folds of different difficulty, each trial visiting them in its own order."""
    difficulty = np.linspace(0.0, 1.0, 10)

    def cv_objective(trial: hs.Trial) -> float:
        quality = trial.suggest_float("quality", 0.0, 1.0)
        order = np.random.default_rng(trial.seed).permutation(10)
        scores = []
        for fold in order.tolist():
            score = difficulty[fold] + (1.0 - quality) + 0.01 * math.sin(fold + quality)
            scores.append(score)
            trial.report(score, fold)
            if trial.should_prune():
                raise hs.TrialPruned
        return float(np.mean(scores))

    study = hs.create_study(sampler=RandomSampler(seed=3), pruner=WilcoxonPruner(p_threshold=0.1))
    study.enqueue_trial({"quality": 0.9})
    study.optimize(cv_objective, n_trials=20)
    best_quality = 0.9  # the enqueued first trial; larger quality is better on every fold
    for t in study.trials[1:]:
        quality = t.params["quality"]
        if quality < best_quality - 0.05:
            # Clearly worse than the best so far on every fold: pruned after 4 to 9 folds.
            assert t.state is hs.TrialState.PRUNED and 4 <= len(t.intermediate_values) <= 9
        if quality > best_quality:
            assert t.state is hs.TrialState.COMPLETE
            best_quality = quality
    assert sum(t.state is hs.TrialState.PRUNED for t in study.trials) >= 10
