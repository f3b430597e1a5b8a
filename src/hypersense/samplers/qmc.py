"""Quasi-random sampling: scrambled Sobol or Halton sequences (scipy.stats.qmc)."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from hypersense.history import StudyHistory
from hypersense.samplers.base import Sampler, SamplingContext
from hypersense.samplers.space_inference import intersection_space
from hypersense.space.base import Distribution, ParamValue
from hypersense.space.search_space import SearchSpace
from hypersense.trial.state import TrialState

__all__ = ["QMCSampler"]

_log = logging.getLogger(__name__)
_KINDS = ("sobol", "halton")


class QMCSampler(Sampler):
    """Fills the space evenly with a low-discrepancy sequence.

    Trial ``n`` takes point ``n`` of one (scrambled) sequence over the space that
    the first finished trial revealed, so parallel workers never take the same
    point and a re-run with the same seed takes the same points. Parameters
    outside that space (conditional ones, or everything in trial 0) are drawn
    uniformly at random.

    Args:
        qmc_type: ``"sobol"`` (default; best with 2^k trials) or ``"halton"``.
        scramble: Randomise the sequence (Owen scrambling / random permutations),
            which keeps its evenness but removes its lattice artefacts.
        seed: Seed of the scrambling and of the random fallback.
    """

    def __init__(
        self, *, qmc_type: str = "sobol", scramble: bool = True, seed: int | None = None
    ) -> None:
        super().__init__(seed=seed)
        if qmc_type not in _KINDS:
            raise ValueError(f"`qmc_type` must be one of {list(_KINDS)} (got {qmc_type!r})")
        self._qmc_type = qmc_type
        self._scramble = bool(scramble)
        self._cache: dict[tuple[int, int], np.ndarray] = {}

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_cache"] = {}
        return state

    def infer_relative_space(self, history: StudyHistory, context: SamplingContext) -> SearchSpace:
        finished = history.trials((TrialState.COMPLETE, TrialState.PRUNED))
        if not finished:
            return SearchSpace()
        # The first finished trial fixes the space, so every later trial uses
        # the same dimensions of the same sequence.
        return intersection_space(finished[:1])

    def _points(self, dim: int, n: int) -> np.ndarray:
        """The first ``n`` points of this sampler's sequence in ``dim`` dimensions."""
        from scipy.stats import qmc

        key = (dim, n)
        if key not in self._cache:
            rng = np.random.default_rng(np.random.SeedSequence(self._entropy, spawn_key=(2**31,)))
            engine: Any
            if self._qmc_type == "sobol":
                engine = qmc.Sobol(d=dim, scramble=self._scramble, seed=rng)
            else:
                engine = qmc.Halton(d=dim, scramble=self._scramble, seed=rng)
            self._cache = {key: engine.random(n)}
        return self._cache[key]

    def sample_relative(
        self, history: StudyHistory, context: SamplingContext, space: SearchSpace
    ) -> dict[str, ParamValue]:
        if len(space) == 0:
            return {}
        # Grow the cached prefix in powers of two so long studies stay cheap.
        n = 1 << max(int(context.number).bit_length(), 4)
        point = self._points(len(space), n)[context.number]
        return space.decode(point)

    def sample_independent(
        self,
        history: StudyHistory,
        context: SamplingContext,
        name: str,
        distribution: Distribution,
    ) -> ParamValue:
        return distribution.from_unit(float(context.rng.random()))
