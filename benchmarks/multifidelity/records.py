"""What a method did on one seed: its trials in order, and how they are scored.

A trial's *true final* value is its configuration's validation error at the
full budget: known for every configuration of the synthetic curves, and for
the real tasks known only for the trials that trained to the end (``None``
for a pruned one — nobody trained it further).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["RunRecord", "TrialRecord"]


@dataclass(frozen=True)
class TrialRecord:
    """One configuration as a method ran it."""

    epochs: int
    finished: bool
    observed_final: float | None  # the error reported after the last epoch, if it got there
    true_final: float | None  # the configuration's error at full budget, when known


@dataclass(frozen=True)
class RunRecord:
    """One method on one seed; ``cpu_s`` is the process CPU time of the run.

    A run that went on past its first ``n_first`` trials (to spend an epoch
    budget) also keeps the wall and CPU time at the end of those trials, so
    :meth:`first` is the run of ``n_first`` trials as if it had stopped there.
    """

    method: str
    seed: int
    trials: tuple[TrialRecord, ...]
    wall_s: float
    cpu_s: float = 0.0
    n_first: int = 0  # 0: every trial
    first_wall_s: float = 0.0
    first_cpu_s: float = 0.0

    @classmethod
    def from_dict(cls, record: Mapping[str, Any]) -> RunRecord:
        """The run as written by ``dataclasses.asdict`` (a journal line, ``--json``)."""
        fields = {k: v for k, v in record.items() if k != "trials"}
        return cls(**fields, trials=tuple(TrialRecord(**t) for t in record["trials"]))

    def first(self) -> RunRecord:
        """The run cut after its first ``n_first`` trials (itself if no more ran)."""
        if self.n_first <= 0 or len(self.trials) <= self.n_first:
            return self
        return dataclasses.replace(
            self,
            trials=self.trials[: self.n_first],
            wall_s=self.first_wall_s,
            cpu_s=self.first_cpu_s,
            n_first=0,
        )

    @property
    def epochs(self) -> int:
        return sum(t.epochs for t in self.trials)

    def chosen_true_final(self) -> float:
        """True final value of the finished trial with the best observed final
        error (the configuration this method would pick); inf if none finished."""
        done = [
            (t.observed_final, t.true_final)
            for t in self.trials
            if t.finished and t.observed_final is not None
        ]
        if not done:
            return math.inf
        chosen = min(done, key=lambda pair: pair[0])[1]  # the first of equal errors
        return math.inf if chosen is None else chosen

    def within(self, epochs: float) -> RunRecord:
        """The run cut after its last trial that ended within ``epochs`` epochs
        spent (trials in order): what it had found by then."""
        spent, n = 0, 0
        for t in self.trials:
            if spent + t.epochs > epochs:
                break
            spent += t.epochs
            n += 1
        return dataclasses.replace(self, trials=self.trials[:n], n_first=0)

    def epochs_to_reach(self, target: float) -> float:
        """Epochs spent (trials in order) until a finished trial's true final value
        is at most ``target``; inf if none is."""
        spent = 0
        for t in self.trials:
            spent += t.epochs
            if t.finished and t.true_final is not None and t.true_final <= target:
                return float(spent)
        return math.inf

    def best_so_far(self) -> list[tuple[int, float]]:
        """``(epochs spent, best true final value of the finished trials so far)``
        after each finished trial, trials in order."""
        points: list[tuple[int, float]] = []
        spent, best = 0, math.inf
        for t in self.trials:
            spent += t.epochs
            if t.finished and t.true_final is not None and t.true_final < best:
                best = t.true_final
                points.append((spent, best))
        return points
