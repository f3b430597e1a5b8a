"""Study creation, ask/tell, best trials, enqueue, dataframe."""

from __future__ import annotations

import math

import pytest

import hypersense as hs
from hypersense.samplers import RandomSampler


def quadratic(trial: hs.Trial) -> float:
    x = trial.suggest_float("x", -10, 10)
    y = trial.suggest_int("y", -3, 3)
    return (x - 2) ** 2 + y * y


def test_optimize_stores_every_trial_and_finds_the_best(storage_url: str | None) -> None:
    study = hs.create_study(study_name="q", storage=storage_url, sampler=RandomSampler(seed=0))
    study.optimize(quadratic, n_trials=30)
    trials = study.trials
    assert [t.number for t in trials] == list(range(30))
    assert all(t.state is hs.TrialState.COMPLETE for t in trials)
    best = min(trials, key=lambda t: t.value)  # type: ignore[arg-type, return-value]
    assert study.best_trial == best
    assert study.best_value == best.value
    assert study.best_params == dict(best.params)
    env = trials[0].system_attrs["environment"]
    assert env["python"] and "numpy" in env["packages"] and env["host"]
    assert isinstance(trials[0].system_attrs["seed"], int)


def test_maximize_picks_the_largest_value() -> None:
    study = hs.create_study(direction="maximize", sampler=RandomSampler(seed=1))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=20)
    assert study.best_value == max(t.value for t in study.trials)  # type: ignore[type-var]


def test_same_seed_same_proposals_different_seed_different() -> None:
    def params(seed: int) -> list[dict[str, object]]:
        s = hs.create_study(sampler=RandomSampler(seed=seed))
        s.optimize(quadratic, n_trials=10)
        return [dict(t.params) for t in s.trials]

    assert params(3) == params(3)
    assert params(3) != params(4)


def test_trial_seed_depends_on_sampler_seed_and_number_only(tmp_path) -> None:  # type: ignore[no-untyped-def]
    seeds = []
    for n_jobs in (1, 2):
        s = hs.create_study(sampler=RandomSampler(seed=9))
        s.optimize(lambda t: float(t.seed), n_trials=6, n_jobs=n_jobs)
        seeds.append([t.value for t in s.trials])
        assert [t.system_attrs["seed"] for t in s.trials] == seeds[-1]
    assert seeds[0] == seeds[1]
    assert len(set(seeds[0])) == 6


def test_ask_and_tell() -> None:
    study = hs.create_study()
    t1, t2 = study.ask(), study.ask()
    x = t1.suggest_float("x", 0, 1)
    t2.suggest_float("x", 0, 1)
    assert study.tell(t1, x).state is hs.TrialState.COMPLETE
    assert study.tell(t2.number, state=hs.TrialState.PRUNED).state is hs.TrialState.PRUNED
    with pytest.raises(hs.StaleTrialError):
        study.tell(t1, 1.0)
    assert study.tell(t1, 1.0, skip_if_finished=True).value == x


def test_tell_with_bad_values_fails_the_trial_with_the_reason() -> None:
    study = hs.create_study()
    bad = study.tell(study.ask(), math.nan)
    assert bad.state is hs.TrialState.FAIL and "non-finite" in (bad.fail_reason or "")
    two = hs.create_study(directions=["minimize", "maximize"])
    wrong = two.tell(two.ask(), 1.0)
    assert wrong.state is hs.TrialState.FAIL and "2 direction" in (wrong.fail_reason or "")


def test_suggesting_twice_returns_the_same_value_and_redefining_is_an_error() -> None:
    study = hs.create_study()
    trial = study.ask()
    a = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
    assert trial.suggest_float("lr", 1e-4, 1e-1, log=True) == a
    with pytest.raises(hs.ParameterConflictError, match="'lr'"):
        trial.suggest_float("lr", 1e-3, 1e-1, log=True)
    with pytest.raises(hs.ParameterConflictError, match="'lr'"):
        trial.suggest_int("lr", 1, 3)


def test_enqueued_trials_run_first_with_their_values() -> None:
    study = hs.create_study(sampler=RandomSampler(seed=0))
    study.enqueue_trial({"x": 2.0, "y": 0})
    study.enqueue_trial({"x": -1.5})
    assert study.enqueue_trial({"x": 2.0, "y": 0}, skip_if_exists=True) is None
    study.optimize(quadratic, n_trials=3)
    trials = study.trials
    assert trials[0].params == {"x": 2.0, "y": 0} and trials[0].value == 0.0
    assert trials[1].params["x"] == -1.5 and -3 <= trials[1].params["y"] <= 3
    assert len(trials) == 3


def test_enqueued_value_outside_the_distribution_fails_that_trial_clearly() -> None:
    study = hs.create_study()
    study.enqueue_trial({"x": 50.0})
    study.optimize(quadratic, n_trials=1, catch=(ValueError,))
    t = study.trials[0]
    assert t.state is hs.TrialState.FAIL
    assert "enqueued value 50.0 of parameter 'x'" in (t.fail_reason or "")


def test_pareto_front_of_two_objectives() -> None:
    study = hs.create_study(directions=["minimize", "maximize"])
    points = [(1.0, 1.0), (2.0, 3.0), (2.0, 0.5), (0.5, 0.2), (3.0, 3.0)]
    for p in points:
        study.tell(study.ask(), p)
    front = sorted(t.values for t in study.best_trials)  # type: ignore[type-var]
    assert front == [(0.5, 0.2), (1.0, 1.0), (2.0, 3.0)]
    with pytest.raises(RuntimeError, match="best_trials"):
        _ = study.best_trial


def test_best_trial_before_any_complete_trial_is_a_clear_error() -> None:
    study = hs.create_study(study_name="empty")
    with pytest.raises(ValueError, match="'empty' has no COMPLETE trial"):
        _ = study.best_trial


def test_callbacks_see_each_finished_trial_and_can_stop_the_study() -> None:
    seen: list[int] = []

    def stop_at_three(study: hs.Study, trial: hs.FrozenTrial) -> None:
        seen.append(trial.number)
        if len(seen) == 3:
            study.stop()

    study = hs.create_study()
    study.optimize(quadratic, n_trials=10, callbacks=[stop_at_three])
    assert seen == [0, 1, 2] and len(study.trials) == 3


def test_timeout_stops_starting_new_trials() -> None:
    import time

    study = hs.create_study()

    def slow(trial: hs.Trial) -> float:
        time.sleep(0.05)
        return quadratic(trial)

    study.optimize(slow, timeout=0.3)
    assert 2 <= len(study.trials) <= 10


def test_trials_dataframe_has_params_and_values() -> None:
    study = hs.create_study(sampler=RandomSampler(seed=0))
    study.optimize(quadratic, n_trials=4)
    df = study.trials_dataframe()
    assert list(df["number"]) == [0, 1, 2, 3]
    assert set(df.columns) >= {"value", "state", "params_x", "params_y", "duration_s"}
    assert df["value"].tolist() == [t.value for t in study.trials]


def test_load_if_exists_and_load_study(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'x.db'}"
    hs.create_study(study_name="s", storage=url, direction="maximize").optimize(
        quadratic, n_trials=2
    )
    with pytest.raises(hs.DuplicatedStudyError, match="'s'"):
        hs.create_study(study_name="s", storage=url)
    again = hs.create_study(study_name="s", storage=url, load_if_exists=True)
    assert again.direction is hs.StudyDirection.MAXIMIZE and len(again.trials) == 2
    with pytest.raises(ValueError, match="exists with directions"):
        hs.create_study(study_name="s", storage=url, direction="minimize", load_if_exists=True)
    assert len(hs.load_study("s", url).trials) == 2
    hs.delete_study("s", url)
    with pytest.raises(hs.StudyNotFoundError, match="'s'"):
        hs.load_study("s", url)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"direction": "up"}, "'minimize' or 'maximize'"),
        ({"direction": "minimize", "directions": ["minimize"]}, "either `direction`"),
        ({"directions": []}, "non-empty list"),
        ({"storage": "hypersense.db"}, "sqlite:///hypersense.db"),
        ({"storage": "mysql://u@h/db"}, "'mysql'"),
        ({"heartbeat_interval_s": 0}, "heartbeat_interval_s"),
        ({"max_retries": -1}, "max_retries"),
    ],
)
def test_bad_study_arguments_name_the_argument(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        hs.create_study(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_trials": -1}, "n_trials"),
        ({"n_trials": 1, "timeout": 0}, "timeout"),
        ({"n_trials": 1, "n_jobs": 0}, "n_jobs"),
        ({"n_trials": 1, "catch": ("ValueError",)}, "catch"),
    ],
)
def test_bad_optimize_arguments_name_the_argument(kwargs: dict[str, object], message: str) -> None:
    study = hs.create_study()
    with pytest.raises((ValueError, TypeError), match=message):
        study.optimize(quadratic, **kwargs)  # type: ignore[arg-type]
    assert study.trials == []
