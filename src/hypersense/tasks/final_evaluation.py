"""The final evaluation: score the chosen configuration on the held-out test set.

After a search, the configuration it chose is trained again under its trial's
seed and scored on the task's test set (:meth:`Task.evaluate_test`, the only
code that reads it). The score is stored on the *study*, never as a trial
value, so nothing that selects trials (``best_trial``, samplers, pruners) can
see it:

- ``test_<metric>`` (e.g. ``test_accuracy``): the latest test score;
- ``test_evaluation``: what it scored: trial number, parameters, seed, the
  validation value the search saw and the test value;
- ``test_evaluations``: every final evaluation of the study, in order, so
  that repeated looks at the test set (which would turn it into a second
  validation set) stay visible.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from hypersense.study.study import Study
from hypersense.tasks.base import Task
from hypersense.trial.frozen import FrozenTrial, SystemAttr
from hypersense.trial.state import TrialState

__all__ = [
    "TEST_EVALUATIONS_ATTR",
    "TEST_EVALUATION_ATTR",
    "FinalEvaluation",
    "attr_for_test_score",
    "evaluate_on_test",
]

#: Study attribute holding the latest final evaluation (a dict).
TEST_EVALUATION_ATTR = "test_evaluation"
#: Study attribute holding every final evaluation so far (a list of dicts).
TEST_EVALUATIONS_ATTR = "test_evaluations"


def attr_for_test_score(metric_name: str) -> str:
    """The study attribute of the latest test score, e.g. ``test_accuracy``."""
    return f"test_{metric_name}"


@dataclass(frozen=True)
class FinalEvaluation:
    """A chosen configuration scored on the held-out test set.

    Attributes:
        trial_number: The trial whose configuration was scored.
        params: Its parameters.
        seed: The seed it was trained under (the trial's).
        metric_name: What both values measure.
        validation_value: The trial's value in the search.
        test_value: The score on the test set.
    """

    trial_number: int
    params: dict[str, Any]
    seed: int
    metric_name: str
    validation_value: float
    test_value: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields, as stored on the study."""
        return {
            "trial_number": self.trial_number,
            "params": dict(self.params),
            "seed": self.seed,
            "metric": self.metric_name,
            "validation_value": self.validation_value,
            "test_value": self.test_value,
        }


def evaluate_on_test(
    study: Study, task: Task, *, trial: FrozenTrial | None = None
) -> FinalEvaluation:
    """Score the study's best trial (or ``trial``) on ``task``'s test set; store it.

    Args:
        study: The searched, single-objective study.
        task: The task the study ran; it must hold out a test set.
        trial: A COMPLETE trial of the study to score instead of the best one.

    Returns:
        The evaluation, also stored on the study (see the module's docs).

    Raises:
        ValueError: The task has no test set, the study is multi-objective or
            has no COMPLETE trial, or ``trial`` is not COMPLETE.
    """
    if not task.has_test_set:
        raise ValueError(f"task {task.name!r} holds out no test set to evaluate on")
    if study.is_multi_objective:
        raise ValueError(
            "the final evaluation scores one configuration of a single-objective study"
        )
    chosen = study.best_trial if trial is None else trial
    if chosen.state is not TrialState.COMPLETE or chosen.value is None:
        raise ValueError(
            f"trial {chosen.number} is {chosen.state.name}; only a COMPLETE trial can be evaluated"
        )
    seed = int(chosen.system_attrs.get(SystemAttr.SEED, 0))
    value = float(task.evaluate_test(chosen.params, seed=seed))
    evaluation = FinalEvaluation(
        trial_number=chosen.number,
        params=dict(chosen.params),
        seed=seed,
        metric_name=task.metric_name,
        validation_value=float(chosen.value),
        test_value=value,
    )
    record = evaluation.to_dict()
    earlier = study.user_attrs.get(TEST_EVALUATIONS_ATTR, [])
    study.set_user_attr(TEST_EVALUATIONS_ATTR, [*earlier, record])
    study.set_user_attr(TEST_EVALUATION_ATTR, record)
    study.set_user_attr(
        attr_for_test_score(task.metric_name), value if math.isfinite(value) else None
    )
    return evaluation
