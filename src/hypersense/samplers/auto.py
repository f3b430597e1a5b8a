"""The default sampler: for each trial, the model that suits the study as it stands."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from hypersense._options import check_bool, check_int
from hypersense.history import StudyHistory
from hypersense.samplers.base import Sampler, SamplingContext
from hypersense.samplers.space_inference import intersection_space
from hypersense.space.base import Distribution, ParamValue
from hypersense.space.search_space import SearchSpace
from hypersense.trial.frozen import FrozenTrial
from hypersense.trial.state import TrialState

__all__ = ["AutoSampler", "choose_sampler", "gp_startup_trials"]

#: System attribute naming the sampler AutoSampler used for a trial.
CHOICE_ATTR = "auto_sampler"
#: System attribute holding the GP's number of start-up trials for a trial
#: proposed by the GP (see :func:`gp_startup_trials`).
STARTUP_ATTR = "auto_sampler_startup_trials"
#: System attribute set (to True) on the first trial when it took the middle of
#: every range.
CENTRE_ATTR = "auto_sampler_centre"
#: Fewest and most start-up trials of the GP.
_GP_STARTUP_BOUNDS = (4, 10)

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


def gp_startup_trials(dimension: int) -> int:
    """Quasi-random trials before the default's GP proposes, for ``dimension`` parameters.

    One more than the dimension, at least 4 and at most 10: the GP starts as
    soon as it has as many points as a linear trend needs, so on small spaces
    model-based proposals already count at 10 evaluations, while large spaces
    keep the full space-filling start (10, the GP sampler's own default).
    """
    low, high = _GP_STARTUP_BOUNDS
    return min(high, max(low, dimension + 1))


class AutoSampler(Sampler):
    """Picks the sampler for each trial from the study's shape; the default sampler.

    The choice is a pure function of the history (objectives, constraints,
    whether the space is conditional, its dimension, the number of finished
    trials; see :func:`choose_sampler`), so every worker and a resumed study make
    the same choice, and it is stored on each trial as the system attribute
    ``auto_sampler``. Both models see every trial, whichever sampler proposed it.

    The GP's start-up (scrambled Sobol points before the model proposes) is
    ``d + 1`` trials for ``d`` parameters, between 4 and 10 (see
    :func:`gp_startup_trials`); it is stored on the GP's trials as the system
    attribute ``auto_sampler_startup_trials``. Trials running in other workers
    are fantasised by the GP, and count towards its start-up once half of it
    finished (see :class:`~hypersense.samplers.gp.GPSampler`). Until a trial
    finishes, the dimension and the space are read from the other running
    trials, so the workers of a parallel start take start-up points. Once the
    GP's search has stalled (10 finished trials without a new best), every
    other trial searches a trust region around the best trial with a local GP
    (kept, around each new best, while it finds better trials) and records
    its half-width as the system attribute ``gp_trust_region`` (see
    :mod:`hypersense.samplers.gp.trust_region`).

    The very first trial of a study (number 0), with no space to read, takes
    the middle of every range in the parameter's encoding (the geometric
    middle of a log range, the middle value of an integer range or of the list
    of choices), whichever sampler was chosen, and records the system
    attribute ``auto_sampler_centre``. Users set ranges around the values they
    expect to work, so the middle is usually a better first guess than a
    uniform draw (it was on six of eight model-tuning benchmarks). It matters
    most where the start-up is most of the budget (few evaluations, many
    parameters); benchmarks/README.md has the measurements.
    ``first_trial_at_centre=False`` restores the uniform draw.

    Args:
        gp_max_trials: Finished trials after which the Gaussian process hands
            over to TPE.
        gp_max_dimension: Largest number of jointly modelled parameters for
            which the Gaussian process is used.
        constraints_func: Constraint values of a finished trial (<= 0 means
            feasible); passed to TPE, which models infeasible trials.
        first_trial_at_centre: Start at the middle of every range (see above).
        seed: Seed of both samplers.
    """

    def __init__(
        self,
        *,
        gp_max_trials: int = 300,
        gp_max_dimension: int = 16,
        constraints_func: ConstraintsFunc | None = None,
        first_trial_at_centre: bool = True,
        seed: int | None = None,
    ) -> None:
        super().__init__(seed=seed)
        self._gp_max_trials = check_int("gp_max_trials", gp_max_trials, minimum=1)
        self._gp_max_dimension = check_int("gp_max_dimension", gp_max_dimension, minimum=1)
        self._constraints_func = constraints_func
        self._first_trial_at_centre = check_bool("first_trial_at_centre", first_trial_at_centre)
        self._samplers: dict[str, Sampler] = {}

    def _sampler(self, name: str, n_startup: int) -> Sampler:
        key = f"gp-{n_startup}" if name == "gp" else name
        if key not in self._samplers:
            if name == "gp":
                from hypersense.samplers.gp import GPSampler

                self._samplers[key] = GPSampler(
                    n_startup_trials=n_startup, seed=self._seed_for_delegates()
                )
            else:
                from hypersense.samplers.tpe import TPESampler

                self._samplers[key] = TPESampler(
                    constraints_func=self._constraints_func, seed=self._seed_for_delegates()
                )
        return self._samplers[key]

    def _at_centre(self, context: SamplingContext) -> bool:
        """Whether this trial takes the middle of every range (the study's first)."""
        return self._first_trial_at_centre and context.number == 0

    def _seed_for_delegates(self) -> int:
        # The delegates share the study's seed stream (a pure function of ours).
        return self.trial_key(2**62) >> 1

    def _decide(self, history: StudyHistory, number: int) -> tuple[str, int]:
        """The sampler's name and, for the GP, its number of start-up trials
        (the dimension read from the other running trials while none finished)."""
        finished = history.trials((TrialState.COMPLETE, TrialState.PRUNED))
        names = {frozenset(t.distributions) for t in finished}
        known = list(finished) or [t for t in history.running_besides(number) if t.params]
        dimension = len(intersection_space(known)) if known else 0
        name = choose_sampler(
            n_objectives=len(history.directions),
            n_finished=len(finished),
            dimension=dimension,
            conditional=len(names) > 1,
            constrained=self._constraints_func is not None,
            gp_max_trials=self._gp_max_trials,
            gp_max_dimension=self._gp_max_dimension,
        )
        return name, gp_startup_trials(dimension)

    def _chosen(self, history: StudyHistory, context: SamplingContext) -> Sampler:
        attrs = context.system_attrs
        name, n_startup = attrs.get(CHOICE_ATTR), attrs.get(STARTUP_ATTR)
        if not isinstance(name, str):
            name, n_startup = self._decide(history, context.number)
            attrs[CHOICE_ATTR] = name
            if name == "gp":
                attrs[STARTUP_ATTR] = n_startup
            if self._at_centre(context):
                attrs[CENTRE_ATTR] = True  # see sample_independent
        if not isinstance(n_startup, int):
            # A trial recorded before the start-up was chosen by dimension.
            n_startup = _GP_STARTUP_BOUNDS[1]
        return self._sampler(name, n_startup)

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
        if self._at_centre(context):
            return distribution.middle()
        return self._chosen(history, context).sample_independent(
            history, context, name, distribution
        )

    def after_trial(self, history: StudyHistory, trial: FrozenTrial) -> None:
        for sampler in self._samplers.values():
            sampler.after_trial(history, trial)
