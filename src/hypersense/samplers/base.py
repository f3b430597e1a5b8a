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
import zlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import numpy as np

from hypersense.history import StudyHistory
from hypersense.space.base import Distribution, ParamValue
from hypersense.space.search_space import SearchSpace
from hypersense.trial.frozen import FrozenTrial

__all__ = ["Sampler", "SamplingContext"]


class SamplingContext:
    """What a sampler knows about the trial it proposes for.

    Attributes:
        number: The trial's number in its study.
        key: The trial's 64-bit key (seed + number), behind :meth:`uniform`.
        rng: The trial's own random generator (seed + number); built on first
            use when a factory is given instead.
        fixed_params: Values given by ``enqueue_trial`` or a retry; they win
            over any proposal.
        tags: Tags a pruner gave the trial (e.g. a Hyperband bracket).
        params: Values drawn so far for this trial.
        system_attrs: Attributes the sampler wants stored on the trial (written
            by the coordinator when the trial starts).
        claims: System attributes that no other trial of the study may hold
            with the same value (a grid point). The coordinator takes each
            atomically in the storage; if another process holds one already,
            the proposal is made again from a fresh history.
    """

    def __init__(
        self,
        number: int,
        rng: np.random.Generator | None = None,
        *,
        rng_factory: Callable[[], np.random.Generator] | None = None,
        key: int = 0,
        fixed_params: Mapping[str, Any] | None = None,
        tags: Mapping[str, str] | None = None,
        params: dict[str, Any] | None = None,
        system_attrs: dict[str, Any] | None = None,
        claims: dict[str, Any] | None = None,
    ) -> None:
        if rng is None and rng_factory is None:
            raise ValueError("SamplingContext needs `rng` or `rng_factory`")
        self.number = number
        self.key = key
        self._rng = rng
        self._rng_factory = rng_factory
        self.fixed_params: Mapping[str, Any] = dict(fixed_params or {})
        self.tags: Mapping[str, str] = dict(tags or {})
        self.params: dict[str, Any] = params if params is not None else {}
        self.system_attrs: dict[str, Any] = system_attrs if system_attrs is not None else {}
        self.claims: dict[str, Any] = claims if claims is not None else {}

    @property
    def rng(self) -> np.random.Generator:
        """The trial's own random generator."""
        if self._rng is None:
            assert self._rng_factory is not None
            self._rng = self._rng_factory()
        return self._rng

    def uniform(self, name: str) -> float:
        """A uniform draw in [0, 1) for parameter ``name``: a pure function of the
        trial's key and the name, so it does not depend on the order of suggestions
        (and needs no random generator)."""
        code = zlib.crc32(name.encode("utf-8"))
        return (_mix(self.key ^ (code << 17)) >> 11) * _TWO_TO_MINUS_53

    def __repr__(self) -> str:
        return (
            f"SamplingContext(number={self.number!r}, fixed_params={self.fixed_params!r}, "
            f"tags={self.tags!r}, params={self.params!r})"
        )


_MASK64 = (1 << 64) - 1
_TWO_TO_MINUS_53 = 2.0**-53
_SEED_SALT = 0x5EED5EED5EED5EED


def _mix(x: int) -> int:
    """SplitMix64's finaliser: a fast, well-mixing bijection of 64-bit integers."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK64
    return x ^ (x >> 31)


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

    #: Whether the sampler handles studies of several objectives. One that does
    #: not sets False and raises ValueError when a multi-objective study asks
    #: it for a trial; the conformance checks (:mod:`hypersense.testing`) hold
    #: it to either.
    supports_multi_objective: ClassVar[bool] = True

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
        # PCG64 seeds itself through a SeedSequence of this injective (seed, number) code.
        return np.random.Generator(np.random.PCG64((self._entropy << 64) | (number & _MASK64)))

    def trial_key(self, number: int) -> int:
        """A 64-bit key of trial ``number``: a pure function of the seed and the number."""
        base: int | None = getattr(self, "_base_key", None)
        if base is None:
            base = _mix(_mix(self._entropy & _MASK64) ^ (self._entropy >> 64))
            self._base_key = base
        return _mix(base ^ (number & _MASK64))

    def trial_seed(self, number: int) -> int:
        """An integer seed in [0, 2**32) the objective of trial ``number`` can use for its
        own RNGs (a pure function of the sampler's seed and the number)."""
        return _mix(self.trial_key(number) ^ _SEED_SALT) >> 32

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
