"""The contract of a built-in task: a ready-made objective on a data set that
ships with an installed package, so ``hypersense run`` does real work with no
code of the user's.

Lifecycle, as ``hypersense.config`` (or a user) drives it:

1. The task class is looked up by name in :mod:`hypersense.tasks.registry`.
   Its :meth:`Task.default_space` is the search space it suggests; a config's
   ``space`` entries replace some of those distributions (narrow a range, fix a
   value) and the merged space is passed to the constructor with the task's
   own keyword options.
2. ``Study.optimize(task.objective, ...)`` runs trials. Each trial suggests
   every parameter of :attr:`Task.space` (in order), trains, reports
   intermediate scores with ``trial.report`` and stops early when
   ``trial.should_prune()`` says so, then returns the metric named
   :attr:`Task.metric_name`, to be optimised in :attr:`Task.direction`.
3. After the search, a task that holds out a test set
   (:attr:`Task.has_test_set`) scores a chosen configuration on it with
   :meth:`Task.evaluate_test`. The test set is never seen during the search,
   so this score is free of the winner's curse of picking the best of many
   validation scores.
"""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar

from hypersense.direction import StudyDirection
from hypersense.space.base import Distribution
from hypersense.space.search_space import SearchSpace
from hypersense.trial.trial import Trial

__all__ = ["Task"]


class Task(ABC):
    """A named objective with a default search space, built from keyword options.

    Subclasses set the class attributes, implement :meth:`default_space` and
    :meth:`objective`, and take their options as keyword-only constructor
    arguments stored as ``self._<name>`` (so ``repr`` shows them).

    Args:
        space: The distributions to suggest; it must name exactly the
            parameters of :meth:`default_space` (None: the default space).
    """

    #: The name the registry and config files use.
    name: ClassVar[str]
    #: Whether :attr:`metric_name` is to be minimised or maximised.
    direction: ClassVar[StudyDirection]
    #: What the objective returns, e.g. ``"accuracy"``.
    metric_name: ClassVar[str]

    def __init__(self, *, space: Mapping[str, Distribution] | None = None) -> None:
        default = self.default_space()
        if space is None:
            self._space = default
            return
        given = SearchSpace(space)
        missing = [n for n in default if n not in given]
        unknown = [n for n in given if n not in default]
        if missing or unknown:
            raise ValueError(
                f"`space` of task {self.name!r} must name exactly its parameters "
                f"{list(default.names)} (missing {missing}, unknown {unknown})"
            )
        self._space = given

    @classmethod
    @abstractmethod
    def default_space(cls) -> SearchSpace:
        """The distributions the task suggests unless a config overrides them."""

    @property
    def space(self) -> SearchSpace:
        """The distributions this task suggests, in suggestion order."""
        return self._space

    @property
    def has_test_set(self) -> bool:
        """Whether :meth:`evaluate_test` can score a configuration on held-out data."""
        return False

    def suggest_params(self, trial: Trial) -> dict[str, Any]:
        """Suggest every parameter of :attr:`space`, in order; return the values."""
        return {name: trial.suggest(name, dist) for name, dist in self._space.items()}

    @abstractmethod
    def objective(self, trial: Trial) -> float:
        """Train and validate one configuration; return :attr:`metric_name`."""

    def evaluate_test(self, params: Mapping[str, Any], *, seed: int = 0) -> float:
        """Train ``params`` on all search data and score :attr:`metric_name` on the
        held-out test set. Tasks without one raise NotImplementedError."""
        raise NotImplementedError(f"task {self.name!r} has no held-out test set")

    def __repr__(self) -> str:
        """``ClassName(option=value, ...)``; ``space`` only when not the default."""
        parts = []
        for name in inspect.signature(type(self).__init__).parameters:
            if name == "self":
                continue
            if name == "space":
                if self._space != self.default_space():
                    parts.append(f"space={self._space!r}")
            elif hasattr(self, f"_{name}"):
                parts.append(f"{name}={getattr(self, f'_{name}')!r}")
        return f"{type(self).__name__}({', '.join(parts)})"
