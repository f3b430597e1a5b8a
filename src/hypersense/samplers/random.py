"""Independent uniform sampling in the encoded space."""

from __future__ import annotations

from hypersense.history import StudyHistory
from hypersense.samplers.base import Sampler, SamplingContext
from hypersense.space.base import Distribution, ParamValue

__all__ = ["RandomSampler"]


class RandomSampler(Sampler):
    """Draws every parameter uniformly in its encoded scale.

    A log-scaled range is sampled log-uniformly, an integer or categorical
    uniformly over its values. The baseline every other sampler must beat.

    Args:
        seed: Seed of the random draws.
    """

    def __init__(self, *, seed: int | None = None) -> None:
        super().__init__(seed=seed)

    def sample_independent(
        self,
        history: StudyHistory,
        context: SamplingContext,
        name: str,
        distribution: Distribution,
    ) -> ParamValue:
        return distribution.from_unit(context.uniform(name))
