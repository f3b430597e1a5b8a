"""GeneticSampler: options, generations, elitism, duplicates, constraints, quality.

The conformance suite runs in tests/samplers/test_conformance.py."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

import hypersense as hs
from hypersense.samplers import RandomSampler, Sampler
from hypersense.samplers.genetic import GeneticSampler
from hypersense.storage.memory import InMemoryStorage

GEN = "genetic:generation"
PARENTS = "genetic:parents"


# ------------------------------------------------------------------- options


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("population_size", 1),
        ("population_size", 8.0),
        ("crossover", "one-point"),
        ("crossover_prob", 1.5),
        ("crossover_prob", "0.9"),
        ("mutation", "cauchy"),
        ("mutation_prob", -0.1),
        ("tournament_size", 0),
        ("constraints_func", "x >= 0"),
        ("seed", -1),
    ],
)
def test_bad_options_are_rejected_naming_the_option(option: str, value: object) -> None:
    with pytest.raises((ValueError, TypeError), match=f"`{option}`"):
        GeneticSampler(**{option: value})  # type: ignore[arg-type]


def test_repr_shows_every_option() -> None:
    text = repr(GeneticSampler(population_size=6, seed=3))
    for part in (
        "population_size=6",
        "crossover='sbx'",
        "crossover_prob=0.9",
        "mutation='gaussian'",
        "mutation_prob=0.1",
        "tournament_size=3",
        "constraints_func=None",
        "seed=3",
    ):
        assert part in text


# ------------------------------------------------------------ generations


def _quadratic(trial: hs.Trial) -> float:
    x = np.array([trial.suggest_float(f"x{i}", -5.0, 5.0) for i in range(5)])
    scales = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    return float(np.sum(scales * (x - 1.0) ** 2))


def test_generations_and_parents_are_recorded_on_trials() -> None:
    study = hs.create_study(sampler=GeneticSampler(population_size=4, seed=0))
    study.optimize(_quadratic, n_trials=14)
    assert [t.system_attrs[GEN] for t in study.trials] == [0] * 4 + [1] * 4 + [2] * 4 + [3] * 2
    assert all(PARENTS not in t.system_attrs for t in study.trials[:4])
    for trial in study.trials[4:8]:
        assert set(trial.system_attrs[PARENTS]) <= {0, 1, 2, 3}


def test_elitism_keeps_the_best_trial_as_a_parent() -> None:
    """With tournaments over the whole population the first parent is always the
    best trial of the earlier generations: it survives every generation."""
    sampler = GeneticSampler(population_size=4, tournament_size=4, crossover_prob=0.0, seed=1)
    study = hs.create_study(sampler=sampler)
    study.optimize(_quadratic, n_trials=24)
    for trial in study.trials[4:]:
        generation = trial.system_attrs[GEN]
        earlier = [t for t in study.trials if t.system_attrs[GEN] < generation]
        best = min(earlier, key=lambda t: (t.value, t.number))
        assert trial.system_attrs[PARENTS] == [best.number]


def test_a_resumed_study_continues_the_same_evolution() -> None:
    whole = hs.create_study(sampler=GeneticSampler(population_size=5, seed=4))
    whole.optimize(_quadratic, n_trials=23)
    storage = InMemoryStorage()
    first = hs.create_study("resume", storage, sampler=GeneticSampler(population_size=5, seed=4))
    first.optimize(_quadratic, n_trials=12)
    second = hs.load_study("resume", storage, sampler=GeneticSampler(population_size=5, seed=4))
    second.optimize(_quadratic, n_trials=11)
    assert [t.params for t in second.trials] == [t.params for t in whole.trials]


def test_children_avoid_evaluated_and_pending_points() -> None:
    def grid(trial: hs.Trial) -> float:
        return float(trial.suggest_int("a", 0, 4) + trial.suggest_int("b", 0, 4))

    study = hs.create_study(sampler=GeneticSampler(population_size=4, seed=0))
    study.optimize(grid, n_trials=4)
    pending = [study.ask() for _ in range(8)]
    points = [(t.suggest_int("a", 0, 4), t.suggest_int("b", 0, 4)) for t in pending]
    earlier = {(t.params["a"], t.params["b"]) for t in study.get_trials([hs.TrialState.COMPLETE])}
    assert len(set(points)) == 8
    assert not set(points) & earlier


def test_the_best_category_takes_over() -> None:
    def objective(trial: hs.Trial) -> float:
        kind = trial.suggest_categorical("kind", ["a", "b", "c", "d"])
        x = trial.suggest_float("x", 0, 1)
        return {"a": 1.0, "b": 0.0, "c": 1.0, "d": 1.0}[kind] + 0.1 * x

    picks = 0
    for seed in range(5):
        study = hs.create_study(sampler=GeneticSampler(seed=seed))
        study.optimize(objective, n_trials=40)
        picks += sum(t.params["kind"] == "b" for t in study.trials[16:])
    # Random search would pick "b" a quarter of the time: 30 of 120.
    assert picks >= 80


def _sum_at_least_one(trial: hs.Trial) -> float:
    """Minimise x + y; the constraint x + y >= 1 is stored as violation 1 - x - y."""
    x, y = trial.suggest_float("x", 0, 1), trial.suggest_float("y", 0, 1)
    trial.set_user_attr("c", [1.0 - x - y])
    return x + y


def _stored_constraint(trial: hs.FrozenTrial) -> Sequence[float]:
    return trial.user_attrs["c"]


def _is_feasible(trial: hs.FrozenTrial) -> bool:
    return trial.user_attrs["c"][0] <= 0


def test_constraints_steer_the_search_to_the_feasible_optimum() -> None:
    constrained = GeneticSampler(population_size=6, constraints_func=_stored_constraint, seed=0)
    study = hs.create_study(sampler=constrained)
    study.optimize(_sum_at_least_one, n_trials=60)
    assert sum(_is_feasible(t) for t in study.trials[30:]) >= 10
    assert min(t.value for t in study.trials if _is_feasible(t)) < 1.05
    # Without the constraint the same search heads for (0, 0), away from feasibility.
    blind = hs.create_study(sampler=GeneticSampler(population_size=6, seed=0))
    blind.optimize(_sum_at_least_one, n_trials=60)
    assert sum(_is_feasible(t) for t in blind.trials[30:]) <= 2


def test_several_objectives_give_a_front() -> None:
    def two(trial: hs.Trial) -> tuple[float, float]:
        x = trial.suggest_float("x", 0, 1)
        y = trial.suggest_float("y", 0, 1)
        return x + y, (1 - x) + y

    study = hs.create_study(
        directions=["minimize", "minimize"], sampler=GeneticSampler(population_size=6, seed=0)
    )
    study.optimize(two, n_trials=48)
    # The Pareto set is y = 0; the evolution pulls the front down towards it.
    assert np.median([t.params["y"] for t in study.best_trials]) < 0.1


# ---------------------------------------------------------------- quality


def _best(sampler: Sampler, n_trials: int) -> float:
    study = hs.create_study(sampler=sampler)
    study.optimize(_quadratic, n_trials=n_trials)
    return study.best_value


def test_beats_random_search_on_a_convex_quadratic_in_5d() -> None:
    """Issue requirement: at 40 evaluations, over the fixed seeds 0..9, the genetic
    sampler's best value is below random search's in at least 8 of 10 seeds. Under the
    null hypothesis of no difference (each seed a fair coin) that happens with
    probability 56/1024 = 5.5%. Its generation 0 is random search's first 8 points
    (same seed, same draws), so the comparison isolates what evolution adds: the 32
    children against random search's 32 further points. (On seeds 100..199 it wins
    83 of 100, so a 9-of-10 margin would hold only about half the time.)"""
    wins = sum(
        _best(GeneticSampler(seed=s), 40) < _best(RandomSampler(seed=s), 40) for s in range(10)
    )
    assert wins >= 8


def test_a_sampler_reused_on_another_study_proposes_as_a_fresh_one() -> None:
    """Survivors are memoised per trial object: another study with the same trial
    numbers (and other values) must get its own survivors."""

    def shifted(trial: hs.Trial) -> float:
        return _quadratic(trial) + 5.0 * trial.params["x0"]

    def resumed_study(sampler: GeneticSampler) -> list[dict[str, float]]:
        storage = InMemoryStorage()
        hs.create_study("other", storage, sampler=GeneticSampler(seed=8)).optimize(
            shifted, n_trials=30
        )
        study = hs.load_study("other", storage, sampler=sampler)
        study.optimize(shifted, n_trials=10)
        return [dict(t.params) for t in study.trials[30:]]

    reused = GeneticSampler(seed=8)
    hs.create_study(sampler=reused).optimize(_quadratic, n_trials=40)
    assert resumed_study(reused) == resumed_study(GeneticSampler(seed=8))


def test_worker_processes_run_the_evolution() -> None:
    study = hs.create_study(sampler=GeneticSampler(population_size=4, seed=3))
    study.optimize(_quadratic, n_trials=24, n_jobs=2)
    assert all(t.state is hs.TrialState.COMPLETE for t in study.trials)
    assert max(t.system_attrs[GEN] for t in study.trials) >= 3
    points = [tuple(t.params.values()) for t in study.trials]
    assert len(set(points)) == len(points)
