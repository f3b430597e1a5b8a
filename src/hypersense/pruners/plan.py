"""The budget plan of a multi-fidelity study: brackets, rungs, trials and steps.

Before a run, :func:`plan_budget` says from a pruner's rungs
(:meth:`~hypersense.pruners.Pruner.rung_layout`) and a number of trials how
the trials fall into brackets (trial numbers ``0 .. n_trials - 1``, as a fresh
study numbers them) and how many reach each rung. Asynchronous successive
halving decides from the order trials arrive in, so a rung's count is a range,
and the plan gives three figures per rung:

- ``at_most``: every trial beats those before it and goes on (no pruning at
  all); the most steps the study can spend;
- ``at_least``: every trial is worse than those before it (by more than
  the noise); only the first trial at each rung goes on (it is judged alone);
- ``nominal``: successive halving's proportions, ``max(1, n // eta)`` of the
  ``n`` trials at a rung reach the next one (a rung whose values tie within
  the noise, see ``noise_tolerance``, lets more through).

Steps are counted as ``0 .. last``: a trial stopped at rung step ``r`` trained
``r + 1`` steps, a full training ``max_resource``. Failed or diverged trials
stop anywhere, so ``at_least`` assumes none. After a run, the same plan with
``trials`` counts what the study's trials actually reached and spent.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from hypersense._options import check_int
from hypersense.fidelity import BRACKET_TAG, RUNGS_TAG, rungs_of
from hypersense.pruners.base import Pruner
from hypersense.pruners.rungs import RungLayout, bracket_of
from hypersense.trial.frozen import FrozenTrial

__all__ = ["BracketPlan", "BudgetPlan", "RungPlan", "plan_budget", "steps_spent"]


@dataclass(frozen=True)
class RungPlan:
    """How many trials of a bracket reach one step.

    Attributes:
        step: A rung step, or ``max_resource - 1`` for the full training.
        is_full: Whether this is the full training (the bracket's last row).
        nominal: Successive halving's count (see the module).
        at_least: The fewest that reach it (only the first trial goes on).
        at_most: The most (every trial goes on).
        reached: Trials of a run that reported this step or later (None
            before a run).
    """

    step: int
    is_full: bool
    nominal: int
    at_least: int
    at_most: int
    reached: int | None = None


@dataclass(frozen=True)
class BracketPlan:
    """One bracket: its trials, its rungs and the steps they spend.

    Attributes:
        bracket: Its index (0: the most aggressive).
        n_trials: Trials planned in it (``trials_run`` after a run).
        rows: Its rungs, then the full training.
        steps_nominal: Steps spent with the ``nominal`` counts.
        steps_at_least: Steps spent with the ``at_least`` counts.
        steps_at_most: Steps spent with the ``at_most`` counts.
        trials_run: Trials of a run in this bracket (None before a run).
        steps_spent: Steps those trials reported (``last step + 1`` each).
    """

    bracket: int
    n_trials: int
    rows: tuple[RungPlan, ...]
    steps_nominal: int
    steps_at_least: int
    steps_at_most: int
    trials_run: int | None = None
    steps_spent: int | None = None


@dataclass(frozen=True)
class BudgetPlan:
    """The whole study's plan (and, after a run, what it spent).

    Attributes:
        pruner: The pruner's ``repr``.
        n_trials: Trials planned.
        max_resource: Steps of a full training.
        reduction_factor: ``eta``.
        brackets: One plan per bracket.
        steps_nominal: Sum over brackets.
        steps_at_least: Sum over brackets.
        steps_at_most: Sum over brackets: ``n_trials * max_resource``, the
            most steps the study can spend (and what it costs without pruning).
        trials_run: Trials of a run with intermediate values (None before).
        steps_spent: Steps they reported, bracket or not (None before).
    """

    pruner: str
    n_trials: int
    max_resource: int
    reduction_factor: int
    brackets: tuple[BracketPlan, ...]
    steps_nominal: int
    steps_at_least: int
    steps_at_most: int
    trials_run: int | None = None
    steps_spent: int | None = None


def plan_budget(
    pruner: Pruner, n_trials: int, *, trials: Sequence[FrozenTrial] | None = None
) -> BudgetPlan:
    """The budget plan of ``n_trials`` trials under ``pruner``; with ``trials``
    (a run's), also what they reached and spent.

    Raises:
        ValueError: ``n_trials`` is not an integer >= 1, or the pruner has no
            fixed rungs (not successive halving or Hyperband, or its
            ``max_resource`` is "auto").
    """
    check_int("n_trials", n_trials, minimum=1)
    layout = pruner.rung_layout()
    if layout is None:
        raise ValueError(
            f"{pruner!r} has no fixed rungs to plan: a budget plan needs a "
            "SuccessiveHalvingPruner or HyperbandPruner with an integer `max_resource`"
        )
    counts = Counter(bracket_of(number, layout.schedule) for number in range(n_trials))
    brackets = [_bracket_plan(layout, s, counts[s]) for s in range(len(layout.bracket_rungs))]
    if trials is not None:
        brackets = [_with_run(b, layout, trials) for b in brackets]
    ran = [t for t in trials or () if t.last_step is not None]
    return BudgetPlan(
        pruner=repr(pruner),
        n_trials=n_trials,
        max_resource=layout.max_resource,
        reduction_factor=layout.reduction_factor,
        brackets=tuple(brackets),
        steps_nominal=sum(b.steps_nominal for b in brackets),
        steps_at_least=sum(b.steps_at_least for b in brackets),
        steps_at_most=sum(b.steps_at_most for b in brackets),
        trials_run=None if trials is None else len(ran),
        steps_spent=None if trials is None else sum(steps_spent(t) for t in ran),
    )


def steps_spent(trial: FrozenTrial) -> int:
    """Steps ``0 .. last`` the trial reported: ``last_step + 1`` (0 without reports)."""
    return 0 if trial.last_step is None else trial.last_step + 1


def _bracket_plan(layout: RungLayout, bracket: int, n: int) -> BracketPlan:
    steps = (*layout.bracket_rungs[bracket], layout.max_resource - 1)
    nominal = [n]
    for _ in steps[1:]:
        nominal.append(max(1, nominal[-1] // layout.reduction_factor) if nominal[-1] else 0)
    at_least = [n] + [min(n, 1)] * (len(steps) - 1)
    at_most = [n] * len(steps)
    rows = tuple(
        RungPlan(step, i == len(steps) - 1, nominal[i], at_least[i], at_most[i])
        for i, step in enumerate(steps)
    )
    return BracketPlan(
        bracket=bracket,
        n_trials=n,
        rows=rows,
        steps_nominal=_steps(steps, nominal),
        steps_at_least=_steps(steps, at_least),
        steps_at_most=_steps(steps, at_most),
    )


def _steps(steps: Sequence[int], reaching: Sequence[int]) -> int:
    """Steps spent when ``reaching[k]`` trials report step ``steps[k]``: those that
    stop there trained ``steps[k] + 1`` steps."""
    going_on = [*reaching[1:], 0]
    return sum((r - g) * (s + 1) for s, r, g in zip(steps, reaching, going_on, strict=True))


def _with_run(plan: BracketPlan, layout: RungLayout, trials: Sequence[FrozenTrial]) -> BracketPlan:
    mine = [t for t in trials if _in_bracket(t, layout, plan.bracket) and t.last_step is not None]
    rows = tuple(
        replace(row, reached=sum(1 for t in mine if (t.last_step or 0) >= row.step))
        for row in plan.rows
    )
    return replace(
        plan, rows=rows, trials_run=len(mine), steps_spent=sum(steps_spent(t) for t in mine)
    )


def _in_bracket(trial: FrozenTrial, layout: RungLayout, bracket: int) -> bool:
    """Whether the pruner put ``trial`` in ``bracket`` (its tags say so)."""
    if RUNGS_TAG not in trial.tags or rungs_of(trial) != layout.bracket_rungs[bracket]:
        return False
    if len(layout.bracket_rungs) == 1:
        return True
    return trial.tags.get(BRACKET_TAG) == str(bracket)
