"""A local random search: uniform draws at first, then draws near the best trial."""

from __future__ import annotations

from typing import ClassVar

from hypersense.history import StudyHistory
from hypersense.samplers import Sampler, SamplingContext
from hypersense.space import Distribution, ParamValue


class LocalSearchSampler(Sampler):
    """Draws uniformly for the first ``n_startup_trials`` finished trials, then
    perturbs the best trial's value of each parameter in the unit cube.

    Args:
        n_startup_trials: Finished trials before the search turns local.
        radius: Half-width of the perturbation, as a fraction of each range.
        seed: Seed of every draw.
    """

    # It ranks trials by one value, so it refuses multi-objective studies.
    supports_multi_objective: ClassVar[bool] = False

    def __init__(
        self, *, n_startup_trials: int = 5, radius: float = 0.1, seed: int | None = None
    ) -> None:
        super().__init__(seed=seed)
        if not isinstance(n_startup_trials, int) or n_startup_trials < 1:
            raise ValueError(
                f"`n_startup_trials` must be an integer >= 1 (got {n_startup_trials!r})"
            )
        if not 0.0 < radius <= 0.5:
            raise ValueError(f"`radius` must be in (0, 0.5] (got {radius!r})")
        self._n_startup_trials = n_startup_trials
        self._radius = radius

    def sample_independent(
        self,
        history: StudyHistory,
        context: SamplingContext,
        name: str,
        distribution: Distribution,
    ) -> ParamValue:
        if history.is_multi_objective:
            raise ValueError("LocalSearchSampler optimises a single objective")
        draw = context.uniform(name)
        done = [t for t in history.completed() if name in t.params]
        if len(done) < self._n_startup_trials:
            return distribution.from_unit(draw)
        losses = history.loss_matrix(done)[:, 0]
        best = done[int(losses.argmin())]
        centre = distribution.to_unit(best.params[name])
        u = centre + (2.0 * draw - 1.0) * self._radius
        return distribution.from_unit(min(max(u, 0.0), 1.0 - 1e-12))
