"""The contract every sampler keeps, written once and run over every sampler.

Use: in a test module, subclass :class:`SamplerContract` (named ``Test...``) and
implement ``make_sampler(seed)``. Set ``supports_multi_objective`` and
``n_trials`` as fits the sampler.
"""

from __future__ import annotations

import pickle
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings

import hypersense as hs
from hypersense.history import StudyHistory
from hypersense.samplers import Sampler, SamplingContext
from hypersense.space import Distribution
from tests.strategies import spaces


def _objective_over(space: dict[str, Distribution]):
    def objective(trial: hs.Trial) -> float:
        total = 0.0
        for name, dist in space.items():
            value = trial.suggest(name, dist)
            assert dist.contains(value), (name, value, dist)
            total += dist.to_unit(value)
        return total

    return objective


def _conditional_objective(trial: hs.Trial) -> float:
    kind = trial.suggest_categorical("kind", ["linear", "tree"])
    if kind == "linear":
        c = trial.suggest_float("c", 1e-4, 1e2, log=True)
        return abs(np.log10(c))
    depth = trial.suggest_int("depth", 1, 12)
    frac = trial.suggest_float("frac", 0.1, 1.0, step=0.1)
    return depth / 12 + frac


class SamplerContract:
    """Behaviour every sampler must show."""

    n_trials = 12
    supports_multi_objective = False

    def make_sampler(self, seed: int | None) -> Sampler:
        raise NotImplementedError

    @settings(
        max_examples=12,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors],
    )
    @given(space=spaces())
    def test_respects_bounds_steps_scales_and_choices(self, space: dict[str, Distribution]) -> None:
        study = hs.create_study(sampler=self.make_sampler(0))
        study.optimize(_objective_over(space), n_trials=self.n_trials)
        for trial in study.trials:
            assert trial.state is hs.TrialState.COMPLETE, trial.fail_reason
            for name, dist in space.items():
                assert dist.contains(trial.params[name])

    def test_conditional_parameters_stay_in_their_branch(self) -> None:
        study = hs.create_study(sampler=self.make_sampler(1))
        study.optimize(_conditional_objective, n_trials=2 * self.n_trials)
        for trial in study.trials:
            assert trial.state is hs.TrialState.COMPLETE, trial.fail_reason
            if trial.params["kind"] == "linear":
                assert set(trial.params) == {"kind", "c"}
                assert 1e-4 <= trial.params["c"] <= 1e2
            else:
                assert set(trial.params) == {"kind", "depth", "frac"}
                assert 1 <= trial.params["depth"] <= 12

    def test_same_seed_gives_same_proposals(self) -> None:
        runs = []
        for _ in range(2):
            study = hs.create_study(sampler=self.make_sampler(42))
            study.optimize(_conditional_objective, n_trials=self.n_trials)
            runs.append([dict(t.params) for t in study.trials])
        assert runs[0] == runs[1]

    def test_different_seeds_give_different_proposals(self) -> None:
        runs = []
        for seed in (1, 2):
            study = hs.create_study(sampler=self.make_sampler(seed))
            study.optimize(_conditional_objective, n_trials=self.n_trials)
            runs.append([dict(t.params) for t in study.trials])
        assert runs[0] != runs[1]

    def test_does_not_mutate_the_history(self) -> None:
        study = hs.create_study(sampler=self.make_sampler(3))
        study.optimize(_conditional_objective, n_trials=self.n_trials)
        trials = study.trials
        before = pickle.dumps(trials)
        history = StudyHistory.from_trials(study.directions, trials)
        sampler = self.make_sampler(3)
        context = SamplingContext(number=len(trials), rng=sampler.trial_rng(len(trials)))
        space = sampler.infer_relative_space(history, context)
        sampler.sample_relative(history, context, space)
        sampler.sample_independent(history, context, "c", hs.FloatDistribution(1e-4, 1e2, log=True))
        assert pickle.dumps(trials) == before

    def test_pickles_and_keeps_proposing(self) -> None:
        sampler = self.make_sampler(5)
        study = hs.create_study(sampler=sampler)
        study.optimize(_conditional_objective, n_trials=self.n_trials // 2)
        clone: Any = pickle.loads(pickle.dumps(sampler))
        assert type(clone) is type(sampler)
        study2 = hs.create_study(sampler=clone)
        for t in study.trials:
            study2.enqueue_trial(dict(t.params))
        study2.optimize(_conditional_objective, n_trials=self.n_trials)
        assert all(t.state is hs.TrialState.COMPLETE for t in study2.trials)

    def test_multi_objective_if_supported(self) -> None:
        if not self.supports_multi_objective:
            return
        study = hs.create_study(directions=["minimize", "minimize"], sampler=self.make_sampler(7))

        def two(trial: hs.Trial) -> tuple[float, float]:
            x = trial.suggest_float("x", 0, 1)
            y = trial.suggest_float("y", 0, 1)
            return x, (1 - x) ** 2 + y

        study.optimize(two, n_trials=2 * self.n_trials)
        assert len(study.best_trials) >= 1
