"""Objectives that raise, return junk, or are interrupted: stored as FAIL, study goes on."""

from __future__ import annotations

import math

import pytest

import hypersense as hs


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
