"""CmaEsSampler: options, resumption, parallel members, margin, quality.

The conformance suite runs in tests/samplers/test_conformance.py."""

from __future__ import annotations

import pickle
import subprocess
import sys

import numpy as np
import pytest

import hypersense as hs
from hypersense.history import StudyHistory
from hypersense.samplers import RandomSampler, Sampler, SamplingContext
from hypersense.samplers.cma_es import CMA_ATTR, CmaEsSampler
from hypersense.storage.memory import InMemoryStorage

# ------------------------------------------------------------------- options


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("x0", [0.1]),
        ("sigma0", 0.0),
        ("sigma0", 1.5),
        ("popsize", 1),
        ("popsize", 4.0),
        ("n_startup_trials", 0),
        ("restart_strategy", "bipop"),
        ("inc_popsize", 1),
        ("stagnation_generations", 0),
        ("with_margin", "yes"),
        ("independent_sampler", "random"),
        ("seed", -1),
    ],
)
def test_bad_options_are_rejected_naming_the_option(option: str, value: object) -> None:
    with pytest.raises((ValueError, TypeError), match=f"`{option}`"):
        CmaEsSampler(**{option: value})  # type: ignore[arg-type]


def test_repr_shows_every_option() -> None:
    text = repr(CmaEsSampler(sigma0=0.2, popsize=6, seed=3))
    for part in (
        "x0=None",
        "sigma0=0.2",
        "popsize=6",
        "n_startup_trials=1",
        "restart_strategy='ipop'",
        "inc_popsize=2",
        "stagnation_generations=None",
        "with_margin=True",
        "independent_sampler=None",
        "seed=3",
    ):
        assert part in text


def test_a_missing_cmaes_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "cmaes", None)
    with pytest.raises(hs.MissingDependencyError, match=r"hypersense\[cmaes\]"):
        CmaEsSampler()


def test_importing_the_sampler_does_not_import_cmaes() -> None:
    code = "import sys, hypersense, hypersense.samplers.cma_es; sys.exit('cmaes' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_multi_objective_studies_are_refused() -> None:
    study = hs.create_study(directions=["minimize", "maximize"], sampler=CmaEsSampler(seed=0))
    with pytest.raises(ValueError, match="single objective"):
        study.ask()


# ------------------------------------------------------------ the search


def _quadratic(trial: hs.Trial) -> float:
    x = np.array([trial.suggest_float(f"x{i}", -5.0, 5.0) for i in range(5)])
    scales = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    return float(np.sum(scales * (x - 1.0) ** 2))


def _best(sampler: Sampler, n_trials: int) -> float:
    study = hs.create_study(sampler=sampler)
    study.optimize(_quadratic, n_trials=n_trials)
    return study.best_value


def test_beats_random_search_on_a_convex_quadratic_in_5d() -> None:
    """Issue requirement: at 40 evaluations, over the fixed seeds 0..9, CMA-ES's best
    value is below random search's in at least 9 of 10 seeds. Under the null hypothesis
    of no difference (each seed a fair coin) that happens with probability 11/1024 = 1.1%.
    (On seeds 100..199 it wins 97 of 100.)"""
    wins = sum(
        _best(CmaEsSampler(seed=s), 40) < _best(RandomSampler(seed=s), 40) for s in range(10)
    )
    assert wins >= 9


def test_trials_carry_their_place_in_the_search() -> None:
    study = hs.create_study(sampler=CmaEsSampler(seed=0))
    study.optimize(_quadratic, n_trials=20)
    first, *rest = study.trials
    assert CMA_ATTR not in first.system_attrs  # start-up trial: the space is unknown
    tags = [t.system_attrs[CMA_ATTR] for t in rest]
    assert [t["generation"] for t in tags] == [0] * 8 + [1] * 8 + [2] * 3
    assert tags[8]["told"] == list(range(1, 9))
    assert all(len(t["x"]) == 5 for t in tags)


def test_a_study_resumed_by_a_new_sampler_proposes_as_if_never_stopped() -> None:
    """The optimizer lives in the trials: a fresh sampler (another process) continues it."""
    whole = hs.create_study(sampler=CmaEsSampler(seed=4))
    whole.optimize(_quadratic, n_trials=30)

    storage = InMemoryStorage()
    first = hs.create_study("resume", storage, sampler=CmaEsSampler(seed=4))
    first.optimize(_quadratic, n_trials=13)
    second = hs.load_study("resume", storage, sampler=CmaEsSampler(seed=4))
    second.optimize(_quadratic, n_trials=17)
    assert [t.params for t in second.trials] == [t.params for t in whole.trials]


def test_a_pickled_sampler_proposes_the_same() -> None:
    def run(sampler: Sampler) -> list[dict[str, float]]:
        study = hs.create_study(sampler=sampler)
        study.optimize(_quadratic, n_trials=25)
        return [dict(t.params) for t in study.trials]

    original = CmaEsSampler(seed=11)
    run(original)  # fills the replay cache, which pickling drops
    assert run(pickle.loads(pickle.dumps(original))) == run(CmaEsSampler(seed=11))


def test_parallel_workers_get_distinct_members_of_one_generation() -> None:
    study = hs.create_study(sampler=CmaEsSampler(seed=2))
    study.optimize(_quadratic, n_trials=9)  # start-up + one full generation of 8
    pending = [study.ask() for _ in range(8)]
    points = [tuple(t.suggest_float(f"x{i}", -5.0, 5.0) for i in range(5)) for t in pending]
    assert len(set(points)) == 8
    running = study.get_trials([hs.TrialState.RUNNING])
    assert {t.system_attrs[CMA_ATTR]["generation"] for t in running} == {1}
    for trial, x in zip(pending, points, strict=True):
        study.tell(trial, float(np.sum(np.square(x))))
    assert study.ask() is not None


def test_an_enqueued_trial_is_told_with_the_values_it_evaluated() -> None:
    study = hs.create_study(sampler=CmaEsSampler(seed=5))
    study.optimize(_quadratic, n_trials=3)
    study.enqueue_trial({"x0": 4.0})
    study.optimize(_quadratic, n_trials=1)
    trial = study.trials[-1]
    assert trial.params["x0"] == 4.0
    history = StudyHistory.from_trials(study.directions, study.trials)
    sampler = study.sampler
    assert isinstance(sampler, CmaEsSampler)
    context = SamplingContext(number=len(study.trials), rng=sampler.trial_rng(4))
    space = sampler.infer_relative_space(history, context)
    key = trial.system_attrs[CMA_ATTR]["key"]
    member = next(m for m in sampler._members(history, context, space, key) if m.number == 3)
    assert member.x is not None
    assert member.x[0] == pytest.approx(0.9)  # the encoded 4.0 in [-5, 5], not the proposal


def test_integers_and_steps_use_margin_and_stay_valid() -> None:
    def objective(trial: hs.Trial) -> float:
        a = trial.suggest_int("a", -10, 10)
        b = trial.suggest_float("b", 0.0, 1.0, step=0.1)
        c = trial.suggest_float("c", 1e-3, 1.0, log=True)
        n = trial.suggest_int("n", 1, 1000, log=True)
        kind = trial.suggest_categorical("kind", ["x", "y"])
        return (
            (a - 3) ** 2
            + (b - 0.7) ** 2
            + np.log10(c / 0.01) ** 2
            + abs(np.log10(n / 30))
            + (kind == "x")
        )

    study = hs.create_study(sampler=CmaEsSampler(seed=0))
    study.optimize(objective, n_trials=120)
    assert study.best_params["a"] == 3
    assert study.best_value < 0.5
    for trial in study.trials:
        assert isinstance(trial.params["a"], int) and -10 <= trial.params["a"] <= 10
        assert round(trial.params["b"] * 10, 9) == round(trial.params["b"] * 10)
    tag = study.trials[-1].system_attrs[CMA_ATTR]
    assert len(tag["x"]) == 4  # a, b, c, n: the categorical is sampled independently


def test_categoricals_go_to_the_independent_sampler() -> None:
    class Constant(RandomSampler):
        def sample_independent(self, history, context, name, distribution):  # type: ignore[no-untyped-def]
            return (
                distribution.choices[-1]
                if name == "kind"
                else super().sample_independent(history, context, name, distribution)
            )

    def objective(trial: hs.Trial) -> float:
        trial.suggest_categorical("kind", ["a", "b", "c"])
        return trial.suggest_float("x", 0, 1)

    study = hs.create_study(sampler=CmaEsSampler(independent_sampler=Constant(seed=0), seed=0))
    study.optimize(objective, n_trials=10)
    assert {t.params["kind"] for t in study.trials} == {"c"}


def test_x0_sets_the_initial_mean() -> None:
    def objective(trial: hs.Trial) -> float:
        return trial.suggest_float("x", 0.0, 100.0) + trial.suggest_float("y", 0.0, 100.0)

    sampler = CmaEsSampler(x0={"x": 90.0, "y": 10.0}, sigma0=0.01, seed=0)
    study = hs.create_study(sampler=sampler)
    study.optimize(objective, n_trials=5)
    for trial in study.trials[1:]:  # trial 0 is the start-up trial
        assert abs(trial.params["x"] - 90.0) < 5 and abs(trial.params["y"] - 10.0) < 5


def test_a_stagnating_search_restarts_with_a_doubled_population() -> None:
    def flat(trial: hs.Trial) -> float:
        trial.suggest_float("x", 0, 1)
        trial.suggest_float("y", 0, 1)
        return 1.0

    study = hs.create_study(sampler=CmaEsSampler(stagnation_generations=2, seed=0))
    study.optimize(flat, n_trials=1 + 3 * 6 + 12)
    tags = [t.system_attrs[CMA_ATTR] for t in study.trials[1:]]
    # d = 2: popsize 4 + floor(3 ln 2) = 6. Three flat generations, then restart 1 with 12.
    assert [t["restart"] for t in tags] == [0] * 18 + [1] * 12
    assert all(t["generation"] == 0 for t in tags[18:])


def test_maximisation_is_supported() -> None:
    def objective(trial: hs.Trial) -> float:
        return -_quadratic(trial)

    study = hs.create_study(direction="maximize", sampler=CmaEsSampler(seed=1))
    study.optimize(objective, n_trials=60)
    assert study.best_value > -5.0


def test_a_sampler_reused_on_another_study_proposes_as_a_fresh_one() -> None:
    """Studies run alike tell the same trial numbers at the same steps: the replay
    cache a sampler filled on one study must not be taken for another's state."""

    def shifted(trial: hs.Trial) -> float:
        return _quadratic(trial) + 3.0 * trial.params["x0"]

    def resumed_study(sampler: CmaEsSampler) -> list[dict[str, float]]:
        storage = InMemoryStorage()
        hs.create_study("other", storage, sampler=CmaEsSampler(seed=8)).optimize(
            shifted, n_trials=40
        )
        study = hs.load_study("other", storage, sampler=sampler)
        study.optimize(shifted, n_trials=10)
        return [dict(t.params) for t in study.trials[40:]]

    reused = CmaEsSampler(seed=8)
    hs.create_study(sampler=reused).optimize(_quadratic, n_trials=25)
    assert resumed_study(reused) == resumed_study(CmaEsSampler(seed=8))


def test_a_sqlite_study_resumed_in_a_new_study_object_continues_exactly(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The points told to CMA-ES travel through the SQL storage as JSON: the
    replay after a reload must give the same proposals as an uninterrupted run."""
    url = f"sqlite:///{tmp_path / 'cma.db'}"
    first = hs.create_study("s", url, sampler=CmaEsSampler(seed=6), heartbeat_interval_s=None)
    first.optimize(_quadratic, n_trials=14)
    first.close()
    again = hs.load_study("s", url, sampler=CmaEsSampler(seed=6), heartbeat_interval_s=None)
    again.optimize(_quadratic, n_trials=14)
    whole = hs.create_study(sampler=CmaEsSampler(seed=6))
    whole.optimize(_quadratic, n_trials=28)
    assert [t.params for t in again.trials] == [t.params for t in whole.trials]
    again.close()


def test_worker_processes_fill_generations() -> None:
    study = hs.create_study(sampler=CmaEsSampler(seed=3))
    study.optimize(_quadratic, n_trials=30, n_jobs=2)
    assert all(t.state is hs.TrialState.COMPLETE for t in study.trials)
    generations = [t.system_attrs[CMA_ATTR]["generation"] for t in study.trials[2:]]
    assert max(generations) >= 2


def test_one_dimension_works() -> None:
    study = hs.create_study(sampler=CmaEsSampler(seed=0))
    study.optimize(lambda t: (t.suggest_float("x", -3, 3) - 1.2) ** 2, n_trials=40)
    assert study.best_value < 1e-2
