"""The conformance suite of samplers: what every :class:`~hypersense.samplers.Sampler` keeps.

``factory(seed)`` must build a fresh sampler seeded with ``seed``::

    from hypersense.testing import check_sampler
    check_sampler(lambda seed: MySampler(seed=seed))

Every check runs real studies in memory. ``n_trials`` is the length of the
short studies; make it long enough for a model-based sampler to leave its
start-up phase (e.g. ``n_startup_trials=4`` and the default 12).
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import hypersense as hs
from hypersense.history import StudyHistory
from hypersense.samplers.base import Sampler, SamplingContext
from hypersense.space.base import Distribution, ParamValue
from hypersense.space.categorical import CategoricalDistribution
from hypersense.space.numeric import FloatDistribution, IntDistribution
from hypersense.testing.base import (
    Check,
    CheckReport,
    CheckSkipped,
    expect,
    run_checks,
    subject_name,
)

__all__ = [
    "SAMPLER_CHECKS",
    "SamplerFactory",
    "check_conditional_parameters_stay_in_their_branch",
    "check_different_seeds_give_different_proposals",
    "check_does_not_mutate_the_history",
    "check_multi_objective",
    "check_pickles_and_keeps_proposing",
    "check_proposal_depends_only_on_seed_and_history",
    "check_respects_the_space",
    "check_same_seed_gives_same_proposals",
    "check_sampler",
    "representative_spaces",
]

#: Builds a fresh sampler from a seed.
SamplerFactory = Callable[[int | None], Sampler]

Space = Mapping[str, Distribution]


def representative_spaces() -> tuple[dict[str, Distribution], ...]:
    """Search spaces covering every kind of distribution and their edge cases:
    log and stepped ranges, mixed-type choices, wide, narrow and one-value ranges."""
    return (
        {
            "linear": FloatDistribution(-3.5, 12.0),
            "log": FloatDistribution(1e-6, 1e3, log=True),
            "stepped": FloatDistribution(-1.0, 2.0, step=0.25),
            "int": IntDistribution(-7, 40),
            "int_log": IntDistribution(1, 100_000, log=True),
            "int_stepped": IntDistribution(-10, 50, step=3),
            "choice": CategoricalDistribution(("a", 3, 2.5, True, None)),
        },
        {
            "wide": FloatDistribution(-1e4, 1e4),
            "narrow": FloatDistribution(0.1, 0.1 + 1e-7),
            "pair": IntDistribution(0, 1),
        },
        {
            "one_float": FloatDistribution(2.0, 2.0),
            "one_int": IntDistribution(5, 5),
            "one_choice": CategoricalDistribution(("only",)),
            "x": FloatDistribution(0.0, 1.0),
        },
    )


def _study(sampler: Sampler, n_objectives: int = 1) -> hs.Study:
    return hs.create_study(
        directions=["minimize"] * n_objectives, sampler=sampler, heartbeat_interval_s=None
    )


def _objective_over(space: Space) -> Callable[[hs.Trial], float]:
    def objective(trial: hs.Trial) -> float:
        return sum(dist.to_unit(trial.suggest(name, dist)) for name, dist in space.items())

    return objective


def _conditional(trial: hs.Trial) -> float:
    kind = trial.suggest_categorical("kind", ["linear", "tree"])
    if kind == "linear":
        c = trial.suggest_float("c", 1e-4, 1e2, log=True)
        return abs(FloatDistribution(1e-4, 1e2, log=True).to_unit(c) - 0.5)
    depth = trial.suggest_int("depth", 1, 12)
    frac = trial.suggest_float("frac", 0.1, 1.0, step=0.1)
    return depth / 12 + frac


def _two_objectives(trial: hs.Trial) -> tuple[float, float]:
    x = trial.suggest_float("x", 0.0, 1.0)
    y = trial.suggest_float("y", 0.0, 1.0)
    return x, (1.0 - x) ** 2 + y


def _expect_all_complete(study: hs.Study) -> None:
    for trial in study.trials:
        expect(
            trial.state is hs.TrialState.COMPLETE,
            f"trial {trial.number} ended {trial.state.name}: {trial.fail_reason}",
        )


def _proposals(study: hs.Study) -> list[dict[str, Any]]:
    return [dict(t.params) for t in study.trials]


def check_respects_the_space(
    factory: SamplerFactory, *, n_trials: int = 12, spaces: Sequence[Space] | None = None
) -> None:
    """Every proposal lies in its distribution: bounds, steps, log scales, choices."""
    for i, space in enumerate(representative_spaces() if spaces is None else spaces):
        study = _study(factory(i))
        study.optimize(_objective_over(space), n_trials=n_trials)
        _expect_all_complete(study)
        for trial in study.trials:
            for name, dist in space.items():
                value = trial.params[name]
                expect(
                    dist.contains(value),
                    f"trial {trial.number} proposed {name}={value!r}, outside {dist!r}",
                )


def check_conditional_parameters_stay_in_their_branch(
    factory: SamplerFactory, *, n_trials: int = 12
) -> None:
    """In a define-by-run space, each trial has exactly the parameters of its branch."""
    study = _study(factory(1))
    study.optimize(_conditional, n_trials=2 * n_trials)
    _expect_all_complete(study)
    for trial in study.trials:
        branch = {"kind", "c"} if trial.params["kind"] == "linear" else {"kind", "depth", "frac"}
        expect(
            set(trial.params) == branch,
            f"trial {trial.number} has parameters {sorted(trial.params)}, "
            f"expected those of its branch {sorted(branch)}",
        )


def check_same_seed_gives_same_proposals(factory: SamplerFactory, *, n_trials: int = 12) -> None:
    """Two studies with samplers of the same seed propose the same values."""
    runs = []
    for _ in range(2):
        study = _study(factory(42))
        study.optimize(_conditional, n_trials=n_trials)
        runs.append(_proposals(study))
    expect(runs[0] == runs[1], f"seed 42 proposed {runs[0]} and then {runs[1]}")


def check_different_seeds_give_different_proposals(
    factory: SamplerFactory, *, n_trials: int = 12
) -> None:
    """Samplers of different seeds do not propose the same sequence."""
    runs = []
    for seed in (1, 2):
        study = _study(factory(seed))
        study.optimize(_conditional, n_trials=n_trials)
        runs.append(_proposals(study))
    expect(runs[0] != runs[1], f"seeds 1 and 2 both proposed {runs[0]}")


def _propose(
    sampler: Sampler, history: StudyHistory, number: int
) -> tuple[list[tuple[str, ParamValue]], ParamValue]:
    """One trial's proposal, the way the study's coordinator asks for it."""
    context = SamplingContext(
        number, rng_factory=lambda: sampler.trial_rng(number), key=sampler.trial_key(number)
    )
    space = sampler.infer_relative_space(history, context)
    relative = sampler.sample_relative(history, context, space)
    c = FloatDistribution(1e-4, 1e2, log=True)
    return sorted(relative.items()), sampler.sample_independent(history, context, "c", c)


def check_does_not_mutate_the_history(factory: SamplerFactory, *, n_trials: int = 12) -> None:
    """Proposing leaves the trials of the history unchanged."""
    study = _study(factory(3))
    study.optimize(_conditional, n_trials=n_trials)
    trials = study.trials
    before = pickle.dumps(trials)
    _propose(factory(3), StudyHistory.from_trials(study.directions, trials), len(trials))
    expect(pickle.dumps(trials) == before, "the trials changed while the sampler proposed")


def check_proposal_depends_only_on_seed_and_history(
    factory: SamplerFactory, *, n_trials: int = 12
) -> None:
    """A fresh sampler and one that ran the study propose the same next trial
    from the same history (no hidden state: a resumed study continues alike)."""
    sampler = factory(11)
    study = _study(sampler)
    study.optimize(_conditional, n_trials=n_trials)
    history = StudyHistory.from_trials(study.directions, study.trials)
    used = _propose(sampler, history, n_trials)
    fresh = _propose(factory(11), history, n_trials)
    expect(used == fresh, f"the sampler that ran proposed {used}, a fresh one {fresh}")


def check_pickles_and_keeps_proposing(factory: SamplerFactory, *, n_trials: int = 12) -> None:
    """A pickled and restored sampler keeps working on a study of the same trials."""
    sampler = factory(5)
    study = _study(sampler)
    study.optimize(_conditional, n_trials=max(1, n_trials // 2))
    clone = pickle.loads(pickle.dumps(sampler))
    expect(type(clone) is type(sampler), f"unpickled a {type(clone).__name__}")
    resumed = _study(clone)
    for trial in study.trials:
        resumed.enqueue_trial(dict(trial.params))
    resumed.optimize(_conditional, n_trials=n_trials)
    _expect_all_complete(resumed)


def check_multi_objective(factory: SamplerFactory, *, n_trials: int = 12) -> None:
    """With ``supports_multi_objective``, a two-objective study runs, in bounds and
    reproducibly; without it, such a study is refused with a ValueError."""
    sampler = factory(7)
    if not type(sampler).supports_multi_objective:
        try:
            _study(sampler, n_objectives=2).optimize(_two_objectives, n_trials=1)
        except ValueError:
            raise CheckSkipped(
                f"{subject_name(sampler)} declares supports_multi_objective = False "
                "(and refuses a two-objective study with ValueError, as it should)"
            ) from None
        raise AssertionError(
            f"{subject_name(sampler)} declares supports_multi_objective = False "
            "but ran a two-objective study instead of raising ValueError"
        )
    runs = []
    for candidate in (sampler, factory(7)):
        study = _study(candidate, n_objectives=2)
        study.optimize(_two_objectives, n_trials=2 * n_trials)
        _expect_all_complete(study)
        for trial in study.trials:
            for name in ("x", "y"):
                value = trial.params[name]
                expect(0.0 <= value <= 1.0, f"trial {trial.number}: {name}={value!r}")
        runs.append(_proposals(study))
    expect(runs[0] == runs[1], "the same seed proposed different two-objective trials")


#: Every sampler check, in the order :func:`check_sampler` runs them.
SAMPLER_CHECKS: tuple[Check[SamplerFactory], ...] = tuple(
    Check(f)
    for f in (
        check_respects_the_space,
        check_conditional_parameters_stay_in_their_branch,
        check_same_seed_gives_same_proposals,
        check_different_seeds_give_different_proposals,
        check_does_not_mutate_the_history,
        check_proposal_depends_only_on_seed_and_history,
        check_pickles_and_keeps_proposing,
        check_multi_objective,
    )
)


def check_sampler(factory: SamplerFactory, *, n_trials: int = 12) -> CheckReport:
    """Run every sampler check on ``factory``.

    Returns:
        Which checks passed and which were skipped, and why.

    Raises:
        AssertionError: Naming every failed check and what it found.
    """
    return run_checks(SAMPLER_CHECKS, factory, subject=_name(factory), n_trials=n_trials)


def _name(factory: SamplerFactory) -> str:
    return subject_name(factory(0))
