"""Objectives that raise, return junk, or are interrupted: stored as FAIL, study goes on."""

from __future__ import annotations

import math
import numbers
import os
import sys
import threading
import time
from collections.abc import Callable
from fractions import Fraction

import pytest

import hypersense as hs
from hypersense.execution import ObjectiveError
from hypersense.trial import SystemAttr


class BoomError(Exception):
    pass


def test_exception_not_in_catch_is_raised_after_the_trial_is_stored(
    storage_url: str | None,
) -> None:
    study = hs.create_study(storage=storage_url)

    def objective(trial: hs.Trial) -> float:
        trial.suggest_float("x", 0, 1)
        raise BoomError("no luck")

    with pytest.raises(BoomError, match="no luck"):
        study.optimize(objective, n_trials=5)
    (trial,) = study.trials
    assert trial.state is hs.TrialState.FAIL
    assert trial.fail_reason == "BoomError: no luck"
    assert "raise BoomError" in trial.system_attrs["traceback"]
    assert "x" in trial.params


def test_exception_in_catch_fails_the_trial_and_the_study_goes_on() -> None:
    study = hs.create_study()

    def objective(trial: hs.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        if trial.number % 2:
            raise BoomError(f"odd {trial.number}")
        return x

    study.optimize(objective, n_trials=6, catch=BoomError)
    states = [t.state for t in study.trials]
    assert states == [hs.TrialState.COMPLETE, hs.TrialState.FAIL] * 3
    assert study.trials[3].fail_reason == "BoomError: odd 3"


@pytest.mark.parametrize(
    ("returned", "reason"),
    [
        (math.nan, "non-finite value (nan)"),
        (math.inf, "non-finite value (inf)"),
        ("0.5", "expected a number"),
        (None, "expected a number"),
        ([1.0, 2.0], "returned 2 value(s) but the study has 1 direction"),
        ([], "returned 0 value(s)"),
        (True, "expected a number"),
    ],
)
def test_unusable_return_values_fail_the_trial_with_the_reason(
    returned: object, reason: str
) -> None:
    study = hs.create_study()
    study.optimize(lambda t: returned, n_trials=2)
    assert [t.state for t in study.trials] == [hs.TrialState.FAIL] * 2
    assert reason in (study.trials[0].fail_reason or "")


def test_numpy_values_are_accepted() -> None:
    import numpy as np

    study = hs.create_study(directions=["minimize", "minimize"])
    study.optimize(lambda t: np.array([np.float32(1.5), np.int64(2)]), n_trials=1)
    assert study.trials[0].values == (1.5, 2.0)


def test_keyboard_interrupt_marks_the_running_trial_and_keeps_the_finished(
    storage_url: str | None,
) -> None:
    study = hs.create_study(study_name="ctrl-c", storage=storage_url)

    def objective(trial: hs.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        if trial.number == 3:
            raise KeyboardInterrupt
        return x

    with pytest.raises(KeyboardInterrupt):
        study.optimize(objective, n_trials=10)
    trials = study.trials
    assert [t.state for t in trials] == [hs.TrialState.COMPLETE] * 3 + [hs.TrialState.FAIL]
    assert trials[3].fail_reason == "interrupted (KeyboardInterrupt)"
    assert trials[3].system_attrs["interrupted"] is True

    if storage_url is not None:  # resume from the storage, in a new Study object
        resumed = hs.load_study("ctrl-c", storage_url)
        resumed.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
        assert len(resumed.trials) == 7
        assert sum(t.state is hs.TrialState.COMPLETE for t in resumed.trials) == 6


def test_interrupted_trial_is_requeued_when_retries_are_allowed() -> None:
    study = hs.create_study(max_retries=1)
    calls = []

    def objective(trial: hs.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        calls.append(x)
        if len(calls) == 1:
            raise KeyboardInterrupt
        return x

    with pytest.raises(KeyboardInterrupt):
        study.optimize(objective, n_trials=3)
    study.optimize(objective, n_trials=1)
    first, retry = study.trials
    assert retry.params == first.params and retry.state is hs.TrialState.COMPLETE
    assert retry.system_attrs["retry_of"] == 0 and first.system_attrs["retried_by"] == 1


def test_pruned_trial_keeps_its_last_reported_value() -> None:
    study = hs.create_study(pruner=hs.pruners.MedianPruner(n_startup_trials=2))

    def objective(trial: hs.Trial) -> float:
        offset = 10.0 if trial.number >= 2 else trial.number
        for step in range(5):
            trial.report(offset + step, step)
            if trial.should_prune():
                raise hs.TrialPruned
        return offset + 4

    study.optimize(objective, n_trials=4)
    states = [t.state for t in study.trials]
    assert states == [hs.TrialState.COMPLETE] * 2 + [hs.TrialState.PRUNED] * 2
    pruned = study.trials[2]
    assert pruned.intermediate_values == {0: 10.0} and pruned.values == (10.0,)


def test_reporting_bad_steps_and_values_is_refused() -> None:
    trial = hs.create_study().ask()
    with pytest.raises(ValueError, match="step"):
        trial.report(1.0, -1)
    with pytest.raises(TypeError, match="must be a number"):
        trial.report("1.0", 0)  # type: ignore[arg-type]
    trial.report(1.0, 0)
    trial.report(2.0, 0)  # a repeated step keeps the first value
    assert trial.should_prune() is False


# ---------------------------------------------------- the same for every n_jobs
class _Unconvertible:
    """A Real number (by registration) whose float() raises, like a Decimal NaN."""

    def __float__(self) -> float:
        raise ArithmeticError("no float for you")


numbers.Real.register(_Unconvertible)


@pytest.mark.parametrize("n_jobs", [1, 2])
@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (
            lambda: 10**400,
            "the objective's value 0 (an integer of about 10**400) cannot be converted to a "
            "float: OverflowError: int too large to convert to float",
        ),
        (lambda: [Fraction(10**400)], "cannot be converted to a float: OverflowError"),
        (
            _Unconvertible,
            "cannot be converted to a float: ArithmeticError: no float for you",
        ),
    ],
    ids=["huge-int", "huge-fraction", "float-raises"],
)
def test_values_without_a_float_fail_the_trial_and_the_study_goes_on(
    n_jobs: int, make: Callable[[], object], reason: str
) -> None:
    study = hs.create_study(max_retries=1)  # a lost trial would show as a retry
    study.optimize(lambda t: make(), n_trials=4, n_jobs=n_jobs)
    assert [t.state for t in study.trials] == [hs.TrialState.FAIL] * 4
    assert all(reason in (t.fail_reason or "") for t in study.trials)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_sys_exit_fails_its_trial_then_stops_the_study(n_jobs: int) -> None:
    study = hs.create_study(max_retries=1)

    def objective(trial: hs.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        if trial.number == 0:
            sys.exit(3)
        time.sleep(30)  # with n_jobs=2, trial 1 runs until the study stops
        return x

    with pytest.raises(SystemExit) as info:
        study.optimize(objective, n_trials=10, n_jobs=n_jobs)
    assert info.value.code == 3 and not isinstance(info.value, hs.Terminated)
    exited = study.trials[0]
    assert exited.state is hs.TrialState.FAIL
    assert exited.fail_reason == "SystemExit: the objective called sys.exit(3)"
    assert "sys.exit(3)" in exited.system_attrs[SystemAttr.TRACEBACK]
    assert SystemAttr.RETRIED_BY not in exited.system_attrs  # deliberate, not lost
    assert all(t.state is not hs.TrialState.RUNNING for t in study.trials)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_sys_exit_in_catch_lets_the_study_and_its_workers_go_on(n_jobs: int) -> None:
    study = hs.create_study(max_retries=1)

    def objective(trial: hs.Trial) -> float:
        trial.set_user_attr("pid", os.getpid())
        sys.exit()

    study.optimize(objective, n_trials=6, n_jobs=n_jobs, catch=SystemExit)  # type: ignore[arg-type]
    assert [t.fail_reason for t in study.trials] == [
        "SystemExit: the objective called sys.exit()"
    ] * 6
    pids = {t.user_attrs["pid"] for t in study.trials}
    if n_jobs == 1:
        assert pids == {os.getpid()}
    else:  # six trials on the two workers prepared at the start: none died
        assert len(pids) == 2 and os.getpid() not in pids


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_keyboard_interrupt_raised_by_the_objective_stops_the_study_as_ctrl_c(
    n_jobs: int,
) -> None:
    study = hs.create_study(max_retries=1)

    def objective(trial: hs.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        if trial.number == 0:
            raise KeyboardInterrupt
        time.sleep(30)  # with n_jobs=2, trial 1 runs until the study stops
        return x

    with pytest.raises(KeyboardInterrupt):
        study.optimize(objective, n_trials=10, n_jobs=n_jobs)
    trials = study.trials
    first = trials[0]
    assert first.state is hs.TrialState.FAIL
    assert first.fail_reason == "interrupted (KeyboardInterrupt)"
    assert first.system_attrs[SystemAttr.INTERRUPTED] is True
    retry = trials[first.system_attrs[SystemAttr.RETRIED_BY]]
    assert retry.state is hs.TrialState.WAITING
    assert retry.system_attrs[SystemAttr.FIXED_PARAMS] == first.params
    assert all(t.state is not hs.TrialState.RUNNING for t in trials)
    assert not any("worker process died" in (t.fail_reason or "") for t in trials)


class _UnpicklableError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.lock = threading.Lock()  # cannot be pickled


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_an_exception_that_cannot_be_pickled_is_stored_the_same(n_jobs: int) -> None:
    study = hs.create_study()

    def objective(trial: hs.Trial) -> float:
        if trial.number == 0:
            raise _UnpicklableError("with a lock")
        time.sleep(30)  # with n_jobs=2, trial 1 runs until the study stops
        return 0.0

    raised = _UnpicklableError if n_jobs == 1 else ObjectiveError
    with pytest.raises(raised, match="with a lock"):
        study.optimize(objective, n_trials=3, n_jobs=n_jobs)
    assert study.trials[0].fail_reason == "_UnpicklableError: with a lock"
