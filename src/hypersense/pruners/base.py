"""The contract every pruner keeps.

A pruner decides *whether a trial goes on* and, for multi-fidelity methods,
*with which budget*. Lifecycle, driven by the study's coordinator:

1. When a trial starts, ``assign(history, number)`` may give it a budget (e.g.
   the epochs of its Hyperband bracket, readable as ``trial.budget``) and tags
   (e.g. ``{"bracket": "2"}``) that are stored on the trial and that samplers
   can filter on, so a sampler models only the trials of one bracket.
2. Each time the objective calls ``trial.should_prune()``, the coordinator
   calls ``decide(history, trial)`` with a fresh history and the trial's
   current record (its intermediate values so far) and acts on the returned
   :class:`PruneDecision`. A pruner that has something to record about the
   trial (e.g. a forecast of its final value) overrides ``judge`` instead,
   whose :class:`PruneVerdict` carries the decision and system attributes the
   coordinator stores on the trial.
3. When the objective asks from a side series of the trial
   (``trial.series("fold0").should_prune()``: the epochs of one fold), the
   coordinator calls ``judge_series`` instead, which continues unless the
   pruner overrides it.

Pruners must be correct when several processes share a study: a decision is
a function of the history and the trial it is given, never of what this
instance saw before.
"""

from __future__ import annotations

import enum
import inspect
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from hypersense.history import StudyHistory
from hypersense.pruners.rungs import RungLayout
from hypersense.trial.frozen import FrozenTrial

__all__ = ["PruneDecision", "PruneVerdict", "Pruner", "TrialAssignment"]


class PruneDecision(enum.Enum):
    """What a pruner advises for a running trial."""

    CONTINUE = "continue"
    PRUNE = "prune"


@dataclass(frozen=True)
class PruneVerdict:
    """A decision and what the pruner records about the trial along with it.

    Attributes:
        decision: Whether the trial goes on.
        system_attrs: JSON-serialisable system attributes to store on the
            trial (each decision overwrites the keys it names), e.g. a
            forecast of the final value.
    """

    decision: PruneDecision
    system_attrs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TrialAssignment:
    """A budget and tags a pruner gives a trial when it starts."""

    budget: float | None = None
    tags: Mapping[str, str] = field(default_factory=dict)


class Pruner(ABC):
    """Stops unpromising trials early from their intermediate values."""

    #: Whether the pruner handles studies of several objectives (whose
    #: intermediate values track one of them). One that does not sets False and
    #: raises ValueError from ``assign`` or ``decide`` in such a study; the
    #: conformance checks (:mod:`hypersense.testing`) hold it to either.
    supports_multi_objective: ClassVar[bool] = True

    def assign(self, history: StudyHistory, number: int) -> TrialAssignment:
        """Budget and tags for trial ``number`` as it starts (none by default)."""
        return TrialAssignment()

    @abstractmethod
    def decide(self, history: StudyHistory, trial: FrozenTrial) -> PruneDecision:
        """Whether the RUNNING ``trial`` should stop now."""

    def judge(self, history: StudyHistory, trial: FrozenTrial) -> PruneVerdict:
        """The decision for the RUNNING ``trial`` with attributes to store on it
        (none by default: the verdict of :meth:`decide`)."""
        return PruneVerdict(self.decide(history, trial))

    def judge_series(self, history: StudyHistory, trial: FrozenTrial, series: str) -> PruneVerdict:
        """The decision for the RUNNING ``trial`` from its side series ``series``
        (e.g. the epochs of one cross-validation fold, ``FrozenTrial.series``),
        asked by ``trial.series(series).should_prune()``. CONTINUE by default: a
        pruner judges intermediate values unless it says how to judge series
        (:class:`~hypersense.pruners.CrossValidationPruner` does)."""
        return PruneVerdict(PruneDecision.CONTINUE)

    def rung_layout(self) -> RungLayout | None:
        """The brackets and rungs this pruner will use, for a budget plan
        (:func:`hypersense.pruners.plan_budget`); None (the default) when its
        decisions follow no fixed rungs or its resources are learnt ("auto")."""
        return None

    def __repr__(self) -> str:
        sig = inspect.signature(type(self).__init__)
        parts = [
            f"{n}={getattr(self, '_' + n)!r}"
            for n in sig.parameters
            if n != "self" and hasattr(self, "_" + n)
        ]
        return f"{type(self).__name__}({', '.join(parts)})"
