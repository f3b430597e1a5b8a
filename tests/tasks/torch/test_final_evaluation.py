"""The final evaluation: the chosen trial, its seed, one test score stored on the
study (never as a trial value), every look at the test set kept."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

import hypersense as hs
from hypersense.space import FloatDistribution
from hypersense.space.search_space import SearchSpace
from hypersense.tasks.base import Task
from hypersense.tasks.final_evaluation import (
    TEST_EVALUATION_ATTR,
    TEST_EVALUATIONS_ATTR,
    attr_for_test_score,
    evaluate_on_test,
)
from hypersense.trial.trial import Trial


class Parabola(Task):
    """Validation score ``-(x - 0.3)**2``; the "test score" is ``x + seed / 1000``."""

    name = "parabola"
    direction = hs.StudyDirection.MAXIMIZE
    metric_name = "score"

    def __init__(self, *, space: Any = None, test: bool = True) -> None:
        super().__init__(space=space)
        self._test = test
        self.calls: list[tuple[dict[str, Any], int]] = []

    @classmethod
    def default_space(cls) -> SearchSpace:
        return SearchSpace({"x": FloatDistribution(0.0, 1.0)})

    @property
    def has_test_set(self) -> bool:
        return self._test

    def objective(self, trial: Trial) -> float:
        x = self.suggest_params(trial)["x"]
        return -((x - 0.3) ** 2)

    def evaluate_test(self, params: Mapping[str, Any], *, seed: int = 0) -> float:
        self.calls.append((dict(params), seed))
        return float(params["x"]) + seed / 1000


def _searched(storage: str | None = None) -> hs.Study:
    study = hs.create_study(
        sampler=hs.samplers.RandomSampler(seed=0), direction="maximize", storage=storage
    )
    for x in (0.9, 0.31, 0.5):
        study.enqueue_trial({"x": x})
    study.optimize(Parabola().objective, n_trials=3)
    return study


def test_the_best_trial_is_scored_under_its_seed_and_stored_on_the_study(sqlite_url: str) -> None:
    study = _searched(sqlite_url)
    task = Parabola()
    best = study.best_trial
    seed = int(best.system_attrs["seed"])
    evaluation = evaluate_on_test(study, task)
    assert task.calls == [({"x": 0.31}, seed)]
    assert evaluation.test_value == pytest.approx(0.31 + seed / 1000)
    assert evaluation.validation_value == best.value and evaluation.trial_number == 1
    stored = hs.load_study(study.study_name, sqlite_url)
    assert stored.user_attrs[attr_for_test_score("score")] == evaluation.test_value
    assert stored.user_attrs[TEST_EVALUATION_ATTR] == evaluation.to_dict()
    assert stored.user_attrs[TEST_EVALUATIONS_ATTR] == [evaluation.to_dict()]
    # The test score is no trial value: selection is unchanged.
    assert stored.best_trial.number == 1
    assert [t.value for t in stored.trials] == [t.value for t in study.trials]


def test_every_look_at_the_test_set_is_kept() -> None:
    study = _searched()
    first = evaluate_on_test(study, Parabola())
    second = evaluate_on_test(study, Parabola(), trial=study.trials[2])
    assert second.trial_number == 2 and second.params == {"x": 0.5}
    assert study.user_attrs[TEST_EVALUATIONS_ATTR] == [first.to_dict(), second.to_dict()]
    assert study.user_attrs["test_score"] == second.test_value


def test_what_cannot_be_evaluated_is_refused() -> None:
    study = _searched()
    with pytest.raises(ValueError, match="holds out no test set"):
        evaluate_on_test(study, Parabola(test=False))
    empty = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0), direction="maximize")
    with pytest.raises(ValueError):
        evaluate_on_test(empty, Parabola())
    pruned = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0), direction="maximize")

    def prune(trial: Trial) -> float:
        trial.suggest_float("x", 0.0, 1.0)
        raise hs.TrialPruned()

    pruned.optimize(prune, n_trials=1)
    with pytest.raises(ValueError, match="only a COMPLETE trial"):
        evaluate_on_test(pruned, Parabola(), trial=pruned.trials[0])
    both = hs.create_study(
        sampler=hs.samplers.RandomSampler(seed=0), directions=["maximize", "minimize"]
    )
    with pytest.raises(ValueError, match="single-objective"):
        evaluate_on_test(both, Parabola())
