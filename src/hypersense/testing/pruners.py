"""The conformance suite of pruners: what every :class:`~hypersense.pruners.Pruner` keeps.

``factory()`` must build a fresh pruner::

    from hypersense.testing import check_pruner
    check_pruner(lambda: MyPruner(threshold=0.5))

The checks call ``assign`` and ``decide`` on hand-built histories (no
trials, finished curves, NaN and infinite reports, both directions) and run
one real study. They hold a pruner to its contract, not to a pruning rule: any
decision is allowed, as long as it is a :class:`~hypersense.pruners.PruneDecision`
that depends only on the history and the trial given.
"""

from __future__ import annotations

import math
import pickle
from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np

import hypersense as hs
from hypersense.direction import StudyDirection
from hypersense.history import StudyHistory
from hypersense.pruners.base import PruneDecision, Pruner, TrialAssignment
from hypersense.samplers.random import RandomSampler
from hypersense.testing.base import (
    Check,
    CheckReport,
    CheckSkipped,
    expect,
    run_checks,
    subject_name,
)
from hypersense.trial.frozen import FrozenTrial
from hypersense.trial.state import TrialState

__all__ = [
    "PRUNER_CHECKS",
    "PrunerFactory",
    "PruningScenario",
    "check_assign_gives_a_budget_and_tags",
    "check_decide_returns_a_prune_decision",
    "check_deterministic_for_the_same_history",
    "check_handles_nan_intermediate_values",
    "check_multi_objective",
    "check_prunes_in_a_real_study",
    "check_pruner",
    "check_reads_only_the_history_it_is_given",
    "check_starts_with_no_trials",
    "pruning_scenarios",
]

#: Builds a fresh pruner.
PrunerFactory = Callable[[], Pruner]

NAN = math.nan
INF = math.inf


class PruningScenario(NamedTuple):
    """A history and the RUNNING trial a pruner decides on."""

    label: str
    history: StudyHistory
    trial: FrozenTrial


def _curve(start: float, n_steps: int, rng: np.random.Generator) -> dict[int, float]:
    """A learning curve: decaying from ``start`` with a little noise."""
    steps = np.arange(n_steps)
    values = start * 0.8**steps + rng.normal(0.0, 0.05, n_steps)
    return {int(s): float(v) for s, v in zip(steps, values, strict=True)}


def _finished(n_objectives: int, *, with_nan: bool) -> list[FrozenTrial]:
    """Eight COMPLETE trials (six steps), two PRUNED, one FAIL, one other RUNNING."""
    rng = np.random.default_rng(20240611)
    trials = []
    for number in range(8):
        curve = _curve(1.0 + number / 4, 6, rng)
        if with_nan and number % 3 == 0:
            curve[number % 6] = NAN if number != 6 else INF
        values = tuple(float(curve[5]) + k for k in range(n_objectives))
        trials.append(
            FrozenTrial(
                number=number, state=TrialState.COMPLETE, values=values, intermediate_values=curve
            )
        )
    for number in (8, 9):
        curve = _curve(4.0, 2, rng)
        trials.append(
            FrozenTrial(number=number, state=TrialState.PRUNED, intermediate_values=curve)
        )
    trials.append(FrozenTrial(number=10, state=TrialState.FAIL, fail_reason="diverged"))
    trials.append(
        FrozenTrial(number=11, state=TrialState.RUNNING, intermediate_values=_curve(2.0, 3, rng))
    )
    return trials


_RUNNING_CURVES: dict[str, dict[int, float]] = {
    "no report yet": {},
    "a bad first report": {0: 50.0},
    "a bad curve": {s: 40.0 - s for s in range(4)},
    "a good curve": {s: 0.5 * 0.5**s for s in range(4)},
    "a curve past every other trial": {s: 1.0 for s in range(10)},
    "reports with gaps": {0: 3.0, 2: 2.0, 5: 1.5},
}

_NAN_CURVES: dict[str, dict[int, float]] = {
    "only NaN": {0: NAN, 1: NAN},
    "NaN after finite reports": {0: 1.0, 1: 0.9, 2: NAN},
    "finite after NaN": {0: NAN, 1: 0.8},
    "infinite reports": {0: INF, 1: -INF},
}


def pruning_scenarios(
    *, n_objectives: int = 1, kind: str = "finished"
) -> tuple[PruningScenario, ...]:
    """Hand-built (history, running trial) pairs for both directions.

    Args:
        n_objectives: Objectives of the study (its first is minimised, then
            maximised; others are minimised).
        kind: ``"finished"`` (twelve trials of every state), ``"empty"`` (no
            other trial) or ``"nan"`` (NaN and infinite reports, in the history
            and in the running trial).
    """
    out = []
    for first in (StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE):
        directions = (first, *[StudyDirection.MINIMIZE] * (n_objectives - 1))
        others = [] if kind == "empty" else _finished(n_objectives, with_nan=kind == "nan")
        history = StudyHistory.from_trials(directions, others)
        curves = _NAN_CURVES if kind == "nan" else _RUNNING_CURVES
        for label, curve in curves.items():
            trial = FrozenTrial(
                number=len(others), state=TrialState.RUNNING, intermediate_values=curve
            )
            name = f"{first.value}, {len(others)} other trials, {label}"
            out.append(PruningScenario(name, history, trial))
    return tuple(out)


def _decision(pruner: Pruner, scenario: PruningScenario) -> PruneDecision:
    decision = pruner.decide(scenario.history, scenario.trial)
    expect(
        isinstance(decision, PruneDecision),
        f"decide returned {decision!r}, not a PruneDecision ({scenario.label})",
    )
    return decision


def _assignment(pruner: Pruner, scenario: PruningScenario) -> TrialAssignment:
    assignment = pruner.assign(scenario.history, scenario.trial.number)
    where = f"({scenario.label})"
    expect(
        isinstance(assignment, TrialAssignment),
        f"assign returned {assignment!r}, not a TrialAssignment {where}",
    )
    budget = assignment.budget
    expect(
        budget is None
        or (isinstance(budget, (int, float)) and math.isfinite(budget) and budget > 0),
        f"assign gave the budget {budget!r}; expected None or a positive number {where}",
    )
    expect(
        all(isinstance(k, str) and isinstance(v, str) for k, v in assignment.tags.items()),
        f"assign gave the tags {dict(assignment.tags)!r}; expected strings to strings {where}",
    )
    return assignment


def _answers(
    pruner: Pruner, scenarios: Sequence[PruningScenario]
) -> list[tuple[TrialAssignment, PruneDecision]]:
    return [(_assignment(pruner, s), _decision(pruner, s)) for s in scenarios]


def check_assign_gives_a_budget_and_tags(factory: PrunerFactory) -> None:
    """``assign`` gives a TrialAssignment: no budget or a positive one, string tags."""
    pruner = factory()
    for scenario in pruning_scenarios():
        _assignment(pruner, scenario)


def check_decide_returns_a_prune_decision(factory: PrunerFactory) -> None:
    """``decide`` returns a PruneDecision for curves good, bad, short, long and gapped."""
    pruner = factory()
    for scenario in pruning_scenarios():
        _decision(pruner, scenario)


def check_starts_with_no_trials(factory: PrunerFactory) -> None:
    """The first trial of a study, with no other trial, is assigned and decided on."""
    _answers(factory(), pruning_scenarios(kind="empty"))


def check_handles_nan_intermediate_values(factory: PrunerFactory) -> None:
    """NaN and infinite reports, the trial's own and other trials', do not crash it."""
    _answers(factory(), pruning_scenarios(kind="nan"))


def check_deterministic_for_the_same_history(factory: PrunerFactory) -> None:
    """The same history and trial give the same assignment and decision, asked
    twice in a row or of a fresh pruner."""
    pruner = factory()
    for scenario in pruning_scenarios() + pruning_scenarios(kind="nan"):
        first = _answers(pruner, [scenario])
        expect(
            _answers(pruner, [scenario]) == first,
            f"asked twice, the pruner answered differently ({scenario.label})",
        )
        expect(
            _answers(factory(), [scenario]) == first,
            f"a fresh pruner answered differently ({scenario.label})",
        )


def check_reads_only_the_history_it_is_given(factory: PrunerFactory) -> None:
    """Answers depend on nothing a pruner saw before, and the trials are not changed."""
    scenarios = pruning_scenarios()
    seasoned = factory()
    _answers(seasoned, pruning_scenarios(kind="nan") + pruning_scenarios(kind="empty"))
    trials = [s.history.trials() for s in scenarios] + [s.trial for s in scenarios]
    before = pickle.dumps(trials)
    expect(
        _answers(seasoned, scenarios) == _answers(factory(), scenarios),
        "a pruner that had seen other histories answered differently from a fresh one",
    )
    expect(pickle.dumps(trials) == before, "the trials changed while the pruner read them")


def check_multi_objective(factory: PrunerFactory) -> None:
    """With ``supports_multi_objective``, two-objective studies get valid answers;
    without it, ``assign`` or ``decide`` refuses them with a ValueError."""
    pruner = factory()
    scenarios = pruning_scenarios(n_objectives=2)
    if type(pruner).supports_multi_objective:
        _answers(pruner, scenarios)
        return
    for scenario in scenarios:
        try:
            _answers(pruner, [scenario])
        except ValueError:
            continue
        raise AssertionError(
            f"{subject_name(pruner)} declares supports_multi_objective = False but "
            f"answered for a two-objective study ({scenario.label})"
        )
    raise CheckSkipped(
        f"{subject_name(pruner)} declares supports_multi_objective = False "
        "(and refuses two-objective studies with ValueError, as it should)"
    )


def _reporting(trial: hs.Trial) -> float:
    x = trial.suggest_float("x", 0.0, 1.0)
    value = 10.0
    for step in range(8):
        value = (x + 0.1) * 4.0 * 0.7**step
        trial.report(value, step)
        if trial.should_prune():
            raise hs.TrialPruned()
    return value


def check_prunes_in_a_real_study(factory: PrunerFactory) -> None:
    """In a study whose objective reports every step, every trial ends COMPLETE
    or PRUNED, and a PRUNED trial stopped right after a report."""
    study = hs.create_study(pruner=factory(), sampler=RandomSampler(seed=0))
    study.optimize(_reporting, n_trials=20)
    for trial in study.trials:
        expect(
            trial.state in (TrialState.COMPLETE, TrialState.PRUNED),
            f"trial {trial.number} ended {trial.state.name}: {trial.fail_reason}",
        )
        if trial.state is TrialState.PRUNED:
            expect(trial.last_step is not None, f"trial {trial.number} pruned before a report")


#: Every pruner check, in the order :func:`check_pruner` runs them.
PRUNER_CHECKS: tuple[Check[PrunerFactory], ...] = tuple(
    Check(f)
    for f in (
        check_assign_gives_a_budget_and_tags,
        check_decide_returns_a_prune_decision,
        check_starts_with_no_trials,
        check_handles_nan_intermediate_values,
        check_deterministic_for_the_same_history,
        check_reads_only_the_history_it_is_given,
        check_multi_objective,
        check_prunes_in_a_real_study,
    )
)


def check_pruner(factory: PrunerFactory) -> CheckReport:
    """Run every pruner check on ``factory``.

    Returns:
        Which checks passed and which were skipped, and why.

    Raises:
        AssertionError: Naming every failed check and what it found.
    """
    return run_checks(PRUNER_CHECKS, factory, subject=subject_name(factory()))
