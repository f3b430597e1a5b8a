"""A task with no data: a shifted quadratic bowl, minimised at x = 0.3, y = -1."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from hypersense import FloatDistribution, SearchSpace, StudyDirection, Trial, TrialPruned
from hypersense.space import Distribution
from hypersense.tasks import Task


class ShiftedQuadraticTask(Task):
    """(x - 0.3)² + (y + 1)², reported over ``n_steps`` steps that approach it.

    Args:
        n_steps: Intermediate reports per trial (so pruners have something to read).
        space: The distributions of ``x`` and ``y`` (default: both in [-2, 2]).
    """

    name: ClassVar[str] = "my_task"
    direction: ClassVar[StudyDirection] = StudyDirection.MINIMIZE
    metric_name: ClassVar[str] = "loss"

    def __init__(
        self, *, n_steps: int = 3, space: Mapping[str, Distribution] | None = None
    ) -> None:
        if not isinstance(n_steps, int) or n_steps < 1:
            raise ValueError(f"`n_steps` must be an integer >= 1 (got {n_steps!r})")
        super().__init__(space=space)
        self._n_steps = n_steps

    @classmethod
    def default_space(cls) -> SearchSpace:
        return SearchSpace({"x": FloatDistribution(-2.0, 2.0), "y": FloatDistribution(-2.0, 2.0)})

    def objective(self, trial: Trial) -> float:
        params = self.suggest_params(trial)
        loss = (params["x"] - 0.3) ** 2 + (params["y"] + 1.0) ** 2
        for step in range(self._n_steps):
            trial.report(loss * (self._n_steps - step), step)
            if trial.should_prune():
                raise TrialPruned()
        return loss
