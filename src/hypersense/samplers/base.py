"""The contract every sampler keeps.

A sampler decides *what* to try. Lifecycle, driven by the study's coordinator:

1. When a trial starts (``Study.ask``), the coordinator builds a
   :class:`SamplingContext` (trial number, the trial's own random generator,
   parameters fixed by ``enqueue_trial``) and calls
   ``infer_relative_space(history, context)`` and then
   ``sample_relative(history, context, space)``: the sampler proposes values
   for several parameters *jointly* (a model-based sampler's whole point).
2. While the objective runs, each ``suggest_*`` of a parameter the relative
   proposal did not cover calls ``sample_independent(history, context, name,
   distribution)``: define-by-run spaces (conditional parameters) get values
   here.
3. When the trial finishes, ``after_trial(history, trial)`` lets the sampler
   update any state it keeps. ``is_exhausted(history)`` tells ``optimize`` to
   stop (a finished grid).

Samplers only ever see a :class:`~hypersense.history.StudyHistory`, never the
study or its storage. Randomness comes from ``context.rng``, derived from the
sampler's seed and the trial number (not from the worker or the order trials
finish), so the same seed and the same finished trials give the same proposal.
"""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hypersense.history import StudyHistory
from hypersense.space.base import Distribution, ParamValue
from hypersense.space.search_space import SearchSpace
from hypersense.trial.frozen import FrozenTrial

__all__ = ["Sampler", "SamplingContext"]


@dataclass
class SamplingContext:
    """What a sampler knows about the trial it proposes for.

    Attributes:
        number: The trial's number in its study.
        rng: The trial's own random generator (seed + number).
        fixed_params: Values given by ``enqueue_trial`` or a retry; they win
            over any proposal.
        tags: Tags a pruner gave the trial (e.g. a Hyperband bracket).
        params: Values drawn so far for this trial.
        system_attrs: Attributes the sampler wants stored on the trial (written
            by the coordinator when the trial starts).
    """

    number: int
    rng: np.random.Generator
    fixed_params: Mapping[str, Any] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    system_attrs: dict[str, Any] = field(default_factory=dict)


def _fresh_entropy() -> int:
    entropy = np.random.SeedSequence().entropy
    assert isinstance(entropy, int)
    return entropy


class Sampler(ABC):
    """Proposes hyperparameter values from the history of a study.

    Args:
        seed: Seed of every random choice; None draws fresh entropy once, at
            construction.
    """

    def __init__(self, *, seed: int | None = None) -> None:
        if seed is not None and (not isinstance(seed, (int, np.integer)) or seed < 0):
            raise ValueError(f"`seed` must be a non-negative integer or None (got {seed!r})")
        self._seed = None if seed is None else int(seed)
        self._entropy: int = _fresh_entropy() if seed is None else int(seed)

    @property
    def seed(self) -> int | None:
        """The seed given at construction."""
        return self._seed

    def trial_rng(self, number: int) -> np.random.Generator:
        """The random generator of trial ``number`` (a pure function of seed and number)."""
        return np.random.default_rng(np.random.SeedSequence(self._entropy, spawn_key=(number, 0)))

    def trial_seed(self, number: int) -> int:
        """An integer seed the objective of trial ``number`` can use for its own RNGs."""
        ss = np.random.SeedSequence(self._entropy, spawn_key=(number, 1))
        return int(ss.generate_state(1, dtype=np.uint32)[0])

    def infer_relative_space(self, history: StudyHistory, context: SamplingContext) -> SearchSpace:
        """The parameters to propose jointly for this trial (none by default)."""
        return SearchSpace()

    def sample_relative(
        self, history: StudyHistory, context: SamplingContext, space: SearchSpace
    ) -> dict[str, ParamValue]:
        """Joint proposal for the parameters of ``space`` (empty by default)."""
        return {}

    @abstractmethod
    def sample_independent(
        self,
        history: StudyHistory,
        context: SamplingContext,
        name: str,
        distribution: Distribution,
    ) -> ParamValue:
        """A value for one parameter the relative proposal did not cover."""

    def after_trial(self, history: StudyHistory, trial: FrozenTrial) -> None:  # noqa: B027
        """Called once a trial has finished (any state)."""

    def is_exhausted(self, history: StudyHistory) -> bool:
        """Whether nothing is left to propose (``optimize`` then stops)."""
        return False

    def __repr__(self) -> str:
        """``ClassName(arg=value, ...)`` from the constructor's keyword arguments."""
        sig = inspect.signature(type(self).__init__)
        parts = []
        for name in sig.parameters:
            if name == "self":
                continue
            if hasattr(self, f"_{name}"):
                parts.append(f"{name}={getattr(self, f'_{name}')!r}")
        return f"{type(self).__name__}({', '.join(parts)})"
