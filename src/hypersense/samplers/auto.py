"""The default sampler: for each trial, the model that suits the study as it stands."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from hypersense.history import StudyHistory
from hypersense.samplers.base import Sampler, SamplingContext
from hypersense.samplers.space_inference import intersection_space
from hypersense.space.base import Distribution, ParamValue
from hypersense.space.search_space import SearchSpace
from hypersense.trial.frozen import FrozenTrial
from hypersense.trial.state import TrialState

__all__ = ["AutoSampler", "choose_sampler"]

#: System attribute naming the sampler AutoSampler used for a trial.
CHOICE_ATTR = "auto_sampler"

ConstraintsFunc = Callable[[FrozenTrial], Sequence[float]]


def choose_sampler(
    *,
    n_objectives: int,
    n_finished: int,
    dimension: int,
    conditional: bool,
    constrained: bool,
    gp_max_trials: int,
    gp_max_dimension: int,
) -> str:
    """The rule of :class:`AutoSampler`, as a pure function of the study's shape.

    Returns ``"tpe"`` or ``"gp"``:

    - several objectives, user constraints, or a conditional (define-by-run)
      space: TPE, whose Parzen estimators handle all three natively;
    - otherwise a Gaussian process while it is affordable and at its best —
      up to ``gp_max_dimension`` parameters and ``gp_max_trials`` finished
      trials — and TPE beyond (its cost grows linearly with the trials, and
      on long runs its local refinement catches up with the GP's).
    """
    if n_objectives > 1 or constrained or conditional:
        return "tpe"
    if dimension > gp_max_dimension or n_finished >= gp_max_trials:
        return "tpe"
    return "gp"


class AutoSampler(Sampler):
    """Picks the sampler for each trial from the study's shape; the default sampler.

    The choice is a pure function of the history (objectives, constraints,
    whether the space is conditional, its dimension, the number of finished
    trials; see :func:`choose_sampler`), so every worker and a resumed study make
    the same choice, and it is stored on each trial as the system attribute
    ``auto_sampler``. Both models see every trial, whichever sampler proposed it.

    Args:
        gp_max_trials: Finished trials after which the Gaussian process hands
            over to TPE.
        gp_max_dimension: Largest number of jointly modelled parameters for
            which the Gaussian process is used.
        constraints_func: Constraint values of a finished trial (<= 0 means
            feasible); passed to TPE, which models infeasible trials.
        seed: Seed of both samplers.
    """

    def __init__(
        self,
        *,
        gp_max_trials: int = 300,
        gp_max_dimension: int = 16,
        constraints_func: ConstraintsFunc | None = None,
        seed: int | None = None,
    ) -> None:
        super().__init__(seed=seed)
        for name, value in (
            ("gp_max_trials", gp_max_trials),
            ("gp_max_dimension", gp_max_dimension),
        ):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"`{name}` must be an integer >= 1 (got {value!r})")
        self._gp_max_trials = gp_max_trials
        self._gp_max_dimension = gp_max_dimension
        self._constraints_func = constraints_func
        self._samplers: dict[str, Sampler] = {}

    def _sampler(self, name: str) -> Sampler:
        if name not in self._samplers:
            if name == "gp":
                from hypersense.samplers.gp import GPSampler

                self._samplers[name] = GPSampler(seed=self._seed_for_delegates())
            else:
                from hypersense.samplers.tpe import TPESampler

                self._samplers[name] = TPESampler(
                    constraints_func=self._constraints_func, seed=self._seed_for_delegates()
                )
        return self._samplers[name]

    def _seed_for_delegates(self) -> int:
        # The delegates share the study's seed stream (a pure function of ours).
        return self.trial_key(2**62) >> 1

    def _decide(self, history: StudyHistory) -> str:
        finished = history.trials((TrialState.COMPLETE, TrialState.PRUNED))
        names = {frozenset(t.distributions) for t in finished}
        return choose_sampler(
            n_objectives=len(history.directions),
            n_finished=len(finished),
            dimension=len(intersection_space(finished)) if finished else 0,
            conditional=len(names) > 1,
            constrained=self._constraints_func is not None,
            gp_max_trials=self._gp_max_trials,
            gp_max_dimension=self._gp_max_dimension,
        )

    def _chosen(self, history: StudyHistory, context: SamplingContext) -> Sampler:
        name = context.system_attrs.get(CHOICE_ATTR)
        if not isinstance(name, str):
            name = self._decide(history)
            context.system_attrs[CHOICE_ATTR] = name
        return self._sampler(name)

    def infer_relative_space(self, history: StudyHistory, context: SamplingContext) -> SearchSpace:
        return self._chosen(history, context).infer_relative_space(history, context)

    def sample_relative(
        self, history: StudyHistory, context: SamplingContext, space: SearchSpace
    ) -> dict[str, ParamValue]:
        return self._chosen(history, context).sample_relative(history, context, space)

    def sample_independent(
        self,
        history: StudyHistory,
        context: SamplingContext,
        name: str,
        distribution: Distribution,
    ) -> ParamValue:
        return self._chosen(history, context).sample_independent(
            history, context, name, distribution
        )

    def after_trial(self, history: StudyHistory, trial: FrozenTrial) -> None:
        for sampler in self._samplers.values():
            sampler.after_trial(history, trial)
