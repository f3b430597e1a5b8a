"""A study read once: the trials, attributes and companion studies every figure uses.

Figures are built from one :class:`StudySnapshot` rather than from a live
:class:`~hypersense.study.Study`, for two reasons: a SQL-backed study costs a
database read each time its trials are asked for, and tests can build a
snapshot from hand-made trials with exactly the timestamps, workers, tags and
attributes a known answer needs.

Companion studies (``"<study>:local"``, ``":noise"``, ``":reeval"``,
``":morris"``) are found through the parent's system attributes
``"companion:<experiment>"`` that the designed experiments of
:mod:`hypersense.analysis.experiments` write, and read in the same storage.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from hypersense.direction import StudyDirection
from hypersense.errors import StudyNotFoundError
from hypersense.space.base import Distribution
from hypersense.trial.frozen import FrozenTrial
from hypersense.trial.state import TrialState

if TYPE_CHECKING:
    from hypersense.study.study import Study

__all__ = ["COMPANION_PREFIX", "StudySnapshot", "as_snapshot"]

#: Prefix of the parent study's system attributes naming a companion study
#: (the same key the designed experiments write).
COMPANION_PREFIX = "companion:"


@dataclass(frozen=True)
class StudySnapshot:
    """What a report needs of a study, read at one moment.

    Attributes:
        study_name: The study's name.
        directions: One direction per objective.
        trials: Every trial, in number order.
        user_attrs: The study's user attributes.
        system_attrs: The study's system attributes.
        created_at: Unix time the study was created, when the storage knows it.
        companions: Experiment name (``"local"``, ``"noise"``...) to the
            snapshot of its companion study.
        storage: The storage as its URL (a password masked), for the page.
    """

    study_name: str
    directions: tuple[StudyDirection, ...]
    trials: tuple[FrozenTrial, ...]
    user_attrs: Mapping[str, Any] = field(default_factory=dict)
    system_attrs: Mapping[str, Any] = field(default_factory=dict)
    created_at: float | None = None
    companions: Mapping[str, StudySnapshot] = field(default_factory=dict)
    storage: str = ""

    @property
    def is_multi_objective(self) -> bool:
        """Whether the study has several objectives."""
        return len(self.directions) > 1

    def completed(self) -> tuple[FrozenTrial, ...]:
        """COMPLETE trials with finite values, in number order."""
        return tuple(t for t in self.trials if t.is_valid_value())

    def in_states(self, *states: TrialState) -> tuple[FrozenTrial, ...]:
        """Trials in any of ``states``, in number order."""
        wanted = frozenset(states)
        return tuple(t for t in self.trials if t.state in wanted)

    def losses(self, trials: Sequence[FrozenTrial], objective: int = 0) -> NDArray[np.float64]:
        """Objective ``objective`` of ``trials`` turned so that smaller is better;
        shape ``(len(trials),)``."""
        sign = 1.0 if self.directions[objective] is StudyDirection.MINIMIZE else -1.0
        return np.array([sign * t.objective_value(objective) for t in trials], dtype=np.float64)

    def best_trial(self) -> FrozenTrial | None:
        """The earliest COMPLETE trial with the best value (single objective), or
        None when there is none or the study has several objectives."""
        done = self.completed()
        if not done or self.is_multi_objective:
            return None
        return done[int(np.argmin(self.losses(done)))]

    def search_space(self) -> dict[str, Distribution]:
        """Every parameter any trial drew, with the distribution it was first drawn
        from, in order of first appearance."""
        space: dict[str, Distribution] = {}
        for trial in self.trials:
            for name, dist in trial.distributions.items():
                space.setdefault(name, dist)
        return space

    def objective_names(self) -> tuple[str, ...]:
        """A label per objective: the study's ``objective_names`` user attribute
        when it has the right length, else ``"value"`` / ``"value 0"``..."""
        given = self.user_attrs.get("objective_names")
        n = len(self.directions)
        if isinstance(given, (list, tuple)) and len(given) == n:
            return tuple(str(g) for g in given)
        return ("value",) if n == 1 else tuple(f"value {i}" for i in range(n))

    def study_start(self) -> float | None:
        """The earliest start time of any trial (the zero of timelines)."""
        starts = [t.started_at for t in self.trials if t.started_at is not None]
        return min(starts) if starts else None


def _read(study: Study, companions: bool) -> StudySnapshot:
    record = study.storage.get_study(study.study_name)
    linked: dict[str, StudySnapshot] = {}
    if companions:
        from hypersense.study.management import load_study

        for key, name in record.system_attrs.items():
            if not key.startswith(COMPANION_PREFIX) or not isinstance(name, str):
                continue
            try:
                companion = load_study(name, study.storage, heartbeat_interval_s=None)
            except StudyNotFoundError:
                continue  # deleted since it was linked: show what exists
            linked[key[len(COMPANION_PREFIX) :]] = _read(companion, companions=False)
    return StudySnapshot(
        study_name=study.study_name,
        directions=study.directions,
        trials=tuple(study.trials),
        user_attrs=dict(record.user_attrs),
        system_attrs=dict(record.system_attrs),
        created_at=record.created_at,
        companions=linked,
        storage=str(study.storage),
    )


def as_snapshot(study: Study | StudySnapshot) -> StudySnapshot:
    """``study`` read once (with its companion studies), or the snapshot itself."""
    if isinstance(study, StudySnapshot):
        return study
    return _read(study, companions=True)
