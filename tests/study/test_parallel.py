"""n_jobs > 1: worker processes, with every storage backend."""

from __future__ import annotations

import os
import signal
import time

import pytest

import hypersense as hs
from hypersense.execution import ProcessExecutor
from hypersense.samplers import GridSampler, RandomSampler
from hypersense.testing.executors import is_process_alive, wait_until


def slow_quadratic(trial: hs.Trial) -> float:
    x = trial.suggest_float("x", -1, 1)
    time.sleep(0.05)
    for step in range(3):
        trial.report(x * x + step, step)
    trial.set_user_attr("pid", os.getpid())
    return x * x


def terminates_itself_in_trial_1(trial: hs.Trial) -> float:
    x = trial.suggest_float("x", 0, 1)
    if trial.number == 1:
        os.kill(os.getpid(), signal.SIGTERM)  # this worker only
        time.sleep(30)
    return x


def test_two_worker_processes_run_trials_on_every_backend(storage_url: str | None) -> None:
    study = hs.create_study(storage=storage_url, sampler=RandomSampler(seed=0))
    study.optimize(slow_quadratic, n_trials=12, n_jobs=2)
    trials = study.trials
    assert [t.number for t in trials] == list(range(12))
    assert all(t.state is hs.TrialState.COMPLETE for t in trials)
    assert all(t.intermediate_values == {s: t.value + s for s in range(3)} for t in trials)  # type: ignore[operator]
    pids = {t.user_attrs["pid"] for t in trials}
    assert len(pids) == 2 and os.getpid() not in pids
    assert {t.system_attrs["worker"].split(":")[1] for t in trials} == {str(p) for p in pids}


def test_closures_run_in_workers() -> None:
    offset = 3.0
    study = hs.create_study()
    study.optimize(lambda t: t.suggest_float("x", 0, 1) + offset, n_trials=4, n_jobs=2)
    assert all(3.0 <= t.value <= 4.0 for t in study.trials)  # type: ignore[operator]


def test_pruning_works_across_processes() -> None:
    study = hs.create_study(pruner=hs.pruners.MedianPruner(n_startup_trials=2))

    def objective(trial: hs.Trial) -> float:
        bad = trial.number >= 2
        for step in range(4):
            trial.report(100.0 if bad else float(step), step)
            if trial.should_prune():
                raise hs.TrialPruned
        return 3.0

    study.optimize(objective, n_trials=2)  # two good ones first
    study.optimize(objective, n_trials=4, n_jobs=2)
    assert [t.state for t in study.trials[2:]] == [hs.TrialState.PRUNED] * 4


def test_grid_is_covered_exactly_once_by_parallel_workers(sqlite_url: str) -> None:
    grid = {"a": [1, 2, 3], "b": ["x", "y"], "c": [0.5, 1.5]}
    study = hs.create_study(storage=sqlite_url, sampler=GridSampler(grid))

    def objective(trial: hs.Trial) -> float:
        a = trial.suggest_int("a", 1, 3)
        trial.suggest_categorical("b", ["x", "y"])
        c = trial.suggest_float("c", 0, 2)
        time.sleep(0.02)
        return a * c

    study.optimize(objective, n_jobs=2)  # no n_trials: stops when the grid is done
    combos = [(t.params["a"], t.params["b"], t.params["c"]) for t in study.trials]
    assert len(combos) == 12 and len(set(combos)) == 12
    assert sorted(t.system_attrs["grid_id"] for t in study.trials) == list(range(12))


def test_a_dying_worker_fails_its_trial_and_is_replaced() -> None:
    study = hs.create_study(max_retries=1)

    def objective(trial: hs.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        if trial.number == 1:
            os._exit(3)  # a hard crash: no exception reaches hypersense
        return x

    study.optimize(objective, n_trials=4, n_jobs=2)
    crashed = study.trials[1]
    assert crashed.state is hs.TrialState.FAIL
    assert "worker process died (exit code 3)" in (crashed.fail_reason or "")
    retry = study.trials[crashed.system_attrs["retried_by"]]
    assert retry.params == crashed.params and retry.state is hs.TrialState.COMPLETE
    assert sum(t.state is hs.TrialState.COMPLETE for t in study.trials) >= 3


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_a_worker_terminated_alone_dies_like_a_killed_one(start_method: str) -> None:
    # SIGTERM sent to one worker (an OOM helper, an operator's `kill`), not to the
    # coordinator: that trial is lost and retried, the study goes on. A forked worker
    # must not inherit the coordinator's SIGTERM handler and stop the whole study.
    study = hs.create_study(max_retries=1, sampler=RandomSampler(seed=0))
    study.optimize(
        terminates_itself_in_trial_1,
        n_trials=4,
        executor=ProcessExecutor(2, start_method=start_method),
    )
    study.optimize(terminates_itself_in_trial_1, n_trials=1)  # runs the retry if still queued
    terminated = study.trials[1]
    assert terminated.state is hs.TrialState.FAIL
    assert f"worker process died (exit code -{int(signal.SIGTERM)})" in (
        terminated.fail_reason or ""
    )
    retry = study.trials[terminated.system_attrs["retried_by"]]
    assert retry.params == terminated.params and retry.state is hs.TrialState.COMPLETE
    others = [t for t in study.trials if t.number != 1]
    assert all(t.state is hs.TrialState.COMPLETE for t in others)


def test_a_worker_that_dies_between_two_trials_is_replaced(
    caplog: pytest.LogCaptureFixture,
) -> None:
    study = hs.create_study(sampler=RandomSampler(seed=0))
    killed: list[int] = []

    def kill_the_idle_worker(study: hs.Study, trial: hs.FrozenTrial) -> None:
        # Callbacks run in the coordinator after the trial is stored: the worker that
        # ran it waits, idle, for its next trial.
        if not killed:
            killed.append(trial.user_attrs["pid"])
            os.kill(killed[0], signal.SIGKILL)
            wait_until(lambda: not is_process_alive(killed[0]), "the worker's end")

    study.optimize(slow_quadratic, n_trials=6, n_jobs=2, callbacks=[kill_the_idle_worker])
    trials = study.trials
    assert [t.state for t in trials] == [hs.TrialState.COMPLETE] * 6  # nothing was running
    assert len({t.user_attrs["pid"] for t in trials}) == 3  # the dead one was replaced
    assert "died (exit code -9) between two trials" in caplog.text


def test_an_uncaught_error_in_a_worker_is_raised_in_the_caller() -> None:
    study = hs.create_study()

    def objective(trial: hs.Trial) -> float:
        trial.suggest_float("x", 0, 1)
        if trial.number == 2:
            raise ZeroDivisionError("in the worker")
        time.sleep(0.05)
        return 1.0

    with pytest.raises(ZeroDivisionError, match="in the worker"):
        study.optimize(objective, n_trials=10, n_jobs=2)
    failed = [t for t in study.trials if t.state is hs.TrialState.FAIL]
    assert any(t.fail_reason == "ZeroDivisionError: in the worker" for t in failed)
    assert all(t.state is not hs.TrialState.RUNNING for t in study.trials)


def test_spawned_workers_need_a_picklable_objective() -> None:
    study = hs.create_study()
    executor = ProcessExecutor(2, start_method="spawn")
    with pytest.raises(TypeError, match="picklable"):
        study.optimize(lambda t: 1.0, n_trials=2, executor=executor)
