"""``GPSampler``: the adapter between a study's history and the GP numerics."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hypersense._options import check_bool, check_int
from hypersense.fidelity import MODEL_BUDGET_ATTR, observations_at_budget
from hypersense.history import StudyHistory
from hypersense.samplers.base import Sampler, SamplingContext
from hypersense.samplers.gp.acquisition import LogExpectedImprovement
from hypersense.samplers.gp.fitting import SurrogateFit, fit_surrogate
from hypersense.samplers.gp.model import GPPosterior
from hypersense.samplers.gp.model_space import ModelSpace
from hypersense.samplers.gp.optimize_acquisition import optimize_acquisition
from hypersense.samplers.gp.repeats import RepeatFilter
from hypersense.samplers.gp.scalarization import chebyshev_scalarization
from hypersense.samplers.gp.schedule import fit_checkpoint, subsample_indices
from hypersense.samplers.gp.startup import StartupDesign
from hypersense.samplers.gp.threads import BlasThreadLimiter
from hypersense.samplers.gp.trust_region import TrustRegion, local_neighbours, trust_region
from hypersense.samplers.gp.warping import fit_output_warp
from hypersense.samplers.space_inference import intersection_space
from hypersense.space.base import Distribution, ParamValue
from hypersense.space.search_space import SearchSpace
from hypersense.trial.frozen import FrozenTrial

__all__ = ["GPSampler"]

_log = logging.getLogger(__name__)

#: System attribute set (to True) on a trial whose point of highest expected
#: improvement repeated an evaluated or running trial, so that the GP proposed
#: the best point that does not (see :mod:`hypersense.samplers.gp.repeats`).
AVOIDED_REPEAT_ATTR = "gp_avoided_repeat"
#: System attribute holding the half-width (a fraction of the unit range,
#: before it is spread over the dimensions by the length scales) of the trust
#: region a trial was proposed in, on trials proposed locally (see
#: :mod:`hypersense.samplers.gp.trust_region`).
TRUST_REGION_ATTR = "gp_trust_region"

_N_INCUMBENTS = 4  # best observed points the acquisition optimiser searches around
_N_FIT_RESTARTS = 3  # L-BFGS-B runs per hyperparameter fit
# Spawn keys of this sampler's own random streams (trial streams use (number, 0|1)).
_FIT_STREAM = 2**32 + 1
_SUBSAMPLE_STREAM = 2**32 + 2
_STARTUP_STREAM = 2**32 + 3
_LOCAL_FIT_STREAM = 2**32 + 4


@dataclass(frozen=True, eq=False)
class _Observed:
    """What the GP learns from: trials, their losses in minimisation form
    (shape ``(n, k)``), and the budget level (None: final values, no
    multi-fidelity structure)."""

    trials: Sequence[FrozenTrial]
    losses: NDArray[np.float64]
    level: int | str | None


def _scalarize(losses: NDArray[np.float64], rng: np.random.Generator) -> NDArray[np.float64]:
    """One loss per row of ``losses`` ``(n, k)``; several objectives are scalarised
    with weights drawn from ``rng`` (one draw per call)."""
    if losses.shape[1] == 1:
        out: NDArray[np.float64] = losses[:, 0]
        return out
    return chebyshev_scalarization(losses, np.random.default_rng(rng.integers(2**63)))


class GPSampler(Sampler):
    """Bayesian optimisation with a Gaussian process and log expected improvement.

    The first ``n_startup_trials`` trials fill the space with a scrambled Sobol
    sequence. Afterwards every proposal fits a GP with a Matérn-5/2 kernel (one
    length scale per parameter, categorical parameters compared as categories)
    to the finished trials and proposes the point of highest log expected
    improvement, searching integers and categoricals over their actual values.
    Losses are standardised; heavy-tailed ones are also power-warped
    (Yeo-Johnson) when that makes them more probable under the fitted GP.
    Kernel hyperparameters are maximum a posteriori estimates, with priors,
    from several L-BFGS-B restarts; the noise variance is fitted too. The
    GP's constant prior mean is the generalised-least-squares estimate
    (ordinary kriging) rather than the average loss, which a search biases
    towards its good region: unexplored regions, the corners above all, then
    look no better than the function's typical level, and expected
    improvement spends fewer evaluations on the boundary (see
    :meth:`~hypersense.samplers.gp.model.GPPosterior.with_estimated_mean`).

    It never proposes a configuration already evaluated or running (up to
    rounding; integers and categories equal): when the point of highest log EI
    is one, it proposes the best point that is not, and marks the trial with
    the system attribute ``gp_avoided_repeat`` (see
    :mod:`hypersense.samplers.gp.repeats` for when EI does that and why a
    repeat is a wasted trial).

    Once the search has stalled (10 finished trials without a new best), every
    other trial searches a trust region: a box around the best trial, with a
    GP fitted to the trials nearest to it, halved after every further 10
    trials without improvement; the other trials keep searching the whole
    space. An improvement found by the global search ends the stall; one
    found inside the box keeps the box, at its width, around the new best
    (see :mod:`hypersense.samplers.gp.trust_region` for the rule and why).
    Such a trial records the box's half-width in the system attribute
    ``gp_trust_region``. ``trust_region=False`` turns this off.

    Parallel workers: trials still running count as observed at the GP's own
    prediction (a kriging-believer fantasy, incumbent included), which removes
    the expected improvement around them, so simultaneous proposals spread out.
    They also count towards the start-up once at least half of its trials
    finished, so that ``n_jobs`` workers switch to the GP after
    ``n_startup_trials`` proposals, as one worker does (4 workers and 10
    start-up trials would otherwise draw 12 start-up points). Before any trial
    finished, the space is read from the other running trials, so a parallel
    start takes start-up points instead of independent uniform draws.

    Cost as trials grow: kernel hyperparameters are refitted at every trial up
    to 32 completed trials, then at checkpoints spaced by 1/16 of the count
    (about every 12 trials at 200, every 60 at 1,000), on at most
    ``max_fit_points`` trials; the posterior uses at most
    ``max_model_points`` trials (the best quarter and a seeded random rest).
    Hyperparameters are a function of the trials at the last checkpoint, so a
    sampler restored from a pickle proposes exactly what the original would.

    While a proposal is computed, BLAS runs single-threaded in this process
    (the GP's many small matrix operations only lose from threading).

    The model learns from COMPLETE trials with finite values; pruned and
    failed trials are ignored. Parameters outside the space every completed
    trial shares (conditional ones) are drawn uniformly in their encoding.
    With a multi-fidelity pruner (successive halving, Hyperband: trials tagged
    with their rungs) it learns instead from the values at the highest budget
    level (a rung step, or the final value) that at least ``n_startup_trials``
    finished trials reached, pruned ones included, whatever their bracket;
    one start-up serves every bracket (see :mod:`hypersense.fidelity`).
    Several objectives are combined by a random augmented Chebyshev
    scalarisation per proposal (ParEGO).

    Args:
        n_startup_trials: Finished trials (running ones included, see above)
            before the GP is used (>= 1). On the
            quick benchmark (30 seeds) 8 gave lower regret after 25
            evaluations, but 10 trapped fewer Hartmann6 runs in a local
            optimum (11 of 30 against 14), so 10 it is.
        deterministic_objective: Fix the noise variance at a tiny floor (the
            objective returns the same value for the same parameters); otherwise
            the noise variance is fitted.
        consider_pending: Account for running trials (see above).
        warp_outputs: Allow the power warp of heavy-tailed losses.
        trust_region: Search a local trust region on every other trial once
            the search has stalled (single objective, final values only).
        max_fit_points: Most trials used to fit kernel hyperparameters (>= 8).
        max_model_points: Most trials in the GP posterior (>= 8).
        seed: Seed of every random choice.
    """

    def __init__(
        self,
        *,
        n_startup_trials: int = 10,
        deterministic_objective: bool = False,
        consider_pending: bool = True,
        warp_outputs: bool = True,
        trust_region: bool = True,
        max_fit_points: int = 128,
        max_model_points: int = 2000,
        seed: int | None = None,
    ) -> None:
        super().__init__(seed=seed)
        self._n_startup_trials = check_int("n_startup_trials", n_startup_trials, minimum=1)
        self._deterministic_objective = check_bool(
            "deterministic_objective", deterministic_objective
        )
        self._consider_pending = check_bool("consider_pending", consider_pending)
        self._warp_outputs = check_bool("warp_outputs", warp_outputs)
        self._trust_region = check_bool("trust_region", trust_region)
        self._max_fit_points = check_int("max_fit_points", max_fit_points, minimum=8)
        self._max_model_points = check_int("max_model_points", max_model_points, minimum=8)
        self._startup = StartupDesign(self._stream_seed(_STARTUP_STREAM))
        self._model_spaces: dict[SearchSpace, ModelSpace] = {}
        self._fits: dict[tuple[SearchSpace, tuple[int, ...], int | str], SurrogateFit] = {}
        self._observed: tuple[StudyHistory, _Observed] | None = None
        self._blas = BlasThreadLimiter()

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_model_spaces"] = {}
        state["_fits"] = {}
        state["_observed"] = None
        state["_startup"] = StartupDesign(self._stream_seed(_STARTUP_STREAM))
        return state

    def _stream_seed(self, *key: int) -> np.random.SeedSequence:
        return np.random.SeedSequence(self._entropy, spawn_key=key)

    # ------------------------------------------------------------ contract
    def _observations(self, history: StudyHistory) -> _Observed:
        """The trials the GP learns from, their losses and the budget level."""
        last = self._observed
        if last is not None and last[0] is history:
            return last[1]
        level = observations_at_budget(history, min_observations=self._n_startup_trials)
        if level is None:
            trials = history.completed()
            observed = _Observed(trials, history.loss_matrix(list(trials)), None)
        else:
            observed = _Observed(level.trials, level.losses[:, None], level.label)
        self._observed = (history, observed)
        return observed

    def infer_relative_space(self, history: StudyHistory, context: SamplingContext) -> SearchSpace:
        """The parameters every observed trial has; before any trial finished, those
        of the other running trials (with pending trials considered), so the
        workers of a parallel start take start-up points, not independent draws."""
        trials = self._observations(history).trials
        if trials:
            return intersection_space(trials)
        if self._consider_pending:
            running = [t for t in history.running_besides(context.number) if t.params]
            if running:
                return intersection_space(running)
        return SearchSpace()

    def sample_relative(
        self, history: StudyHistory, context: SamplingContext, space: SearchSpace
    ) -> dict[str, ParamValue]:
        if len(space) == 0:
            return {}
        observed = self._observations(history)
        if self._in_startup(history, context, len(observed.trials)):
            return space.decode(self._startup.point(len(space), context.number))
        if observed.level is not None:
            context.system_attrs[MODEL_BUDGET_ATTR] = observed.level
        model_space = self._model_space(space)
        with self._blas.single_threaded():
            point = self._propose(history, context, model_space, observed)
        return model_space.decode(point)

    def sample_independent(
        self,
        history: StudyHistory,
        context: SamplingContext,
        name: str,
        distribution: Distribution,
    ) -> ParamValue:
        return distribution.from_unit(float(context.rng.random()))

    def _in_startup(self, history: StudyHistory, context: SamplingContext, n_observed: int) -> bool:
        """Whether trial ``context.number`` takes its start-up point rather than the GP's.

        Running trials count towards the start-up once half of it has finished:
        the GP fantasises them, and otherwise every worker of a batch would keep
        drawing start-up points while the first ones run.
        """
        if n_observed >= self._n_startup_trials:
            return False
        if not self._consider_pending or 2 * n_observed < self._n_startup_trials:
            return True
        n_running = len(history.running_besides(context.number))
        return n_observed + n_running < self._n_startup_trials

    # ------------------------------------------------------------ proposal
    def _model_space(self, space: SearchSpace) -> ModelSpace:
        if space not in self._model_spaces:
            self._model_spaces = {space: ModelSpace.from_search_space(space)}
        return self._model_spaces[space]

    def _propose(
        self,
        history: StudyHistory,
        context: SamplingContext,
        model_space: ModelSpace,
        observed: _Observed,
    ) -> NDArray[np.float64]:
        """The model-space point of highest log EI given the observations."""
        trials = observed.trials
        fit = self._surrogate_fit(model_space, observed)
        params = fit.params
        losses = _scalarize(observed.losses, context.rng)
        keep = subsample_indices(losses, self._max_model_points, context.rng)
        losses = losses[keep]
        x = model_space.encode([trials[i].params for i in keep])
        evaluated = x
        region = self._region(context, model_space, observed, x, losses, fit)
        if region is not None:
            # Inside a trust region the GP learns from the trials nearest to the
            # incumbent only, with its own hyperparameters (the local scale).
            context.system_attrs[TRUST_REGION_ATTR] = region.width
            near = local_neighbours(x, region)
            x, losses = x[near], losses[near]
            fit = self._fit(
                model_space, x, losses, self._stream_seed(_LOCAL_FIT_STREAM, context.number)
            )
            params = fit.params
        y = fit_output_warp(losses, allow_power=fit.power_warp)(losses)
        posterior = GPPosterior.with_estimated_mean(x, y, params, model_space.is_categorical)
        # The incumbent is the best posterior mean at an evaluated point (robust
        # to noise). Pending points are believed to land on the posterior mean,
        # and a believed value below the incumbent becomes the incumbent, so
        # the expected improvement around a pending point vanishes.
        best = float(np.min(posterior.mean_var(x)[0]))
        if self._consider_pending:
            pending = self._pending_points(history, context, model_space)
        else:
            pending = np.zeros((0, model_space.n_dims))
        if pending.shape[0]:
            best = min(best, float(np.min(posterior.mean_var(pending)[0])))
            posterior = posterior.with_fantasies(pending)
        order = np.argsort(y, kind="stable")[:_N_INCUMBENTS]
        optimum = optimize_acquisition(
            LogExpectedImprovement(posterior, best),
            model_space,
            lengthscales=params.lengthscales,
            incumbents=x[order],
            rng=context.rng,
            fixed=model_space.encode_partial(context.fixed_params),
            repeats=RepeatFilter(np.vstack([evaluated, pending]), model_space),
            region=region,
        )
        if optimum.avoided_repeat:
            context.system_attrs[AVOIDED_REPEAT_ATTR] = True
        _log.debug("trial %d: log EI %.3g at %s", context.number, optimum.value, optimum.point)
        return optimum.point

    def _region(
        self,
        context: SamplingContext,
        model_space: ModelSpace,
        observed: _Observed,
        x: NDArray[np.float64],
        losses: NDArray[np.float64],
        fit: SurrogateFit,
    ) -> TrustRegion | None:
        """The trust region this trial searches, or None (global search; always
        for several objectives and for multi-fidelity observations)."""
        if not self._trust_region or observed.losses.shape[1] != 1 or observed.level is not None:
            return None
        best_trial = observed.trials[int(np.argmin(observed.losses[:, 0]))]
        found_in = best_trial.system_attrs.get(TRUST_REGION_ATTR)
        return trust_region(
            observed.losses[:, 0],
            x[int(np.argmin(losses))],
            fit.params.lengthscales,
            model_space.is_categorical,
            context.number,
            incumbent_width=float(found_in) if isinstance(found_in, float) else None,
        )

    def _fit(
        self,
        model_space: ModelSpace,
        x: NDArray[np.float64],
        losses: NDArray[np.float64],
        seed: np.random.SeedSequence,
    ) -> SurrogateFit:
        """Hyperparameters (and the warp decision) for model-space points ``x`` and
        their ``losses``, with this sampler's settings. The global GP is fitted at
        refit checkpoints; a trust region's GP (a few dozen trials, cheap) afresh
        for every local proposal."""
        return fit_surrogate(
            x,
            losses,
            model_space.is_categorical,
            seed=seed,
            allow_power_warp=self._warp_outputs,
            n_restarts=_N_FIT_RESTARTS,
            fit_noise=not self._deterministic_objective,
        )

    def _surrogate_fit(self, model_space: ModelSpace, observed: _Observed) -> SurrogateFit:
        """Hyperparameters (and the warp decision) fitted on the trials up to the
        last refit checkpoint."""
        n_fit = fit_checkpoint(len(observed.trials))
        fit_trials = list(observed.trials[:n_fit])
        level = "final" if observed.level is None else observed.level
        key = (model_space.space, tuple(t.number for t in fit_trials), level)
        if key not in self._fits:
            rng = np.random.default_rng(self._stream_seed(_SUBSAMPLE_STREAM, n_fit))
            losses = _scalarize(observed.losses[:n_fit], rng)
            keep = subsample_indices(losses, self._max_fit_points, rng)
            fit = self._fit(
                model_space,
                model_space.encode([fit_trials[i].params for i in keep]),
                losses[keep],
                self._stream_seed(_FIT_STREAM, n_fit),
            )
            _log.debug("GP refit on %d trials: %s", len(keep), fit)
            self._fits = {key: fit}
        return self._fits[key]

    def _pending_points(
        self, history: StudyHistory, context: SamplingContext, model_space: ModelSpace
    ) -> NDArray[np.float64]:
        """Model-space points of running trials whose proposal covers the space."""
        space = model_space.space
        configs = []
        for trial in history.running_besides(context.number):
            proposed = trial.proposed_params
            if all(n in proposed and d.contains(proposed[n]) for n, d in space.items()):
                configs.append(proposed)
        if not configs:
            return np.zeros((0, model_space.n_dims))
        return model_space.encode(configs)
